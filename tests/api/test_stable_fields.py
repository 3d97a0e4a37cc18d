"""The field names clients rely on, pinned: a column or key renamed, dropped or added shows here, so it happens only on
purpose (and, for the API, with the change noted in docs/developers/api.md; a breaking one gets /api/v2/).

The CSV columns are pinned in their order (spreadsheets and scripts read them by position too), the JSON keys as
sets. Read through the public addresses, from records of each kind."""

import csv
import io
import json

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

MONUMENT_CSV = [
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
MEETING_CSV = [
    "slug",
    "url",
    "title",
    "date",
    "date_precision",
    "event",
    "place",
    "format",
    "summary",
    "participants",
    "countries_represented",
    "topics",
    "outcomes",
    "sources",
    "updated_at",
    "end_date",
    "event_name_language",
    "place_name_language",
    "title_language",
]
# The JSON and GeoJSON exports carry the CSV's fields (GeoJSON's coordinates are its geometry).
MONUMENT_GEOJSON = set(MONUMENT_CSV) - {"latitude", "longitude"}
API = {
    "monuments": {
        "alternative_names",
        "api_url",
        "assessments",
        "built_approximate",
        "built_from_year",
        "built_to_year",
        "coordinates_approximate",
        "country",
        "current_condition",
        "description",
        "html_url",
        "latitude",
        "longitude",
        "name",
        "place",
        "registrations",
        "religious_affiliation",
        "risk_listings",
        "slug",
        "sources",
        "type",
        "updated_at",
        "names",
        "name_language",
    },
    "meetings": {
        "account",
        "api_url",
        "date",
        "date_precision",
        "end_date",
        "event",
        "format",
        "html_url",
        "monuments",
        "outcomes",
        "participants",
        "place",
        "slug",
        "sources",
        "summary",
        "title",
        "title_language",
        "topics",
        "updated_at",
    },
    "people": {
        "alternative_names",
        "api_url",
        "country",
        "description",
        "html_url",
        "name",
        "slug",
        "updated_at",
        "names",
        "name_language",
    },
    "organizations": {
        "acronym",
        "alternative_names",
        "api_url",
        "country",
        "description",
        "html_url",
        "kind",
        "name",
        "parent",
        "slug",
        "updated_at",
        "website",
        "names",
        "name_language",
    },
    "events": {
        "api_url",
        "description",
        "date_precision",
        "end_date",
        "html_url",
        "kind",
        "name",
        "organizer",
        "place",
        "short_name",
        "slug",
        "sources",
        "start_date",
        "updated_at",
        "website",
        "names",
        "name_language",
    },
    "places": {
        "alternative_names",
        "api_url",
        "country",
        "kind",
        "latitude",
        "longitude",
        "name",
        "parent",
        "slug",
        "updated_at",
        "names",
        "name_language",
    },
    "sources": {
        "api_url",
        "archived_url",
        "author",
        "cites",
        "html_url",
        "id",
        "kind",
        "language",
        "published_on",
        "published_precision",
        "publisher",
        "title",
        "updated_at",
        "url",
    },
    "figures": {
        "api_url",
        "as_of",
        "as_of_precision",
        "condition",
        "count",
        "country",
        "id",
        "monument_type",
        "notes",
        "qualifier",
        "registered_count",
        "reported_by",
        "source",
        "statement",
        "updated_at",
    },
}


@pytest.fixture
def records(demo):
    f.MonumentFactory(name="Juma Mosque", slug="juma-mosque", latitude="40.1", longitude="47.2")


def streamed(client, url):
    return b"".join(client.get(url).streaming_content)


@pytest.mark.parametrize(
    "url, columns", [("/monuments/export.csv", MONUMENT_CSV), ("/meetings/export.csv", MEETING_CSV)]
)
def test_the_csv_exports_keep_their_columns_in_order(client, records, url, columns):
    header = next(csv.reader(io.StringIO(streamed(client, url).decode("utf-8-sig"))))
    assert header == columns


@pytest.mark.parametrize(
    "url, columns", [("/monuments/export.json", MONUMENT_CSV), ("/meetings/export.json", MEETING_CSV)]
)
def test_the_json_exports_keep_the_csv_fields(client, records, url, columns):
    assert set(json.loads(streamed(client, url))["results"][0]) == set(columns)


def test_the_geojson_export_keeps_its_properties(client, records):
    feature = json.loads(streamed(client, "/monuments/export.geojson"))["features"][0]
    assert set(feature["properties"]) == MONUMENT_GEOJSON


@pytest.mark.parametrize("resource", sorted(API))
def test_the_api_records_keep_their_fields(client, records, resource):
    listed = client.get(f"/api/v1/{resource}/").json()["results"][0]
    assert set(listed) == API[resource]


@pytest.fixture
def coded(db):
    """A monument and a meeting with a value of every vocabulary the machine-readable addresses carry."""
    monument = f.MonumentFactory(slug="fort", religious_affiliation="islam", place=f.PlaceFactory(country="AZ"))
    f.ConditionAssessmentFactory(monument=monument, condition="damaged", evidence_kind="satellite_imagery")
    f.RegistrationFactory(monument=monument, significance="national")
    meeting = f.MeetingFactory(
        slug="talks",
        format="bilateral",
        date_precision="month",
        event=f.EventFactory(name="Bakı Forumu", name_language="az"),
        place=f.PlaceFactory(name="Belgrade", name_language="en", name_ru="Белград"),
    )
    f.ParticipantFactory(meeting=meeting, represented_country="RS")
    return monument, meeting


MONUMENT_CODES = {
    "religious_affiliation": "islam",
    "country": "AZ",
    "current_condition": "damaged",
    "condition_evidence": "satellite_imagery",
    "condition_observed_precision": "day",
    "registration_significance": "national",
}
MEETING_CODES = {"format": "bilateral", "date_precision": "month", "countries_represented": "RS"}
# Names stay in their original, each with its language, whatever the reader's.
MEETING_NAMES = {"event": "Bakı Forumu", "event_name_language": "az", "place": "Belgrade", "place_name_language": "en"}


@pytest.mark.parametrize("language", ["en", "az", "ru", "es"])
def test_vocabularies_are_the_same_codes_in_every_language(client, coded, language):
    """Exports, feeds and the API give codes, never a translated label, whatever the reader's language; and each
    download says the language of its own texts (Content-Language, the JSON's meta)."""
    monument_csv = csv.DictReader(
        io.StringIO(streamed(client, f"/{language}/monuments/export.csv").decode("utf-8-sig"))
    )
    assert {key: value for key, value in next(monument_csv).items() if key in MONUMENT_CODES} == MONUMENT_CODES
    meeting_csv = csv.DictReader(io.StringIO(streamed(client, f"/{language}/meetings/export.csv").decode("utf-8-sig")))
    row = next(meeting_csv)
    assert {key: value for key, value in row.items() if key in MEETING_CODES | MEETING_NAMES} == {
        **MEETING_CODES,
        **MEETING_NAMES,
    }
    for url in [f"/{language}/monuments/export.json", f"/{language}/meetings/export.json"]:
        response = client.get(url)
        assert response["Content-Language"] == language, url
        assert json.loads(b"".join(response.streaming_content))["meta"]["language"] == language, url
    api = client.get("/api/v1/monuments/fort/", HTTP_ACCEPT_LANGUAGE=language).json()
    assessment, registration = api["assessments"][0], api["registrations"][0]
    assert (api["current_condition"], api["religious_affiliation"], api["country"]) == ("damaged", "islam", "AZ")
    assert (assessment["condition"], assessment["evidence_kind"], registration["significance"]) == (
        "damaged",
        "satellite_imagery",
        "national",
    )
    meeting = client.get("/api/v1/meetings/talks/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert (meeting["format"], meeting["date_precision"]) == ("bilateral", "month")
    atom = client.get(f"/{language}/monuments/conditions.atom").content.decode()
    assert '<category term="damaged"' in atom
    ical = client.get(f"/{language}/meetings/calendar.ics").content.decode()
    assert "X-HERITAGE-DATE-PRECISION:month" in ical
    popolo = json.loads(client.get(f"/{language}/meetings/export.popolo.json").content)
    assert sorted(event["classification"] for event in popolo["events"]) == ["bilateral", "conference"]
