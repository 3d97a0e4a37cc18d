"""Every required column of every import gives a row error with its row number, never a database error, on
PostgreSQL (new rows go in with COPY) and SQLite (bulk_create) alike; an empty cell of a column with a default
means that default (an empty status is a draft)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from heritage.importers import PlaceImport, SourceImport
from heritage.models import Place, PublishStatus, Source
from meetings.importers import EventImport, MeetingImport, OrganizationImport, PersonImport
from meetings.models import Event, Meeting, Organization, Person
from monuments.importers import AssessmentImport, MonumentImport, MonumentTypeImport
from monuments.models import ConditionAssessment, Monument, MonumentType
from tests import factories as f
from tests.heritage import test_imports
from tests.heritage.test_imports import upload, write_csv

pytestmark = pytest.mark.django_db
register = test_imports.register  # the fixture: a monument type "mosque" and the monument "old-mosque"

# (command, admin url name, importer, model, a valid new row) for every import. Each row has a column that is not
# required, so that a row without its required ones is not blank (blank rows are skipped).
IMPORTS = {
    "monuments": ("import_monuments", "monuments_monument", MonumentImport, Monument, {"name": "Blue Mosque"}),
    "assessments": (
        "import_assessments",
        "monuments_conditionassessment",
        AssessmentImport,
        ConditionAssessment,
        {"observed_on": "2024-05-01", "condition": "damaged", "evidence_kind": "site_visit", "assessed_by": "Me"},
    ),
    "meetings": (
        "import_meetings",
        "meetings_meeting",
        MeetingImport,
        Meeting,
        {"title": "Talks", "date": "2024-02-02"},
    ),
    "people": ("import_people", "meetings_person", PersonImport, Person, {"name": "Anar Karimov", "country": "AZ"}),
    "organizations": (
        "import_organizations",
        "meetings_organization",
        OrganizationImport,
        Organization,
        {"name": "A museum", "kind": "museum"},
    ),
    "events": (
        "import_events",
        "meetings_event",
        EventImport,
        Event,
        {"name": "Baku Forum", "kind": "forum", "start_date": "2019-03"},
    ),
    "sources": ("import_sources", "heritage_source", SourceImport, Source, {"title": "A report", "author": "Me"}),
    "places": ("import_places", "heritage_place", PlaceImport, Place, {"name": "Qubadlı", "kind": "district"}),
    "monument types": (
        "import_monument_types",
        "monuments_monumenttype",
        MonumentTypeImport,
        MonumentType,
        {"name": "Caravanserai", "description": "An inn"},
    ),
}
CASES = [(what, column) for what, (_c, _u, importer, *_rest) in IMPORTS.items() for column in importer.required]


@pytest.fixture
def valid_row(register):
    source = f.SourceFactory()

    def make(what, number):
        row = dict(IMPORTS[what][4])
        for column in ("name", "title"):
            if column in row:
                row[column] += f" {number}"
        if what == "monuments":
            row["monument_type"] = "mosque"
        if what == "assessments":
            row.update(monument=register.slug, source=str(source.pk), observed_on=f"2024-05-{number:02}")
        return row

    return make


def rows_without(what, column, valid_row, empty_cell):
    """A file whose row 2 is valid and whose row 3 lacks ``column``: an empty cell, or no such column at all."""
    good, bad = valid_row(what, 2), valid_row(what, 3)
    header = list(good)
    if empty_cell:
        bad[column] = ""
    else:
        header.remove(column)
    return header, [[row[c] for c in header] for row in (good, bad)]


def test_every_importer_declares_each_column_that_cannot_be_empty_as_required():
    for _command, _url, importer, model, _row in IMPORTS.values():
        cannot_be_empty = []
        for name in [*importer.fields, *importer.foreign_keys]:
            model_field = model._meta.get_field(name)
            may_be_empty = model_field.null if model_field.remote_field else model_field.blank
            if not may_be_empty and not model_field.has_default():
                cannot_be_empty.append(name)
        assert sorted(importer.required) == sorted(cannot_be_empty), importer


@pytest.mark.parametrize("what", IMPORTS)
def test_the_valid_rows_of_these_tests_import(what, valid_row, tmp_path):
    command, _url, _importer, model, _row = IMPORTS[what]
    before = model.objects.count()
    good = [valid_row(what, 2), valid_row(what, 3)]
    call_command(command, write_csv(tmp_path, list(good[0]), [list(r.values()) for r in good]), verbosity=0)
    assert model.objects.count() == before + 2


@pytest.mark.parametrize("empty_cell", [True, False], ids=["empty cell", "no such column"])
@pytest.mark.parametrize("what,column", CASES)
def test_a_row_without_a_required_column_is_a_row_error_in_the_admin_preview(
    client, superuser, valid_row, what, column, empty_cell
):
    _command, url_name, _importer, model, _row = IMPORTS[what]
    client.force_login(superuser)
    before = model.objects.count()
    header, rows = rows_without(what, column, valid_row, empty_cell)
    response = client.post(reverse(f"admin:{url_name}_import"), {"file": upload("rows.csv", header, rows)})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.counts == ({"new": 1, "invalid": 1} if empty_cell else {"invalid": 2})
    row = result.invalid[-1]
    assert row.number == 3 and len(row.errors) == 1 and row.errors[0].startswith(f"{column}: required")
    assert row.errors[0] in response.content.decode() and 'name="confirm"' not in response.content.decode()
    assert model.objects.count() == before


@pytest.mark.parametrize("what,column", CASES)
def test_a_row_without_a_required_column_is_a_row_error_in_the_import_command(
    tmp_path, capsys, valid_row, what, column
):
    command, _url, _importer, model, _row = IMPORTS[what]
    before = model.objects.count()
    header, rows = rows_without(what, column, valid_row, empty_cell=True)
    with pytest.raises(CommandError, match="Nothing imported: 1 new, 0 changed, 0 unchanged, 1 invalid"):
        call_command(command, write_csv(tmp_path, header, rows), verbosity=0)
    assert f"row 3 : {column}: required, but the cell is empty." in capsys.readouterr().err
    assert model.objects.count() == before


def test_the_messages_say_what_a_valid_value_is(tmp_path, capsys, valid_row):
    header, rows = rows_without("monuments", "monument_type", valid_row, empty_cell=True)
    with pytest.raises(CommandError):
        call_command("import_monuments", write_csv(tmp_path, header, rows), verbosity=0)
    assert (
        "monument_type: required, but the cell is empty. Give the name or slug of a monument type."
        in capsys.readouterr().err
    )
    header, rows = rows_without("assessments", "source", valid_row, empty_cell=False)
    with pytest.raises(CommandError):
        call_command("import_assessments", write_csv(tmp_path, header, rows), verbosity=0)
    assert (
        "source: required for a new record, but the file has no “source” column. Give the number of a source."
        in capsys.readouterr().err
    )
    header, rows = rows_without("organizations", "kind", valid_row, empty_cell=True)
    with pytest.raises(CommandError):
        call_command("import_organizations", write_csv(tmp_path, header, rows), verbosity=0)
    assert "kind: required, but the cell is empty. One of: ministry, agency," in capsys.readouterr().err


def test_an_existing_record_cannot_have_a_required_column_emptied(tmp_path, capsys, register):
    path = write_csv(tmp_path, ["slug", "name", "monument_type"], [[register.slug, register.name, ""]])
    with pytest.raises(CommandError):
        call_command("import_monuments", path, verbosity=0)
    assert "row 2 old-mosque: monument_type: required, but the cell is empty." in capsys.readouterr().err
    # Left out of the file, the column is left as it is.
    call_command("import_monuments", write_csv(tmp_path, ["slug", "name"], [[register.slug, "Renamed"]]), verbosity=0)
    register.refresh_from_db()
    assert register.name == "Renamed" and register.monument_type.slug == "mosque"


def test_an_empty_status_cell_means_draft(client, superuser, tmp_path, register):
    path = write_csv(tmp_path, ["name", "monument_type", "status"], [["Blue Mosque", "mosque", ""]])
    call_command("import_monuments", path, verbosity=0)
    assert Monument.objects.get(name="Blue Mosque").status == PublishStatus.DRAFT
    client.force_login(superuser)
    url = reverse("admin:meetings_meeting_import")
    response = client.post(url, {"file": upload("m.csv", ["title", "date", "status"], [["Talks", "2024-02-02", ""]])})
    response = client.post(url, {"token": response.context["token"], "confirm": "1"})
    assert response.status_code == 302
    assert Meeting.objects.get(title="Talks").status == PublishStatus.DRAFT
    changelist = client.get(reverse("admin:meetings_meeting_changelist"), {"status__exact": "draft"})
    assert "Talks" in changelist.content.decode()


def test_an_empty_status_cell_cannot_unpublish_for_an_editor(tmp_path, capsys, register, editor):
    Monument.objects.filter(pk=register.pk).update(status=PublishStatus.PUBLISHED)
    path = write_csv(tmp_path, ["slug", "status"], [[register.slug, ""]])
    with pytest.raises(CommandError):
        call_command("import_monuments", path, "--user", "editor", verbosity=0)
    assert "status: You may not publish or unpublish this record." in capsys.readouterr().err
    register.refresh_from_db()
    assert register.status == PublishStatus.PUBLISHED
