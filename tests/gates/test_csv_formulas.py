"""CSV injection: no exported cell starts a spreadsheet formula, public or staff, CSV or Excel; data survives."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from heritage.models import PlaceKind
from heritage.transfer.files import FORMULA_PREFIXES, neutralise_text, read_rows, restore_text
from meetings.importers import MeetingImport
from meetings.models import Meeting
from monuments.importers import MonumentImport
from monuments.models import Monument
from tests import factories as f
from tests.public import body, csv_rows

pytestmark = pytest.mark.django_db

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def prefix_id(prefix):
    # Test ids without backslashes: pytest escapes them in node ids, and mutmut selects tests by node id.
    return {"\t": "tab", "\r": "CR"}.get(prefix, prefix)


def formula(prefix, what):
    return f'{prefix}HYPERLINK("http://evil.example/{what}","{what}")'


def test_the_prefixes_are_the_issues_six():
    assert set(FORMULA_PREFIXES) == set(PREFIXES)


@pytest.fixture
def poisoned(request):
    """A published monument and meeting whose text fields all begin with one formula prefix."""
    p = request.param
    place = f.PlaceFactory(name=formula(p, "place"), kind=PlaceKind.SETTLEMENT, country="AZ")
    source = f.SourceFactory(title=formula(p, "source"))
    monument = f.MonumentFactory(
        slug="poisoned",
        name=formula(p, "name"),
        alternative_names=formula(p, "alt"),
        monument_type=f.MonumentTypeFactory(name=formula(p, "type")),
        place=place,
        latitude="-12.5",
        longitude="-45.25",
        built_from_year=-300,
    )
    f.ConditionAssessmentFactory(monument=monument, source=source, assessed_by=formula(p, "by"))
    f.RegistrationFactory(monument=monument, registry=formula(p, "registry"), number=formula(p, "number"))
    meeting = f.MeetingFactory(
        slug="poisoned-meeting",
        title=formula(p, "title"),
        summary=formula(p, "summary"),
        place=place,
        event=f.EventFactory(name=formula(p, "event")),
        date=datetime.date(2022, 9, 29),
    )
    meeting.topics.add(f.TopicFactory(name=formula(p, "topic")))
    meeting.sources.add(source)
    f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name=formula(p, "person")))
    return p


def assert_neutralised(row, columns):
    for column in columns:
        value = row[column]
        assert value.startswith("'") and value[1:2] in PREFIXES, (column, value)


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=prefix_id)
def test_public_monument_csv_neutralises_every_prefix_and_keeps_numbers(client, poisoned):
    [row] = csv_rows(client.get(reverse("monuments:export_csv")))
    assert row["name"] == "'" + formula(poisoned, "name")
    assert_neutralised(
        row, ["name", "alternative_names", "type", "place", "condition_reported_by", "condition_source_title"]
    )
    assert_neutralised(row, ["registration_registry", "registration_number"])
    # Numbers are data: a negative coordinate or a BCE year is written as a number, not as text.
    assert (row["latitude"], row["longitude"], row["built_from_year"]) == ("-12.5", "-45.25", "-300")


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=prefix_id)
def test_public_meeting_csv_neutralises_every_prefix(client, poisoned):
    [row] = csv_rows(client.get(reverse("meetings:export_csv")))
    assert row["title"] == "'" + formula(poisoned, "title")
    assert_neutralised(row, ["title", "summary", "place", "event", "topics", "participants"])


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=prefix_id)
def test_public_json_keeps_the_text_exactly(client, poisoned):
    text = body(client.get(reverse("monuments:export_json")))
    assert '"name": ' + json.dumps(formula(poisoned, "name"), ensure_ascii=False) in text


def staff_export(client, model, pk, action):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.post(changelist, {"action": action, "_selected_action": [pk]})
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=prefix_id)
def test_staff_exports_neutralise_formulas_and_import_back_unchanged(client, superuser, poisoned):
    client.force_login(superuser)
    for model, importer, slug in [(Monument, MonumentImport, "poisoned"), (Meeting, MeetingImport, "poisoned-meeting")]:
        record = model.objects.get(slug=slug)
        before = list(importer().export_rows(model.objects.filter(pk=record.pk)))
        data = staff_export(client, model, record.pk, "export_csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        name_column = rows[0].index("name" if model is Monument else "title")
        assert rows[1][name_column] == "'" + (record.name if model is Monument else record.title)
        for cell in rows[1]:
            assert not cell.startswith(FORMULA_PREFIXES) or cell.lstrip("-").replace(".", "").isdigit(), cell

        xlsx = staff_export(client, model, record.pk, "export_xlsx")
        cells = next(load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(min_row=2, max_row=2))
        assert all(cell.data_type != "f" for cell in cells)  # text, never a formula
        if poisoned.isspace():
            # Imports trim the whitespace around every value (and XLSX turns CR into LF): not a round trip.
            continue
        assert cells[name_column].value == (record.name if model is Monument else record.title)
        for handle, name in [(io.BytesIO(data), "x.csv"), (io.BytesIO(xlsx), "x.xlsx")]:
            result = importer().run(read_rows(handle, name), dry_run=False)
            assert result.counts == {"unchanged": 1}, (name, result.invalid)
        assert list(importer().export_rows(model.objects.filter(pk=record.pk))) == before


@given(st.text())
def test_neutralise_and_restore_are_inverse_and_leave_no_formula(text):
    safe = neutralise_text(text)
    assert restore_text(safe) == text
    assert not safe.startswith(FORMULA_PREFIXES) or safe.lstrip("-").replace(".", "", 1).isdigit()


# Deterministic cases beside the properties: each payload with what every path must write for it.
# text → (public CSV cell, staff CSV cell). Public CSV quotes all text starting with = + - @ tab or CR (it is
# never read back); staff files quote what a spreadsheet would run and leave text that is a plain number as it
# is ("-44.5", a BCE year "-1200"), because staff re-import them and the quote must come off exactly once.
PAYLOADS = {
    "=1+2": ("'=1+2", "'=1+2"),
    '=HYPERLINK("http://x","y")': ('\'=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    "+1": ("'+1", "'+1"),  # "+1" is a formula to a spreadsheet (=+1): quoted, and restored on import
    "-1+1": ("'-1+1", "'-1+1"),
    "@SUM(A1)": ("'@SUM(A1)", "'@SUM(A1)"),
    "\t=1": ("'\t=1", "'\t=1"),
    "\r=1": ("'\r=1", "'\r=1"),
    "=cmd|' /C calc'!A0": ("'=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    "-2e3": ("'-2e3", "'-2e3"),  # a number to a spreadsheet, but not a plain one: quoting it costs nothing
    "-1.": ("'-1.", "'-1."),
    "-.5": ("'-.5", "'-.5"),
    "--1": ("'--1", "'--1"),
    "-1-1": ("'-1-1", "'-1-1"),
    "1-1=": ("1-1=", "1-1="),
    "-": ("'-", "'-"),
    "-44.5": ("'-44.5", "-44.5"),
    "-1200": ("'-1200", "-1200"),
    "-0": ("'-0", "-0"),
    "1e5": ("1e5", "1e5"),
    "44.50": ("44.50", "44.50"),
    # Text that already starts with ' gets one more where it would otherwise lose one on import.
    "'": ("'", "'"),
    "''": ("''", "''"),
    "'x": ("'x", "'x"),
    "'=1": ("'=1", "''=1"),
    "''=1": ("''=1", "'''=1"),
    "'-1": ("'-1", "''-1"),
    "'-44.5": ("'-44.5", "''-44.5"),
    "'@'": ("'@'", "''@'"),
    "X=1": ("X=1", "X=1"),  # only a leading ' is looked through, no other character
}
# Imports trim the whitespace around every value: a name starting with a tab or CR does not come back as it was.
ROUND_TRIP = [text for text in PAYLOADS if not text[:1].isspace()]


@pytest.mark.parametrize(("text", "written"), [(text, staff) for text, (_public, staff) in PAYLOADS.items()])
def test_neutralise_text_writes_each_payload_so_and_restore_text_undoes_it(text, written):
    assert neutralise_text(text) == written
    assert restore_text(written) == text


def test_public_csv_exports_write_each_payload_as_listed_and_numbers_as_numbers(client):
    kind = f.MonumentTypeFactory(name="Tower")
    for i, text in enumerate(PAYLOADS):
        f.MonumentFactory(
            slug=f"p{i}", name=text, monument_type=kind, latitude="-44.5", longitude="-12.25", built_from_year=-1200
        )
        f.MeetingFactory(slug=f"p{i}", title=text)
    monuments = {row["slug"]: row for row in csv_rows(client.get(reverse("monuments:export_csv")))}
    meetings = {row["slug"]: row for row in csv_rows(client.get(reverse("meetings:export_csv")))}
    for i, text in enumerate(PAYLOADS):
        public, _staff = PAYLOADS[text]
        assert monuments[f"p{i}"]["name"] == public, (text, monuments[f"p{i}"]["name"])
        assert meetings[f"p{i}"]["title"] == public, (text, meetings[f"p{i}"]["title"])
        row = monuments[f"p{i}"]
        assert (row["latitude"], row["longitude"], row["built_from_year"]) == ("-44.5", "-12.25", "-1200")


def test_staff_csv_and_xlsx_exports_write_each_payload_as_listed_and_import_it_back_exactly(client, superuser):
    client.force_login(superuser)
    kind = f.MonumentTypeFactory(name="Tower", slug="tower")
    records = {
        f"p{i}": f.MonumentFactory(
            slug=f"p{i}", name=text, monument_type=kind, latitude="-44.5", longitude="-12.25", built_from_year=-1200
        )
        for i, text in enumerate(PAYLOADS)
    }
    pks = [m.pk for m in records.values()]
    changelist = reverse("admin:monuments_monument_changelist")
    exported = {}
    for action in ("export_csv", "export_xlsx"):
        response = client.post(changelist, {"action": action, "_selected_action": pks})
        exported[action] = b"".join(response.streaming_content) if response.streaming else response.content

    rows = list(csv.reader(io.StringIO(exported["export_csv"].decode("utf-8-sig"))))
    header = rows[0]
    by_slug = {row[header.index("slug")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    for slug, monument in records.items():
        assert by_slug[slug]["name"] == PAYLOADS[monument.name][1], (monument.name, by_slug[slug]["name"])
        assert (by_slug[slug]["latitude"], by_slug[slug]["built_from_year"]) == ("-44.5", "-1200")

    sheet = load_workbook(io.BytesIO(exported["export_xlsx"])).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    for cells in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in cells)  # text, never a formula
        values = dict(zip(header, [cell.value for cell in cells], strict=True))
        # A workbook cell holds the text itself (XLSX keeps no CR: a line break is LF).
        assert values["name"] == records[values["slug"]].name.replace("\r", "\n")

    names = {m.slug: m.name for m in records.values()}
    for file_name, data in [("x.csv", exported["export_csv"]), ("x.xlsx", exported["export_xlsx"])]:
        Monument.objects.update(name="changed")
        result = MonumentImport(user=superuser).run(read_rows(io.BytesIO(data), file_name), dry_run=False)
        assert result.committed, (file_name, result.invalid)
        after = dict(Monument.objects.values_list("slug", "name"))
        assert {s: after[s] for s in names if names[s] in ROUND_TRIP} == {
            s: text for s, text in names.items() if text in ROUND_TRIP
        }, file_name
