"""Spreadsheet import and export: preview, all-or-nothing, round trip, publishing guard, history, commands."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from reversion.models import Version

from heritage.importers import PlaceImport, SourceImport
from heritage.models import Place, PublishStatus, Source
from heritage.transfer.files import csv_lines, read_rows, write_xlsx
from meetings.importers import EventImport, MeetingImport, OrganizationImport, PersonImport
from meetings.models import Event, Meeting, Organization, Participant, Person
from monuments.importers import AssessmentImport, MonumentImport, MonumentTypeImport
from monuments.models import ConditionAssessment, Monument, MonumentType, Registration
from tests import factories as f

pytestmark = pytest.mark.django_db


def csv_file(header, rows, name="data.csv"):
    text = "".join(csv_lines(header, rows))
    return io.BytesIO(text.encode("utf-8")), name


def run(importer, header, rows, dry_run=True):
    handle, name = csv_file(header, rows)
    return importer.run(read_rows(handle, name), dry_run=dry_run)


def export(importer_class, queryset, fmt="csv"):
    importer = importer_class()
    rows = list(importer.export_rows(queryset))
    if fmt == "csv":
        return csv_file(importer.columns(), rows)
    buffer = io.BytesIO()
    write_xlsx(buffer, importer.columns(), rows)
    buffer.seek(0)
    return buffer, "data.xlsx"


@pytest.fixture
def register():
    mosque = f.MonumentTypeFactory(name="Mosque", slug="mosque")
    place = f.PlaceFactory(name="Shusha", slug="shusha")
    old = f.MonumentFactory(name="Old Mosque", slug="old-mosque", monument_type=mosque, place=place)
    f.RegistrationFactory(monument=old, registry="State register", number="101")
    f.ConditionAssessmentFactory(monument=old, condition="destroyed")
    return old


MONUMENT_HEADER = ["slug", "name", "monument_type", "place", "latitude", "longitude", "status"]


def test_preview_reports_new_changed_unchanged_and_invalid_rows_with_reasons(register):
    result = run(
        MonumentImport(),
        MONUMENT_HEADER,
        [
            ["", "Blue Mosque", "Mosque", "shusha", "39.76", "46.75", "draft"],  # row 2: new, type by name
            ["old-mosque", "Old Friday Mosque", "mosque", "shusha", "", "", "published"],  # row 3: changed
            ["old-mosque-2", "Bridge", "no-such-type", "", "95", "10", "draft"],  # row 4: invalid, two reasons
            ["", "Lonely", "mosque", "", "40", "", "draft"],  # row 5: invalid, latitude without longitude
        ],
    )
    assert result.counts == {"new": 1, "changed": 1, "invalid": 2}
    invalid = {row.number: row.errors for row in result.invalid}
    assert set(invalid) == {4, 5}
    assert any("monument_type" in e and "no-such-type" in e for e in invalid[4])
    assert any(e.startswith("latitude") and "90" in e for e in invalid[4])
    assert [r.status for r in result.rows] == ["new", "changed", "invalid", "invalid"]
    assert not result.committed
    assert Monument.objects.count() == 1 and Monument.objects.get().name == "Old Mosque"


def test_a_failing_row_rolls_back_the_whole_import(register):
    f.MonumentFactory(name="Bridge", slug="bridge", monument_type=register.monument_type)
    result = run(
        MonumentImport(),
        MONUMENT_HEADER + ["registry", "registration_number", "significance"],
        [
            ["", "Good one", "mosque", "", "", "", "draft", "", "", ""],
            ["", "Another good one", "mosque", "", "", "", "draft", "", "", ""],
            # The number belongs to the Old Mosque, the slug to the bridge: the row names two monuments.
            ["bridge", "Bad one", "mosque", "", "", "", "draft", "State register", "101", "national"],
        ],
        dry_run=False,
    )
    assert [row.errors for row in result.invalid] == [
        ["slug: “bridge” is another monument than old-mosque, which has this row's identifier or number."]
    ]
    assert not result.committed
    assert Monument.objects.count() == 2
    assert Registration.objects.count() == 1


def test_a_monument_file_of_many_chunks_is_checked_while_the_previous_chunk_is_written(
    register, superuser, monkeypatch
):
    # MonumentImport checks chunk N+1 in a second thread while chunk N is written: what one chunk takes (slugs,
    # registration numbers) the next must see, a bad row in the last chunk still undoes the first, and every
    # record gets its search data and history.
    monkeypatch.setattr(MonumentImport, "chunk_size", 2)
    f.MonumentFactory(name="Old Mosque", slug="old-mosque-2", monument_type=register.monument_type)
    f.MonumentFactory(name="Juma Mosque", slug="juma-mosque-2", monument_type=register.monument_type)
    source = f.SourceFactory()
    header = ["name", "monument_type", "place", "sources", "registry", "registration_number", "significance"]
    rows = [
        ["Old Mosque", "Mosque", "shusha", str(source.pk), "State register", "201", "national"],
        ["Juma Mosque", "mosque", "", "", "", "", ""],
        ["Old Mosque", "mosque", "shusha", "", "State register", "202", "local"],
        ["Juma Mosque", "mosque", "", "", "", "", ""],
        ["Blagojević Bridge", "mosque", "", str(source.pk), "", "", ""],
        ["Old Mosque", "mosque", "", "", "", "", ""],
    ]
    bad = ["Late Mosque", "mosque", "", "", "State register", "201", "local"]  # number taken three chunks before
    result = run(MonumentImport(user=superuser), header, [*rows, bad], dry_run=False)
    assert not result.committed
    assert [(r.number, r.errors) for r in result.invalid] == [
        (8, ["registration_number: 201 is already used in State register."])
    ]
    assert Monument.objects.count() == 3 and Registration.objects.count() == 1 and not Version.objects.exists()

    result = run(MonumentImport(user=superuser), header, rows, dry_run=False)
    assert result.committed and result.counts == {"new": 6}, result.invalid
    slugs = set(Monument.objects.filter(name="Old Mosque").values_list("slug", flat=True))
    assert slugs == {"old-mosque", "old-mosque-2", "old-mosque-3", "old-mosque-4", "old-mosque-5"}
    # "juma-mosque" was free, "juma-mosque-2" was not: the second Juma Mosque skips it, although its chunk was
    # prepared before the first one's was written.
    slugs = set(Monument.objects.filter(name="Juma Mosque").values_list("slug", flat=True))
    assert slugs == {"juma-mosque", "juma-mosque-2", "juma-mosque-3"}
    assert list(Monument.objects.search("Blagojevic").values_list("sources", flat=True)) == [source.pk]
    assert Monument.objects.search("Shusha").count() == 3  # the place's name, loaded for the checking thread
    assert dict(Registration.objects.filter(number__in=["201", "202"]).values_list("number", "monument__slug")) == {
        "201": "old-mosque-3",
        "202": "old-mosque-4",
    }
    imported = Monument.objects.exclude(slug__in=["old-mosque", "old-mosque-2", "juma-mosque-2"])
    assert all(m.created_by == superuser and m.updated_by == superuser for m in imported)
    for obj in [*imported, *Registration.objects.filter(number__in=["201", "202"])]:
        version = Version.objects.get_for_object(obj).get()
        assert version.field_dict["id"] == obj.pk and version.object_repr == str(obj)
    assert Version.objects.get_for_object(Monument.objects.get(slug="old-mosque-3")).get().field_dict["sources"] == [
        source.pk
    ]


def test_the_checking_thread_may_not_query_the_database(register, monkeypatch):
    def build_extra(self, raw, pending):
        return Monument.objects.exists()

    monkeypatch.setattr(MonumentImport, "build_extra", build_extra)
    with pytest.raises(RuntimeError, match="checking thread may not query"):
        run(MonumentImport(), ["name", "monument_type"], [["Juma Mosque", "mosque"]], dry_run=False)
    assert Monument.objects.count() == 1


def test_a_key_repeated_in_the_file_is_refused_and_nothing_saved(register):
    result = run(
        MonumentImport(),
        ["slug", "name", "monument_type"],
        [["new-one", "New", "mosque"], ["new-one", "New again", "mosque"]],
        dry_run=False,
    )
    assert result.invalid[0].number == 3 and "already in row 2" in result.invalid[0].errors[0]
    assert not Monument.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_of_every_model_changes_nothing(demo, register, fmt):
    f.ConditionAssessmentFactory(monument=register, condition="damaged", description="Line one\nline two")
    meeting = Meeting.objects.first()
    outcome = meeting.outcomes.first()
    outcome.text = "Two lines | with a bar\nsecond line"
    outcome.save()
    Monument.objects.filter(pk=register.pk).update(latitude="40.100000", longitude="46.750000")
    cases = [
        (MonumentImport, Monument.objects.all()),
        (AssessmentImport, ConditionAssessment.objects.all()),
        (MeetingImport, Meeting.objects.all()),
        (PersonImport, Person.objects.all()),
        (OrganizationImport, Organization.objects.all()),
        (EventImport, Event.objects.all()),
        (SourceImport, Source.objects.all()),
        (PlaceImport, Place.objects.all()),
        (MonumentTypeImport, MonumentType.objects.all()),
    ]
    for importer_class, queryset in cases:
        before = list(importer_class().export_rows(queryset))
        versions = Version.objects.count()
        handle, name = export(importer_class, queryset, fmt)
        result = importer_class().run(read_rows(handle, name), dry_run=False)
        assert result.counts == {"unchanged": queryset.count()}, (importer_class, result.invalid)
        assert list(importer_class().export_rows(queryset)) == before
        assert Version.objects.count() == versions  # nothing written, so no history either


def test_import_keeps_history_and_the_change_can_be_reverted(client, superuser, register):
    result = run(MonumentImport(user=superuser), ["slug", "name"], [["old-mosque", "Renamed"]], dry_run=False)
    assert result.committed
    register.refresh_from_db()
    assert register.name == "Renamed" and register.updated_by == superuser
    version = Version.objects.get_for_object(register).first()
    assert version.revision.user == superuser and "Imported" in version.revision.comment
    assert version.field_dict["name"] == "Renamed"

    # An earlier state to go back to: revert the import by saving the form of the older version.
    run(MonumentImport(user=superuser), ["slug", "name"], [["old-mosque", "Renamed twice"]], dry_run=False)
    client.force_login(superuser)
    history = client.get(reverse("admin:monuments_monument_history", args=[register.pk]))
    assert history.status_code == 200 and "Imported" in history.content.decode()
    version.revision.revert()
    register.refresh_from_db()
    assert register.name == "Renamed"


def test_an_editor_cannot_publish_through_an_import(editor, register):
    result = run(
        MonumentImport(user=editor),
        ["slug", "name", "monument_type", "status"],
        [
            ["", "Fresh", "mosque", "published"],  # row 2: new and published
            ["old-mosque", "Old Mosque", "mosque", "draft"],  # row 3: unpublishing
            ["", "Draft one", "mosque", "review"],  # row 4: fine
        ],
        dry_run=False,
    )
    assert {row.number for row in result.invalid} == {2, 3}
    assert all("may not publish" in row.errors[0] for row in result.invalid)
    assert not result.committed and Monument.objects.count() == 1

    result = run(MonumentImport(user=editor), ["name", "monument_type"], [["Draft one", "mosque"]], dry_run=False)
    assert result.committed
    assert Monument.objects.get(name="Draft one").status == PublishStatus.DRAFT


def test_monument_import_creates_registration_and_assessments_set_the_current_condition(register):
    source = f.SourceFactory()
    result = run(
        MonumentImport(),
        ["name", "monument_type", "registry", "registration_number", "significance", "sources"],
        [["Khan Palace", "mosque", "State register", "706", "national", str(source.pk)]],
        dry_run=False,
    )
    assert result.committed
    palace = Monument.objects.get(name="Khan Palace")
    assert palace.slug == "khan-palace" and palace.current_condition == "unknown"
    assert palace.registrations.get().number == "706"
    assert list(palace.sources.all()) == [source]

    result = run(
        AssessmentImport(),
        ["monument", "observed_on", "condition", "evidence_kind", "source", "assessed_by"],
        [
            ["khan-palace", "2020-01-01", "damaged", "site_visit", str(source.pk), "Field team"],
            ["khan-palace", "2023-05-01", "restored", "photograph", str(source.pk), "Field team"],
            ["old-mosque", "2024-01-01", "under_restoration", "report", str(source.pk), "Ministry"],
        ],
        dry_run=False,
    )
    assert result.committed, result.invalid
    palace.refresh_from_db()
    register.refresh_from_db()
    assert palace.current_condition == "restored"
    assert register.current_condition == "under_restoration"


def test_meeting_import_matches_people_and_organizations_by_slug_and_never_duplicates(demo):
    people, organizations = Person.objects.count(), Organization.objects.count()
    person, org = Person.objects.first(), Organization.objects.first()
    source = Source.objects.first()
    result = run(
        MeetingImport(),
        ["title", "date", "date_precision", "topics", "participants", "outcomes"],
        [
            [
                "Ministers talk heritage",
                "2023-04-01",
                "month",
                "",
                f"{person.slug} | | | Minister | AZ\n | {org.slug} | | Delegation |",
                f"proposal | open | {org.slug} | To hold culture days",
            ]
        ],
        dry_run=False,
    )
    assert result.committed, result.invalid
    meeting = Meeting.objects.get(title="Ministers talk heritage")
    assert meeting.participants.count() == 2
    assert meeting.participants.first().person == person
    assert list(meeting.outcomes.get().parties.all()) == [org]
    assert (Person.objects.count(), Organization.objects.count()) == (people, organizations)

    result = run(
        MeetingImport(cite_source=source),
        ["slug", "participants"],
        [[meeting.slug, "nobody-known | | | Minister |"]],
    )
    assert result.invalid[0].errors[0].startswith("participants: unknown person “nobody-known”; known: ")
    result = run(MeetingImport(cite_source=source), ["slug"], [[meeting.slug]], dry_run=False)
    assert result.counts == {"changed": 1}
    assert list(meeting.sources.all()) == [source]
    assert Participant.objects.filter(meeting=meeting).count() == 2


def test_unknown_columns_and_unreadable_files_are_refused_with_a_message():
    result = run(PersonImport(), ["name", "shoe_size"], [["A", "42"]])
    assert result.file_errors and "shoe_size" in result.file_errors[0]
    result = PersonImport().run(read_rows(io.BytesIO(b"\xff\xfe\x00garbage"), "people.xlsx"))
    assert result.file_errors and not result.committed
    result = PersonImport().run(read_rows(io.BytesIO("name\nJosé\n".encode("latin-1")), "people.csv"))
    assert "UTF-8" in result.file_errors[0]


# Admin ----------------------------------------------------------------------------------------------------------


def upload(name, header, rows):
    handle, _ = csv_file(header, rows)
    return SimpleUploadedFile(name, handle.getvalue(), "text/csv")


def test_admin_import_previews_then_commits_all_rows(client, superuser, register):
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_import")
    assert client.get(url).status_code == 200
    file = upload("m.csv", ["slug", "name", "monument_type"], [["", "Blue Mosque", "mosque"], ["", "Red", "bad"]])
    response = client.post(url, {"file": file})
    page = response.content.decode()
    assert response.status_code == 200 and "Preview" in page
    assert response.context["result"].counts == {"new": 1, "invalid": 1}
    assert "monument_type: unknown monument type “bad”; known: Mosque (mosque)." in page
    assert 'name="confirm"' not in page
    assert Monument.objects.count() == 1

    file = upload("m.csv", ["slug", "name", "monument_type"], [["", "Blue Mosque", "mosque"]])
    response = client.post(url, {"file": file})
    token = response.context["token"]
    assert 'name="confirm"' in response.content.decode()
    assert Monument.objects.count() == 1  # the preview saved nothing
    response = client.post(url, {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert Monument.objects.filter(name="Blue Mosque").exists()
    assert client.post(url, {"token": token, "confirm": "1"}).status_code == 200  # used up, asks again


def test_admin_import_refuses_a_bad_token_and_a_wrong_file_type(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:meetings_person_import")
    response = client.post(url, {"token": "../../settings.py", "confirm": "1"})
    assert response.status_code == 200 and "Choose a file" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("people.pdf", b"%PDF")})
    assert "Upload a .csv, .xlsx or .geojson file." in response.content.decode()


def test_admin_import_from_a_source_cites_it(client, editor):
    source = f.SourceFactory()
    client.force_login(editor)
    url = reverse("admin:meetings_meeting_import")
    assert f'value="{source.pk}"' in client.get(url, {"source": source.pk}).content.decode()
    file = upload("meetings.csv", ["title", "date"], [["Talks", "2024-02-02"]])
    response = client.post(url, {"file": file, "cite_source": source.pk})
    response = client.post(url, {"token": response.context["token"], "cite_source": source.pk, "confirm": "1"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Talks")
    assert list(meeting.sources.all()) == [source] and meeting.status == PublishStatus.DRAFT


def test_admin_export_actions_and_templates(client, superuser, register):
    client.force_login(superuser)
    changelist = reverse("admin:monuments_monument_changelist")
    response = client.post(changelist, {"action": "export_csv", "_selected_action": [register.pk]})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == MonumentImport.columns() and rows[1][0] == "old-mosque"
    assert rows[1][rows[0].index("current_condition")] == "destroyed"
    assert rows[1][rows[0].index("registration_number")] == "101"

    response = client.post(changelist, {"action": "export_xlsx", "_selected_action": [register.pk]})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert next(book.worksheets[0].iter_rows(values_only=True))[0] == "slug"

    response = client.get(reverse("admin:monuments_monument_import_template", args=["xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    notes = list(book.worksheets[1].iter_rows(values_only=True))
    assert [n[0] for n in notes[1:]] == MonumentImport.columns()
    assert "Import template" in client.get(changelist).content.decode()


def test_an_editor_without_add_permission_cannot_import(client, db):
    viewer = f.UserFactory()
    client.force_login(viewer)
    assert client.get(reverse("admin:meetings_person_import")).status_code in (302, 403)


# Commands -------------------------------------------------------------------------------------------------------


def write_csv(tmp_path, header, rows, name="data.csv"):
    path = tmp_path / name
    path.write_text("".join(csv_lines(header, rows)), encoding="utf-8")
    return str(path)


def test_import_monuments_command_dry_run_then_import(tmp_path, register, capsys):
    path = write_csv(tmp_path, ["name", "monument_type"], [[f"Monument {i}", "mosque"] for i in range(30)])
    call_command("import_monuments", path, "--dry-run")
    assert Monument.objects.count() == 1
    out = capsys.readouterr()
    assert "30 new" in out.out and "dry run" in out.out and "rows/s" in out.out
    # Progress in a log (stderr is not a terminal here): a plain line at the end, never a carriage return.
    assert out.err.startswith("rows: 30, ") and "\r" not in out.err
    call_command("import_monuments", path)
    assert Monument.objects.count() == 31


def test_monument_import_switches_threads_often_and_restores_the_interval(tmp_path, register, monkeypatch):
    """A pipelined import shortens Python's thread switch interval for its own length only: the setting is
    process-wide (a threaded gunicorn worker serves other requests with it), so a failed import restores it too."""
    import sys

    seen = []
    original = sys.setswitchinterval
    monkeypatch.setattr(sys, "setswitchinterval", lambda value: (seen.append(value), original(value)))
    before = sys.getswitchinterval()
    call_command("import_monuments", write_csv(tmp_path, ["name", "monument_type"], [["A", "mosque"]]))
    with pytest.raises(CommandError):
        call_command("import_monuments", write_csv(tmp_path, ["name", "monument_type"], [["B", "no-such-type"]]))
    assert seen == [0.0005, before, 0.0005, before]
    assert sys.getswitchinterval() == before


def test_import_command_fails_loudly_and_saves_nothing(tmp_path, register, editor):
    path = write_csv(tmp_path, ["name", "monument_type", "status"], [["A", "mosque", "draft"], ["B", "x", "draft"]])
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_monuments", path)
    assert Monument.objects.count() == 1
    path = write_csv(tmp_path, ["name", "monument_type", "status"], [["A", "mosque", "published"]])
    with pytest.raises(CommandError):
        call_command("import_monuments", path, "--user", "editor")
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_monuments", str(tmp_path / "missing.csv"))


def test_every_import_command_exists(tmp_path, demo):
    for name, header, row in [
        ("import_sources", ["title", "url"], ["A report", "https://example.org/report"]),
        ("import_people", ["name"], ["Anar Karimov"]),
        ("import_organizations", ["name", "kind"], ["A museum", "museum"]),
        ("import_meetings", ["title", "date"], ["A meeting", "2024-01-01"]),
        ("import_events", ["name", "start_date"], ["A forum", "2024"]),
    ]:
        call_command(name, write_csv(tmp_path, header, [row]), verbosity=0)
    assert Source.objects.filter(url="https://example.org/report").exists()
    # The same URL again is the same source.
    call_command("import_sources", write_csv(tmp_path, ["title", "url"], [["Again", "https://example.org/report"]]))
    assert Source.objects.filter(url="https://example.org/report").count() == 1


def test_imported_values_arrive_exactly_on_every_database(register, superuser):
    # On PostgreSQL new rows go in with COPY: nulls, empty text, decimals, booleans, dates and a text that reads
    # like COPY's null marker must all arrive as given.
    result = run(
        MonumentImport(user=superuser),
        ["name", "monument_type", "latitude", "longitude", "built_approximate", "description", "alternative_names"],
        [
            ["Exact", "mosque", "39.123456", "46.5", "yes", "", "Line one\nLine, two"],
            ["Marker", "mosque", "", "", "no", "\\N", ""],
        ],
        dry_run=False,
    )
    assert result.committed, result.invalid
    exact, marker = Monument.objects.get(name="Exact"), Monument.objects.get(name="Marker")
    assert str(exact.latitude) == "39.123456" and str(exact.longitude) == "46.500000"
    assert exact.built_approximate is True and exact.description == ""
    assert exact.alternative_names == "Line one\nLine, two"
    assert exact.created_by == superuser and exact.created_at is not None and exact.slug == "exact"
    assert marker.latitude is None and marker.description == "\\N" and marker.built_approximate is False
    version = Version.objects.get_for_object(exact).get()
    assert version.field_dict["latitude"] == exact.latitude and version.field_dict["place_id"] is None


# Search stays current -------------------------------------------------------------------------------------------


def test_imported_records_are_found_by_search_right_after_the_import(tmp_path, register):
    """Every import writes in bulk (no save()); the search data of what it wrote is current all the same."""
    call_command(
        "import_monuments",
        write_csv(tmp_path, ["name", "monument_type", "place"], [["Yuxarı Gövhər Ağa Məscidi", "mosque", "shusha"]]),
        verbosity=0,
    )
    monument = Monument.objects.get(name="Yuxarı Gövhər Ağa Məscidi")
    assert list(Monument.objects.search("Govher")) == [monument]
    # Its type and place are part of its search data too.
    assert set(Monument.objects.search("Shusha mosque")) == {register, monument}

    call_command("import_people", write_csv(tmp_path, ["slug", "name"], [["anar", "Anar Kərimov"]]), verbosity=0)
    person = Person.objects.get(slug="anar")
    assert list(Person.objects.search("Kerimov")) == [person]
    call_command(
        "import_organizations",
        write_csv(tmp_path, ["slug", "name", "kind"], [["mn", "Mədəniyyət Nazirliyi", "ministry"]]),
        verbosity=0,
    )
    assert list(Organization.objects.search("medeniyyet")) == [Organization.objects.get(slug="mn")]
    # A meeting is found by its participants' names, which are written after the meeting itself.
    call_command(
        "import_meetings",
        write_csv(tmp_path, ["title", "date", "participants"], [["Talks in Paris", "2024-05-01", "anar | mn | | |"]]),
        verbosity=0,
    )
    meeting = Meeting.objects.get(title="Talks in Paris")
    # Drafts' names do not make a meeting findable (drafts stay private): the person and ministry are drafts.
    assert list(Meeting.objects.search("Kerimov")) == []
    assert list(Meeting.objects.search("Talks Paris")) == [meeting]

    # A changed name: the new one is found, the old one no longer.
    call_command("import_people", write_csv(tmp_path, ["slug", "name"], [["anar", "Anar Məmmədov"]]), verbosity=0)
    assert list(Person.objects.search("Memmedov")) == [person]
    assert list(Person.objects.search("Kerimov")) == []

    # Meetings are found by their participants' names once those are published, and follow a rename.
    publish = ["slug", "name", "status"]
    call_command("import_people", write_csv(tmp_path, publish, [["anar", "Anar Kərimov", "published"]]), verbosity=0)
    assert list(Meeting.objects.search("Kerimov")) == [meeting]
    call_command("import_people", write_csv(tmp_path, publish, [["anar", "Anar Məmmədov", "published"]]), verbosity=0)
    assert list(Meeting.objects.search("Memmedov")) == [meeting]
    assert list(Meeting.objects.search("Kerimov")) == []


def test_admin_import_keeps_search_current(client, superuser, register):
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_import")
    response = client.post(url, {"file": upload("m.csv", ["name", "monument_type"], [["Blagojević Bridge", "mosque"]])})
    response = client.post(url, {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert list(Monument.objects.search("Blagojevic")) == [Monument.objects.get(name="Blagojević Bridge")]


def test_changed_monuments_get_the_search_data_a_rebuild_would_give_them(tmp_path, register):
    """On PostgreSQL a changed monument's search data is written with its fields (the checking thread makes it from
    the record, its type and its place with the place's parent); elsewhere it is indexed after the write. Either
    way it is what ``rebuild_search`` makes, and the changed record is found by its new words."""
    region = f.PlaceFactory(name="Karabakh", slug="karabakh")
    Place.objects.filter(slug="shusha").update(parent=region)
    other = f.MonumentFactory(name="Bridge", slug="bridge", monument_type=register.monument_type)
    header = ["slug", "name", "description", "place"]
    rows = [["old-mosque", "Yuxarı Gövhər Ağa Məscidi", "Rebuilt in 1883", ""], ["bridge", "Bridge", "", "shusha"]]
    call_command("import_monuments", write_csv(tmp_path, header, rows), verbosity=0)

    columns = ["search_names", "search_text", "search_keys", "search_vector"]
    monuments = Monument.objects.filter(pk__in=[register.pk, other.pk]).order_by("pk")
    imported = list(monuments.values_list(*columns))
    call_command("rebuild_search", verbosity=0)
    assert list(monuments.values_list(*columns)) == imported
    assert list(Monument.objects.search("Govher 1883")) == [register]
    assert list(Monument.objects.search("Bridge Karabakh")) == [other]


def test_a_dry_run_leaves_no_search_data_behind(register):
    result = run(MonumentImport(), ["name", "monument_type"], [["Ghost Mosque", "mosque"]])
    assert result.counts == {"new": 1} and not result.committed
    assert not Monument.objects.search("Ghost").exists()


def test_a_new_record_keeps_the_slug_the_file_gives_it(demo):
    result = run(
        PersonImport(),
        ["slug", "name"],
        [["anar-k", "Anar Kərimov"], ["", "Anar K"], ["bad slug!", "Someone"]],
        dry_run=False,
    )
    assert result.counts == {"new": 2, "invalid": 1}
    assert any(e.startswith("slug:") for e in result.invalid[0].errors)
    result = run(PersonImport(), ["slug", "name"], [["anar-k", "Anar Kərimov"], ["", "Anar K"]], dry_run=False)
    assert result.committed
    assert Person.objects.get(slug="anar-k").name == "Anar Kərimov"
    # A later file refers to the new person by that slug.
    result = run(MeetingImport(), ["title", "date", "participants"], [["Talks", "2024-01-02", "anar-k | | | |"]])
    assert result.counts == {"new": 1}, result.invalid


def test_imported_search_data_is_exactly_what_save_stores(register):
    # New rows get their search data in the bulk write itself (on PostgreSQL through COPY and one INSERT); a save()
    # afterwards must not change a thing.
    result = run(
        MonumentImport(),
        ["name", "alternative_names", "monument_type", "place", "description"],
        [["Gövhər Ağa Məscidi", "Говхар Ага", "mosque", "shusha", "Built in 1884 – “restored” in 2019."]],
        dry_run=False,
    )
    assert result.committed, result.invalid
    columns = ("search_names", "search_text", "search_keys", "search_vector")
    imported = Monument.objects.filter(name="Gövhər Ağa Məscidi").values(*columns).get()
    assert imported["search_names"] == "govher aga mescidi\ngovhar aga"
    Monument.objects.get(name="Gövhər Ağa Məscidi").save()
    assert Monument.objects.filter(name="Gövhər Ağa Məscidi").values(*columns).get() == imported


ADMIN_IMPORTS = [
    ("monuments", "monument", MonumentImport, Monument),
    ("monuments", "conditionassessment", AssessmentImport, ConditionAssessment),
    ("meetings", "meeting", MeetingImport, Meeting),
    ("meetings", "person", PersonImport, Person),
    ("meetings", "organization", OrganizationImport, Organization),
    ("meetings", "event", EventImport, Event),
    ("heritage", "source", SourceImport, Source),
    ("heritage", "place", PlaceImport, Place),
    ("monuments", "monumenttype", MonumentTypeImport, MonumentType),
]


@pytest.mark.parametrize("app,model_name,importer_class,model", ADMIN_IMPORTS)
def test_every_admin_import_has_templates_and_its_exports_import_back_unchanged(
    client, superuser, demo, register, app, model_name, importer_class, model
):
    client.force_login(superuser)
    columns = importer_class.columns()
    template = reverse(f"admin:{app}_{model_name}_import_template", args=["csv"])
    assert client.get(template).content.decode("utf-8-sig").strip() == ",".join(columns)
    response = client.get(reverse(f"admin:{app}_{model_name}_import_template", args=["xlsx"]))
    notes = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[1].iter_rows(values_only=True)
    )
    assert [n[0] for n in notes[1:]] == columns
    assert all(n[2] for n in notes[1:]), "every column says what it means"

    changelist = reverse(f"admin:{app}_{model_name}_changelist")
    selected = list(model.objects.values_list("pk", flat=True))
    assert selected
    for action, name in (("export_csv", "export.csv"), ("export_xlsx", "export.xlsx")):
        response = client.post(changelist, {"action": action, "_selected_action": selected})
        exported = SimpleUploadedFile(name, b"".join(response.streaming_content))
        response = client.post(reverse(f"admin:{app}_{model_name}_import"), {"file": exported})
        assert response.context["result"].counts == {"unchanged": len(selected)}, response.context["result"].invalid


def test_import_versions_read_back_as_reversion_would_record_them(register, superuser):
    # On PostgreSQL the database serialises the written rows for history; they must read back exactly as the
    # versions django-reversion makes itself (the search vector, derived data, aside).
    import reversion

    source = f.SourceFactory()
    result = run(
        MonumentImport(user=superuser),
        ["name", "alternative_names", "monument_type", "latitude", "longitude", "built_from_year", "built_approximate"]
        + ["description", "sources", "status", "registry", "registration_number", "significance", "registered_on"],
        [
            ["Qız “qalası”", "Line one\nLine, \\two", "mosque", "40.5", "-46.123456", "-300", "yes"]
            + ['Said "so" — ok', str(source.pk), "draft", "State register", "A-1", "national", "2001-02-03"]
        ],
        dry_run=False,
    )
    assert result.committed, result.invalid
    monument = Monument.objects.get(name="Qız “qalası”")
    registration = monument.registrations.get()
    imported = [Version.objects.get_for_object(obj).get() for obj in (monument, registration)]
    with reversion.create_revision():
        reversion.add_to_revision(monument)
        reversion.add_to_revision(registration)
    recorded = [Version.objects.get_for_object(obj).first() for obj in (monument, registration)]
    for mine, theirs in zip(imported, recorded, strict=True):
        assert mine.pk != theirs.pk and mine.object_repr == theirs.object_repr
        ours, reference = mine.field_dict, theirs.field_dict
        ours.pop("search_vector", None), reference.pop("search_vector", None)
        assert ours == reference
    assert imported[0].field_dict["sources"] == [source.pk] and imported[0].field_dict["latitude"] == Decimal("40.5")


def test_meeting_import_versions_read_back_as_reversion_would_record_them(demo):
    import reversion

    person, org = Person.objects.first(), Organization.objects.first()
    result = run(
        MeetingImport(),
        ["title", "date", "date_precision", "participants", "outcomes"],
        [
            [
                "Talks",
                "2023-04-01",
                "month",
                f"{person.slug} | {org.slug} | | Minister | AZ",
                f"offer | open | {org.slug} | X",
            ]
        ],
        dry_run=False,
    )
    assert result.committed, result.invalid
    meeting = Meeting.objects.get(title="Talks")
    objects = [meeting, meeting.participants.get(), meeting.outcomes.get()]
    imported = [Version.objects.get_for_object(obj).get() for obj in objects]
    with reversion.create_revision():
        for obj in objects:
            reversion.add_to_revision(obj)
    for obj, mine in zip(objects, imported, strict=True):
        theirs = Version.objects.get_for_object(obj).first()
        # Search columns are derived data that save() recomputes on a revert.
        derived = ("search_vector", "search_names", "search_text", "search_keys")
        ours = {k: v for k, v in mine.field_dict.items() if k not in derived}
        assert ours == {k: v for k, v in theirs.field_dict.items() if k not in derived}, type(obj)
