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

from heritage.exports import FORMULA_PREFIXES, neutralise_text, restore_text
from heritage.models import PlaceKind
from heritage.tabular import read_rows
from meetings.models import Meeting
from meetings.services import MeetingImport
from monuments.models import Monument
from monuments.services import MonumentImport
from tests import factories as f
from tests.public import body, csv_rows

pytestmark = pytest.mark.django_db

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


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


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=repr)
def test_public_monument_csv_neutralises_every_prefix_and_keeps_numbers(client, poisoned):
    [row] = csv_rows(client.get(reverse("monuments:export_csv")))
    assert row["name"] == "'" + formula(poisoned, "name")
    assert_neutralised(
        row, ["name", "alternative_names", "type", "place", "condition_reported_by", "condition_source_title"]
    )
    assert_neutralised(row, ["registration_registry", "registration_number"])
    # Numbers are data: a negative coordinate or a BCE year is written as a number, not as text.
    assert (row["latitude"], row["longitude"], row["built_from_year"]) == ("-12.5", "-45.25", "-300")


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=repr)
def test_public_meeting_csv_neutralises_every_prefix(client, poisoned):
    [row] = csv_rows(client.get(reverse("meetings:export_csv")))
    assert row["title"] == "'" + formula(poisoned, "title")
    assert_neutralised(row, ["title", "summary", "place", "event", "topics", "participants"])


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=repr)
def test_public_json_keeps_the_text_exactly(client, poisoned):
    text = body(client.get(reverse("monuments:export_json")))
    assert '"name": ' + json.dumps(formula(poisoned, "name"), ensure_ascii=False) in text


def staff_export(client, model, pk, action):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.post(changelist, {"action": action, "_selected_action": [pk]})
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=repr)
def test_staff_exports_neutralise_formulas_and_import_back_unchanged(client, superuser, poisoned):
    client.force_login(superuser)
    for model, importer, slug in [(Monument, MonumentImport, "poisoned"), (Meeting, MeetingImport, "poisoned-meeting")]:
        record = model.objects.get(slug=slug)
        before = list(importer().export_rows(model.objects.filter(pk=record.pk)))
        data = staff_export(client, model, record.pk, "export_csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        name_column = rows[0].index("name" if model is Monument else "title")
        assert rows[1][name_column] == "'" + record.name if model is Monument else "'" + record.title
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
