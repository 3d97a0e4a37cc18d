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
