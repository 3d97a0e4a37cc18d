"""The event import (issue 14): the command and the admin, dates as precisely as they are known, places and
organizers by name, identifiers; rows matched by identifier, then by name and start date, then by slug, so a file
without slugs imports twice without duplicates; bad rows named by number with the value and the valid ones, and
nothing saved; an Editor's changes to published events are proposals."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from heritage.models import Proposal, PublishStatus
from heritage.transfer.files import read_rows
from meetings.importers import EventImport
from meetings.models import Event, EventIdentifier
from tests import factories as f
from tests.heritage.test_imports import csv_file, export, run, upload, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["name", "kind", "start_date", "end_date", "place", "organizer", "description", "sources", "wikidata"]


@pytest.fixture
def register():
    f.IdentifierSchemeFactory(code="wikidata")
    baku = f.PlaceFactory(name="Baku", slug="baku")
    ministry = f.OrganizationFactory(name="Ministry of Culture", slug="ministry-of-culture")
    source = f.SourceFactory()
    return baku, ministry, source


def rows(source):
    return [
        [
            "Baku Global Forum",
            "Forum",
            "2019-03-14",
            "2019-03-15",
            "Baku",
            "Ministry of Culture",
            "",
            str(source.pk),
            "",
        ],
        ["Heritage Days", "conference", "1998", "", "baku", "", "Yearly", "", "Q123"],
    ]


def test_the_command_imports_a_file_without_slugs_twice_without_duplicates(tmp_path, capsys, register):
    baku, ministry, source = register
    path = write_csv(tmp_path, HEADER, rows(source))
    call_command("import_events", path)
    assert "2 new" in capsys.readouterr().out
    forum, days = Event.objects.get(name="Baku Global Forum"), Event.objects.get(name="Heritage Days")
    assert (forum.kind, forum.start_date, forum.end_date, forum.date_precision) == (
        "forum",
        datetime.date(2019, 3, 14),
        datetime.date(2019, 3, 15),
        "day",
    )
    assert (forum.place, forum.organizer, list(forum.sources.all())) == (baku, ministry, [source])
    assert (days.start_date, days.date_precision) == (datetime.date(1998, 1, 1), "year")
    assert EventIdentifier.objects.get().event == days
    assert forum.status == PublishStatus.DRAFT and forum.slug == "baku-global-forum"

    # The same file again: each row is its event (by name and start date, or by identifier); nothing changes.
    call_command("import_events", path)
    assert "0 new, 0 changed, 2 unchanged, 0 invalid" in capsys.readouterr().out
    assert Event.objects.count() == 2
    # A changed description is a change of that event, not a new one; the name's case and accents aside.
    changed = [["BAKU GLOBAL FORUM", "forum", "2019-03-14", "", "", "", "Second edition", "", ""]]
    call_command("import_events", write_csv(tmp_path, HEADER, changed))
    assert "1 changed" in capsys.readouterr().out
    forum.refresh_from_db()
    assert (forum.name, forum.description, forum.end_date) == ("BAKU GLOBAL FORUM", "Second edition", None)
    # Another edition (another start date) is another event.
    call_command("import_events", write_csv(tmp_path, ["name", "start_date"], [["Baku Global Forum", "2021"]]))
    assert Event.objects.count() == 3


def test_the_identifier_names_the_event_before_its_name_and_date(register):
    days = f.EventFactory(name="Heritage Days", slug="heritage-days", start_date=datetime.date(1998, 1, 1))
    EventIdentifier.objects.create(event=days, scheme=f.IdentifierSchemeFactory(code="viaf"), value="77")
    result = run(EventImport(), ["name", "start_date", "viaf"], [["Days of Heritage", "1999", "77"]], dry_run=False)
    assert result.counts == {"changed": 1}, result.invalid
    days.refresh_from_db()
    assert (days.name, days.start_date, days.date_precision) == ("Days of Heritage", datetime.date(1999, 1, 1), "year")
    assert Event.objects.count() == 1


def test_a_name_and_date_several_events_bear_or_given_twice_is_refused_naming_them(register):
    f.EventFactory(name="Forum", slug="forum-a", start_date=datetime.date(2020, 5, 1), end_date=None)
    f.EventFactory(name="Forum", slug="forum-b", start_date=datetime.date(2020, 5, 1), end_date=None)
    result = run(EventImport(), ["name", "start_date"], [["Forum", "2020-05-01"]])
    [row] = result.invalid
    assert row.number == 2
    assert row.errors == [
        "name, start_date: “Forum” (2020-05-01) names several events (forum-a, forum-b); give the slug of one."
    ]
    result = run(EventImport(), ["name", "start_date"], [["Congress", "2021"], ["congress", "2021"]])
    assert [(r.number, r.errors) for r in result.invalid] == [
        (3, ["name, start_date: “congress” (2021-01-01) is already in row 2."])
    ]
    assert Event.objects.count() == 2


def test_bad_values_get_row_numbered_messages_naming_them_and_nothing_is_saved(tmp_path, capsys, register):
    bad = [
        ["Good Forum", "forum", "2020", "", "Baku", "", "", "", ""],
        ["Bad Kind", "party", "2020", "", "", "", "", "", ""],
        ["Bad Place", "forum", "2020", "", "Atlantis", "", "", "", ""],
        ["Bad Date", "forum", "14.03.2019", "", "", "", "", "", ""],
        ["Ends First", "forum", "2020-05-02", "2020-05-01", "", "", "", "", ""],
        ["Bad Organizer", "forum", "", "", "", "Nobody Known", "", "", ""],
    ]
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_events", write_csv(tmp_path, HEADER, bad))
    err = capsys.readouterr().err
    assert "row 3" in err and "kind: “party” is not one of: conference, forum, visit, other." in err
    assert "row 4" in err and "place: unknown place “Atlantis”; known: Baku (baku)." in err
    assert "row 5" in err and "start_date: “14.03.2019”" in err
    assert "row 6" in err and "The end date cannot be before the start date." in err
    assert "row 7" in err and "organizer: unknown organization “Nobody Known”; known: Ministry of Culture" in err
    assert "row 2" not in err
    assert not Event.objects.exists()


def test_an_xlsx_sheet_is_chosen_by_name(tmp_path, capsys, register):
    book = Workbook()
    book.active.title = "About"
    book.active.append(["This workbook lists events."])
    sheet = book.create_sheet("Events")
    sheet.append(["Name", "Start date", "Place"])
    sheet.append(["Baku Global Forum", "2019-03", "Baku"])
    path = tmp_path / "events.xlsx"
    book.save(path)
    call_command("import_events", str(path), "--sheet", "events")
    assert "Events" in capsys.readouterr().out
    forum = Event.objects.get()
    assert (forum.start_date, forum.date_precision, forum.place.slug) == (datetime.date(2019, 3, 1), "month", "baku")


def test_the_admin_import_previews_then_saves_and_its_export_reimports_unchanged(client, superuser, register):
    _baku, _ministry, source = register
    client.force_login(superuser)
    url = reverse("admin:meetings_event_import")
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload("events.csv", HEADER, rows(source))})
    assert response.context["result"].counts == {"new": 2} and not Event.objects.exists()
    response = client.post(url, {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302 and Event.objects.count() == 2

    changelist = reverse("admin:meetings_event_changelist")
    selected = list(Event.objects.values_list("pk", flat=True))
    for action, name in (("export_csv", "events.csv"), ("export_xlsx", "events.xlsx")):
        response = client.post(changelist, {"action": action, "_selected_action": selected})
        exported = b"".join(response.streaming_content)
        if name.endswith(".csv"):
            text = exported.decode("utf-8-sig")
            header = text.splitlines()[0].split(",")
            assert {"start_date", "end_date", "date_precision", "place", "organizer", "wikidata"} <= set(header)
            assert "Q123" in text and ",1998-01-01,,year," in text
        response = client.post(url, {"file": SimpleUploadedFile(name, exported)})
        assert response.context["result"].counts == {"unchanged": 2}, response.context["result"].invalid


def test_the_export_of_a_year_reimports_as_a_year_and_the_page_shows_the_year(client, register):
    event = f.EventFactory(name="Congress", start_date=datetime.date(1985, 1, 1), end_date=None, date_precision="year")
    handle, name = export(EventImport, Event.objects.all(), "xlsx")
    assert EventImport().run(read_rows(handle, name), dry_run=False).counts == {"unchanged": 1}
    page = client.get(reverse("meetings:event_detail", args=[event.slug])).content.decode()
    assert "<dd>1985</dd>" in page and "January" not in page


def test_an_editors_import_proposes_changes_to_a_published_event_and_writes_new_ones_as_drafts(
    editor, tmp_path, capsys
):
    f.IdentifierSchemeFactory(code="wikidata")
    forum = f.EventFactory(name="Baku Global Forum", slug="bgf", start_date=datetime.date(2019, 3, 14), end_date=None)
    file = write_csv(
        tmp_path,
        ["name", "start_date", "description", "wikidata"],
        [["Baku Global Forum", "2019-03-14", "Proposed text", "Q42"], ["New Forum", "2024", "", ""]],
    )
    call_command("import_events", file, "--user", editor.username)
    assert "1 new, 0 changed, 1 proposed" in capsys.readouterr().out
    forum.refresh_from_db()
    assert forum.description == "" and not forum.identifiers.exists()
    proposal = Proposal.objects.get()
    assert proposal.proposed_by == editor
    assert proposal.changes["fields"]["description"]["to"] == "Proposed text"
    [group] = [g for g in proposal.changes["inlines"] if g["rows"]]
    assert group["rows"][0]["values"]["value"]["to"] == "Q42"
    assert Event.objects.get(name="New Forum").status == PublishStatus.DRAFT
    # Publishing is a Publisher's: an Editor's row that would publish is refused, and nothing is saved.
    handle, name = csv_file(["name", "status"], [["Another", "published"]])
    result = EventImport(user=editor).run(read_rows(handle, name), dry_run=False)
    assert result.counts == {"invalid": 1} and not Event.objects.filter(name="Another").exists()


def test_the_template_lists_the_columns_and_what_they_mean(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_event_import_template", args=["xlsx"]))
    assert response.status_code == 200
    notes = dict((name, meaning) for name, _required, meaning in EventImport.column_notes())
    assert "YYYY" in notes["start_date"] and "slug or name" in notes["place"]
    assert io.BytesIO(b"".join(response.streaming_content)).getvalue()[:2] == b"PK"
