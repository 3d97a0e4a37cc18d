"""The monument export's content, column by column, and the pieces that make it fast: chunked look-ups, ids as one
array parameter, cells made CSV-safe without a call each, lines handed on in batches."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.models import AnyOf, DatePrecision, PublishStatus
from heritage.transfer.files import FORMULA_PREFIXES, csv_cells, csv_safe
from monuments.models import Condition, ConditionAssessment, EvidenceKind, Registration, Significance
from tests import factories as f
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db

HEADER = [
    "slug",
    "url",
    "name",
    "alternative_names",
    "type",
    "religious_affiliation",
    "place",
    "country",
    "latitude",
    "longitude",
    "coordinates_approximate",
    "built_from_year",
    "built_to_year",
    "built_approximate",
    "current_condition",
    "condition_observed_on",
    "condition_observed_precision",
    "condition_reported_by",
    "condition_evidence",
    "condition_source_title",
    "condition_source_url",
    "registered",
    "registration_registry",
    "registration_number",
    "registration_significance",
    "updated_at",
    "identifiers",
    "risk_listings",
    "name_az",
    "name_en",
    "name_ru",
    "name_es",
    "name_language",
    "type_name_language",
    "place_name_language",
]


@pytest.fixture
def full_and_bare():
    """A monument with every column filled, and one with nothing but a name and a type."""
    place = f.PlaceFactory(name="Ordubad", name_language="az", country="AZ")
    full = f.MonumentFactory(
        name="Juma Mosque",
        name_language="en",
        name_az="Cümə məscidi",
        name_ru="Джума-мечеть",
        alternative_names="Friday Mosque\n=Jami",
        monument_type=f.MonumentTypeFactory(name="Mosque", name_language="en"),
        religious_affiliation="islam",
        place=place,
        latitude="38.905123",
        longitude="-46.027",
        built_from_year=-300,
        built_to_year=1605,
        built_approximate=True,
    )
    source = f.SourceFactory(title="+Survey 2019", url="https://example.org/survey")
    f.MonumentIdentifierFactory(monument=full, scheme__code="wikidata", value="Q4160914")
    f.MonumentIdentifierFactory(monument=full, scheme__code="commons", value="Juma Mosque (Ordubad)")
    f.ConditionAssessmentFactory(monument=full, observed_on=datetime.date(2018, 1, 1), assessed_by="Earlier team")
    f.ConditionAssessmentFactory(
        monument=full,
        condition=Condition.RESTORED,
        observed_on=datetime.date(2019, 7, 1),
        observed_precision=DatePrecision.MONTH,
        evidence_kind=EvidenceKind.SITE_VISIT,
        source=source,
        assessed_by="@field",
    )
    f.RegistrationFactory(monument=full, registry="State list", number="B-2", significance=Significance.LOCAL)
    f.RegistrationFactory(monument=full, registry="National register", number="7", significance=Significance.NATIONAL)
    danger = f.RiskListFactory(name="List of World Heritage in Danger")  # the seeded list (migration 0017)
    f.RiskListingFactory(monument=full, risk_list=danger, listed_from=datetime.date(2003, 1, 1))
    f.RiskListingFactory(
        monument=full, risk_list=danger, listed_from=datetime.date(1990, 5, 1), listed_from_precision="month",
        listed_until=datetime.date(1995, 1, 1),
    )  # fmt: skip
    pending = {"listed_from": datetime.date(2024, 1, 1), "review_status": "pending"}
    f.RiskListingFactory(monument=full, risk_list=danger, **pending)
    bare = f.MonumentFactory(name="Nameless Ruin", monument_type=f.MonumentTypeFactory(name="Ruin"))
    f.MonumentFactory(name="Draft Ruin", status=PublishStatus.DRAFT)
    full.refresh_from_db()
    bare.refresh_from_db()
    return full, bare


def test_the_csv_export_pins_every_column(client, full_and_bare):
    full, bare = full_and_bare
    text = body(client.get("/monuments/export.csv"))
    assert text.startswith("\ufeff" + ",".join(HEADER) + "\r\n")
    rows = csv_rows(client.get("/monuments/export.csv"))
    assert [row["name"] for row in rows] == ["Juma Mosque", "Nameless Ruin"]  # the list's order, no draft
    assert rows[0] == {
        "slug": "juma-mosque",
        "url": "http://testserver/monuments/juma-mosque/",
        "name": "Juma Mosque",
        "alternative_names": "Friday Mosque\n=Jami",  # only a cell's start counts as a formula
        "type": "Mosque",
        "religious_affiliation": "islam",
        "place": "Ordubad",
        "country": "AZ",
        "latitude": "38.905123",
        "longitude": "-46.027",  # a negative number is data, not a formula
        "coordinates_approximate": "no",
        "built_from_year": "-300",
        "built_to_year": "1605",
        "built_approximate": "yes",
        "current_condition": "restored",
        "condition_observed_on": "2019-07-01",
        "condition_observed_precision": "month",
        "condition_reported_by": "'@field",
        "condition_evidence": "site_visit",
        "condition_source_title": "'+Survey 2019",
        "condition_source_url": "https://example.org/survey",
        "registered": "yes",
        "registration_registry": "National register",
        "registration_number": "7",
        "registration_significance": "national",
        "identifiers": "commons:Juma Mosque (Ordubad); wikidata:Q4160914",
        "updated_at": full.updated_at.isoformat(),
        # Public listings only, oldest first, each "list:since/until" in partial ISO dates.
        "risk_listings": "unesco-world-heritage-in-danger:1990-05/1995; unesco-world-heritage-in-danger:2003/",
        "name_az": "Cümə məscidi",
        "name_en": "",
        "name_ru": "Джума-мечеть",
        "name_es": "",
        "name_language": "en",
        # The languages of the type's and the place's names, as "name_language" is the name's.
        "type_name_language": "en",
        "place_name_language": "az",
    }
    assert rows[1] == {
        **dict.fromkeys(HEADER, ""),
        "slug": "nameless-ruin",
        "url": "http://testserver/monuments/nameless-ruin/",
        "name": "Nameless Ruin",
        "type": "Ruin",
        "coordinates_approximate": "no",
        "built_approximate": "no",
        "current_condition": "unknown",
        "registered": "no",
        "updated_at": bare.updated_at.isoformat(),
    }


def test_the_json_and_geojson_exports_pin_every_column(client, full_and_bare):
    full, bare = full_and_bare
    full_row, bare_row = json_results(client.get("/monuments/export.json"))
    assert list(full_row) == HEADER
    assert full_row == {
        "slug": "juma-mosque",
        "url": "http://testserver/monuments/juma-mosque/",
        "name": "Juma Mosque",
        "alternative_names": "Friday Mosque\n=Jami",  # JSON is data: nothing is neutralised
        "type": "Mosque",
        "religious_affiliation": "islam",
        "place": "Ordubad",
        "country": "AZ",
        "latitude": 38.905123,
        "longitude": -46.027,
        "coordinates_approximate": False,
        "built_from_year": -300,
        "built_to_year": 1605,
        "built_approximate": True,
        "current_condition": "restored",
        "condition_observed_on": "2019-07-01",
        "condition_observed_precision": "month",
        "condition_reported_by": "@field",
        "condition_evidence": "site_visit",
        "condition_source_title": "+Survey 2019",
        "condition_source_url": "https://example.org/survey",
        "registered": True,
        "registration_registry": "National register",
        "registration_number": "7",
        "registration_significance": "national",
        "identifiers": "commons:Juma Mosque (Ordubad); wikidata:Q4160914",
        "updated_at": DjangoJSONEncoder().default(full.updated_at),
        "risk_listings": "unesco-world-heritage-in-danger:1990-05/1995; unesco-world-heritage-in-danger:2003/",
        "name_az": "Cümə məscidi",
        "name_en": "",
        "name_ru": "Джума-мечеть",
        "name_es": "",
        "name_language": "en",
        "type_name_language": "en",
        "place_name_language": "az",
    }
    assert bare_row == {
        **dict.fromkeys(HEADER),
        "slug": "nameless-ruin",
        "url": "http://testserver/monuments/nameless-ruin/",
        "name": "Nameless Ruin",
        "alternative_names": "",
        "type": "Ruin",
        "religious_affiliation": "",
        "country": "",
        "coordinates_approximate": False,
        "built_approximate": False,
        "current_condition": "unknown",
        "registered": False,
        "updated_at": DjangoJSONEncoder().default(bare.updated_at),
        **dict.fromkeys(["name_az", "name_en", "name_ru", "name_es", "name_language", "type_name_language"], ""),
    }
    features = json.loads(body(client.get("/monuments/export.geojson")))["features"]
    assert [feature["geometry"] for feature in features] == [
        {"type": "Point", "coordinates": [-46.027, 38.905123]},
        None,
    ]
    expected = {key: value for key, value in full_row.items() if key not in ("latitude", "longitude")}
    assert features[0]["properties"] == expected


def test_the_csv_is_handed_on_in_pieces_of_whole_lines(client, monkeypatch):
    for i in range(7):
        f.MonumentFactory(name=f"Piece {i}")
    whole = body(client.get("/monuments/export.csv"))
    monkeypatch.setattr("heritage.transfer.exports.ROWS_PER_PIECE", 3)
    pieces = [piece.decode() for piece in client.get("/monuments/export.csv").streaming_content]
    # The header, then three lines a piece: 3 + 3 + 1.
    assert [piece.count("\r\n") for piece in pieces] == [1, 3, 3, 1]
    assert "".join(pieces) == whole
    json_pieces = list(client.get("/monuments/export.json").streaming_content)
    assert len(json_pieces) == 1 + 3 + 1  # meta, 3 pieces of items, the end
    assert [row["name"] for row in json.loads(b"".join(json_pieces))["results"]] == [f"Piece {i}" for i in range(7)]


cell_values = st.one_of(
    st.text(),
    st.sampled_from(FORMULA_PREFIXES).flatmap(lambda prefix: st.text().map(lambda text: prefix + text)),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(timezones=st.just(datetime.UTC)),
    st.builds(str).map(lambda text: type("Lazy", (), {"__str__": lambda self: "=" + text})()),
)


# Drawing thirty mixed cells is slow on a loaded machine (CI runs two suites at once): the health check's timing
# says nothing about the property, which is what this test checks.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(cell_values, max_size=30))
def test_csv_cells_makes_each_cell_what_csv_safe_makes_it(row):
    assert csv_cells(row) == [csv_safe(cell) for cell in row]


class Lazy:
    def __str__(self):
        return "=lazy()"

    def __repr__(self):  # a test id that is the same in every run (mutmut selects tests by id)
        return "Lazy()"


# A cell of each kind an export writes, and what it must become, written out (not computed by either function).
CELLS = [
    ("=1+2", "'=1+2"),
    ("+1", "'+1"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-44.5", "'-44.5"),  # text: public CSV is never read back, so all text starting with - is quoted
    ("plain", "plain"),
    ("'=1", "'=1"),
    ("", ""),
    (SafeString("=1"), "'=1"),  # a str subclass takes the general path
    (PublishStatus.PUBLISHED, "published"),
    (Lazy(), "'=lazy()"),
    (None, ""),
    (True, "yes"),
    (False, "no"),
    (0, 0),
    (-1200, -1200),  # a BCE year stays a number
    (-44.5, -44.5),
    (Decimal("-12.25"), Decimal("-12.25")),
    (datetime.date(2022, 9, 29), "2022-09-29"),
    (datetime.datetime(2022, 9, 29, 10, 5, tzinfo=datetime.UTC), "2022-09-29T10:05:00+00:00"),
]


def cell_id(value):
    # Test ids without backslashes: pytest escapes them in node ids, and mutmut selects tests by node id.
    return repr(value).replace("\\t", "<tab>").replace("\\r", "<CR>")


@pytest.mark.parametrize(("cell", "written"), CELLS, ids=cell_id)
def test_csv_safe_and_csv_cells_write_each_kind_of_cell_as_listed(cell, written):
    assert csv_safe(cell) == written and type(csv_safe(cell)) is type(written)
    assert csv_cells([cell]) == [written] and type(csv_cells([cell])[0]) is type(written)


def test_csv_cells_keeps_the_order_and_length_of_a_row():
    row = [cell for cell, _written in CELLS]
    assert csv_cells(row) == [written for _cell, written in CELLS]


def test_any_of_finds_what_in_finds_with_one_parameter_on_postgresql():
    monuments = [f.MonumentFactory() for _ in range(5)]
    ids = [monuments[4].pk, monuments[0].pk, monuments[2].pk, monuments[2].pk]
    expected = {monuments[0].pk, monuments[2].pk, monuments[4].pk}
    model = type(monuments[0])
    with CaptureQueriesContext(connection) as captured:
        found = set(model.objects.filter(AnyOf(F("pk"), ids)).values_list("pk", flat=True))
    assert found == expected == set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    [query] = captured.captured_queries
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY[" in query["sql"]  # the ids as one array, not a placeholder each
    else:
        assert " IN (" in query["sql"]


def test_latest_assessment_and_first_registration_per_monument():
    a, b, none = f.MonumentFactory(), f.MonumentFactory(), f.MonumentFactory()
    f.ConditionAssessmentFactory(monument=a, observed_on=datetime.date(2020, 1, 1), assessed_by="first")
    f.ConditionAssessmentFactory(monument=a, observed_on=datetime.date(2020, 1, 1), assessed_by="recorded last")
    f.ConditionAssessmentFactory(monument=a, observed_on=datetime.date(2019, 1, 1), assessed_by="older")
    f.ConditionAssessmentFactory(monument=b, observed_on=datetime.date(2001, 2, 3), assessed_by="only")
    f.RegistrationFactory(monument=b, registry="B list", number="2")
    f.RegistrationFactory(monument=b, registry="A list", number="9")
    f.RegistrationFactory(monument=b, registry="A list", number="10")
    ids = [none.pk, b.pk, a.pk]
    latest = ConditionAssessment.objects.latest_by_monument(ids, "assessed_by", "observed_on")
    assert latest == {a.pk: ("recorded last", datetime.date(2020, 1, 1)), b.pk: ("only", datetime.date(2001, 2, 3))}
    first = Registration.objects.first_by_monument(ids, "registry", "number")
    assert first == {b.pk: ("A list", "10")}  # by registry, then number as text


@pytest.mark.parametrize(
    ("url", "content_type", "name"),
    [
        ("/monuments/export.csv", "text/csv; charset=utf-8", "monuments-{today}.csv"),
        ("/monuments/export.json", "application/json; charset=utf-8", "monuments-{today}.json"),
        ("/monuments/export.geojson", "application/geo+json; charset=utf-8", "monuments-{today}.geojson"),
        ("/meetings/export.csv", "text/csv; charset=utf-8", "meetings-{today}.csv"),
        ("/meetings/export.json", "application/json; charset=utf-8", "meetings-{today}.json"),
    ],
)
def test_exports_are_attachments_with_their_type_and_a_dated_name(client, url, content_type, name):
    f.MonumentFactory(name="Bridge")
    f.MeetingFactory(title="Talks")
    response = client.get(url)
    assert response["Content-Type"] == content_type
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{name.format(today=today)}"'
    text = b"".join(response.streaming_content).decode()
    if url.endswith(".csv"):
        # One BOM, so spreadsheets read UTF-8, then the header line and one row.
        assert text.startswith("\ufeffslug,") and text.count("\ufeff") == 1
        assert text.count("\r\n") == 2
