"""Monument imports with identifiers and natural keys: GeoJSON files, files without slugs imported twice,
identifier columns round-tripping through the staff export, and clear messages for bad files."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from heritage.transfer.files import csv_lines, read_rows
from monuments.importers import MonumentImport
from monuments.models import Monument, MonumentIdentifier, Registration
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mosque():
    return f.MonumentTypeFactory(name="Mosque", slug="mosque")


def run(header, rows, name="data.csv", dry_run=False):
    text = "".join(csv_lines(header, rows))
    return MonumentImport().run(read_rows(io.BytesIO(text.encode()), name), dry_run=dry_run)


def geojson(features):
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


FEATURES = [
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [49.8367, 40.3681]},
        "properties": {
            "name": "Bakı xan sarayı",
            "monument_type": "mosque",
            "registry": "State register",
            "registration_number": "71, 70",
            "wikidata": "Q12837306",
        },
    },
    {"type": "Feature", "geometry": None, "properties": {"name": "Juma", "monument_type": "mosque", "wikidata": "Q5"}},
]


def test_a_geojson_file_imports_through_the_admin_with_points_numbers_and_identifiers(client, superuser, mosque):
    client.force_login(superuser)
    url = reverse("admin:monuments_monument_import")
    response = client.post(url, {"file": SimpleUploadedFile("register.geojson", geojson(FEATURES))})
    assert response.context["result"].counts == {"new": 2}, response.context["result"].invalid
    client.post(url, {"token": response.context["token"], "confirm": "1"})
    palace = Monument.objects.get(identifiers__value="Q12837306")
    assert (str(palace.latitude), str(palace.longitude)) == ("40.368100", "49.836700")
    assert sorted(palace.registrations.values_list("number", flat=True)) == ["70", "71"]
    assert Monument.objects.get(name="Juma").latitude is None


def test_the_import_command_takes_geojson_and_a_second_run_changes_nothing(tmp_path, mosque, capsys):
    path = tmp_path / "register.geojson"
    path.write_bytes(geojson(FEATURES))
    call_command("import_monuments", str(path))
    call_command("import_monuments", str(path))
    assert "2 unchanged" in capsys.readouterr().out
    assert Monument.objects.count() == 2 and Registration.objects.count() == 2


def test_a_geojson_file_with_a_polygon_is_refused_naming_the_feature(mosque):
    polygon = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}}
    result = MonumentImport().run(read_rows(io.BytesIO(geojson([FEATURES[1], polygon])), "x.geojson"))
    assert result.file_errors == ["Feature 2: a Polygon; only Point features (or none) can be imported."]
    result = MonumentImport().run(read_rows(io.BytesIO(b"{not json"), "x.geojson"))
    assert result.file_errors[0].startswith("The file is not valid JSON")


HEADER = ["name", "monument_type", "registry", "registration_number", "wikidata", "commons"]
ROWS = [
    ["Old Mosque", "mosque", "State register", "101", "Q1001", "Old Mosque of Shusha"],
    ["Bridge", "mosque", "", "", "Q1002", ""],
    ["Tower", "mosque", "State register", "102; 103", "", ""],
]


def test_a_csv_file_without_slugs_imported_twice_changes_nothing(mosque):
    assert run(HEADER, ROWS).counts == {"new": 3}
    before = list(Monument.objects.values_list("pk", "slug", "name").order_by("pk"))
    result = run(HEADER, ROWS)
    assert result.committed and result.counts == {"unchanged": 3}
    assert list(Monument.objects.values_list("pk", "slug", "name").order_by("pk")) == before
    assert MonumentIdentifier.objects.count() == 3 and Registration.objects.count() == 3


def test_rows_are_matched_by_identifier_or_register_number_before_the_slug(mosque):
    run(HEADER, ROWS)
    result = run(["name", "monument_type", "wikidata"], [["Bridge over the Araz", "mosque", "Q1002"]])
    assert result.counts == {"changed": 1}
    result = run(
        ["name", "monument_type", "registry", "registration_number"], [["Tower", "mosque", "State register", "103"]]
    )
    assert result.counts == {"unchanged": 1}
    # An identifier of one monument and a number of another: the row is refused, naming both.
    result = run(HEADER, [["X", "mosque", "State register", "101", "Q1002", ""]])
    assert not result.committed
    assert "name different monuments: bridge, old-mosque" in result.invalid[0].errors[0]
    # The same identifier twice in a file.
    result = run(["name", "monument_type", "wikidata"], [["A", "mosque", "Q9"], ["B", "mosque", "Q9"]])
    assert result.invalid[0].errors == ["wikidata: Q9 is already in row 2."]


def test_identifier_columns_round_trip_through_the_staff_export(mosque):
    run(HEADER, ROWS)
    importer = MonumentImport()
    header = importer.columns()
    assert {"wikidata", "commons", "geonames"} <= set(header)
    rows = list(importer.export_rows(Monument.objects.order_by("name")))
    old = dict(zip(header, rows[1], strict=True))
    assert (old["wikidata"], old["commons"], old["registration_number"]) == ("Q1001", "Old Mosque of Shusha", "101")
    tower = dict(zip(header, rows[2], strict=True))
    assert tower["registration_number"] == "102; 103"
    MonumentIdentifier.objects.all().delete()
    Registration.objects.all().delete()
    result = run(header, rows)
    assert result.committed and result.counts == {"changed": 3}
    assert run(header, rows).counts == {"unchanged": 3}
    assert set(MonumentIdentifier.objects.values_list("value", flat=True)) == {"Q1001", "Q1002", "Old Mosque of Shusha"}


def test_list_page_query_budget_holds_with_identifiers(client, mosque, django_assert_max_num_queries):
    run(HEADER, ROWS)
    Monument.objects.update(status="published")
    with django_assert_max_num_queries(7 + 6):  # +6: the facet counts, one grouped query per facet
        assert client.get("/monuments/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(Monument.objects.get(name="Old Mosque").get_absolute_url()).status_code == 200
