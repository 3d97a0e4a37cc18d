"""The map's pre-counted cells: the unfiltered map agrees with the published monuments after every kind of write."""

import io
import math
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from heritage.models import PublishStatus
from monuments.geo import public_point
from monuments.importers import MonumentImport
from monuments.mapgrid import MAP_CELL_DEGREES, MAP_CELL_MAX_ZOOM, MapCell
from monuments.models import Condition, Monument
from sitewide.sample import delete_sample, generate_sample
from tests import factories as f
from tests.heritage.test_imports import run
from tests.heritage.test_progress import Terminal

pytestmark = pytest.mark.django_db
# A filter every monument passes: the map groups the monuments live instead of reading the counted cells.
EVERY_CONDITION = "".join(f"&condition={c}" for c in Condition.values)


def expected(zoom, monuments=None, bbox=None):
    """What the map should show, worked out here in Python: (count, rounded mean) of each non-empty cell."""
    size = MAP_CELL_DEGREES / 2**zoom
    cells = {}
    for monument in monuments if monuments is not None else Monument.objects.published():
        point = public_point(monument)
        if point is None:
            continue
        cell = (math.floor(point[1] / size), math.floor(point[0] / size))
        if bbox:
            west, south, east, north = bbox
            low, high = (
                (math.floor(west / size), math.floor(south / size)),
                (math.floor(east / size), math.floor(north / size)),
            )
            if not (low[0] <= cell[0] <= high[0] and low[1] <= cell[1] <= high[1]):
                continue
        cells.setdefault(cell, []).append(point)
    out = []
    for points in cells.values():
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        out.append((len(points), round(lon, 6), round(lat, 6)) if len(points) == 1 else (len(points), lon, lat))
    return Cells(out)


class Cells(list):
    """Features as (count, longitude, latitude): the same counts, a single monument at its exact public point, a
    cluster's mean to the four decimals the map sends (either side of a rounding edge)."""

    def __eq__(self, other):
        if sorted(c[0] for c in self) != sorted(c[0] for c in other):
            return False
        unmatched = list(other)
        for count, lon, lat in self:
            close = 0 if count == 1 else 1.5e-4
            match = next(
                (o for o in unmatched if o[0] == count and abs(o[1] - lon) <= close and abs(o[2] - lat) <= close), None
            )
            if match is None:
                return False
            unmatched.remove(match)
        return True


def shown(client, zoom, query=""):
    data = client.get(reverse("monuments:map_data") + f"?zoom={zoom}{query}").json()
    return Cells((feat["properties"]["count"], *feat["geometry"]["coordinates"]) for feat in data["features"])


@pytest.fixture
def scattered():
    """Published, draft, sensitive, unplaced and southern-western monuments, some in the same cells."""
    bridge = f.MonumentTypeFactory(name="Bridge", slug="bridge")
    points = [
        ("40.123456", "49.654321", False),
        ("40.123457", "49.654322", False),
        ("41.234567", "45.678912", True),
        ("41.350001", "45.750001", True),
        ("-33.9", "-70.6", False),
        ("0.000000", "0.000000", False),
        ("89.999999", "179.999999", False),
        ("39.758", "46.75", False),
    ]
    for i, (lat, lon, sensitive) in enumerate(points):
        f.MonumentFactory(name=f"Point {i}", latitude=lat, longitude=lon, location_sensitive=sensitive)
    f.MonumentFactory(name="Bridge", monument_type=bridge, latitude="40.2", longitude="49.7")
    f.MonumentFactory(name="Unplaced")
    f.MonumentFactory(name="Draft", latitude="40.123", longitude="49.654", status=PublishStatus.DRAFT)
    f.MonumentFactory(name="In review", latitude="10", longitude="10", status=PublishStatus.REVIEW)


def assert_map_matches_the_data(client):
    for zoom in range(MAP_CELL_MAX_ZOOM + 2):
        assert shown(client, zoom) == expected(zoom), zoom


def test_every_counted_zoom_shows_what_is_published(client, scattered):
    assert_map_matches_the_data(client)
    # The same as the live grouping that filters use.
    for zoom in (0, 4, 10):
        assert shown(client, zoom, EVERY_CONDITION) == expected(zoom)
        assert shown(client, zoom, "&sort=name") == expected(zoom)  # an order, not a filter
    bridge = Monument.objects.get(name="Bridge")
    assert shown(client, 10, "&type=bridge") == expected(10, [bridge])
    assert shown(client, 10, "&type=bridge&q=+") == expected(10, [bridge])
    assert shown(client, 10, "&country=&q=+") == expected(10)


def test_each_cluster_names_the_cell_it_stands_for_so_the_map_can_draw_its_marker_inside_it(client, scattered):
    for zoom in (2, 8, MAP_CELL_MAX_ZOOM + 1):
        for query in ("", EVERY_CONDITION):  # the counted cells and the live grouping
            data = client.get(reverse("monuments:map_data") + f"?zoom={zoom}{query}").json()
            size = data["meta"]["cell_size"]
            assert size == MAP_CELL_DEGREES / 2**zoom
            clusters = [feat for feat in data["features"] if feat["properties"]["count"] > 1]
            assert clusters, zoom
            for feat in clusters:
                x, y = feat["properties"]["cell"]
                lon, lat = feat["geometry"]["coordinates"]
                # The mean of the points in a cell lies in it (to the four decimals sent).
                assert x * size - 1e-4 <= lon <= (x + 1) * size + 1e-4, (zoom, feat)
                assert y * size - 1e-4 <= lat <= (y + 1) * size + 1e-4, (zoom, feat)
            cells = [tuple(feat["properties"]["cell"]) for feat in clusters]
            assert len(cells) == len(set(cells))


def test_a_box_shows_every_cell_it_touches_with_its_whole_count(client, scattered):
    for zoom, bbox in [(2, (40, 30, 50, 45)), (6, (45.6, 41.2, 45.7, 41.3)), (10, (49.6, 40.1, 49.7, 40.2))]:
        query = "&bbox=" + ",".join(map(str, bbox))
        assert shown(client, zoom, query) == expected(zoom, bbox=bbox), zoom
        assert shown(client, zoom, query + EVERY_CONDITION) == expected(zoom, bbox=bbox), zoom
    assert shown(client, 8, "&bbox=-10,-10,-9,-9") == Cells()


def test_sensitive_points_stay_coarse_in_the_counted_cells(client, scattered):
    hidden = Monument.objects.get(name="Point 2")
    data = client.get(reverse("monuments:map_data") + f"?zoom={MAP_CELL_MAX_ZOOM}").json()
    [single] = [feat for feat in data["features"] if feat["properties"].get("name") == "Point 2"]
    assert single["geometry"]["coordinates"] == [45.65, 41.25] == list(reversed(public_point(hidden)))
    text = str(data)
    for leak in ("41.2345", "45.6789", "234567", "678912", "350001", "750001"):
        assert leak not in text
    # Kept as sums of public points only.
    for cell in MapCell.objects.filter(count=1, id_sum=hidden.pk):
        assert (cell.latitude_sum, cell.longitude_sum) == (41_250_000, 45_650_000)


def test_saves_publishing_unpublishing_moving_and_deleting_through_the_admin_are_counted(client, scattered, superuser):
    staff = Client()
    staff.force_login(superuser)
    changelist = reverse("admin:monuments_monument_changelist")
    draft = Monument.objects.get(name="Draft")
    staff.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert Monument.objects.get(pk=draft.pk).status == PublishStatus.PUBLISHED
    assert_map_matches_the_data(client)

    moved = Monument.objects.get(name="Point 0")
    staff.post(changelist, {"action": "unpublish", "_selected_action": [moved.pk]})
    assert "Point 0" not in str(client.get(reverse("monuments:map_data") + "?zoom=10").json())
    assert_map_matches_the_data(client)

    moved.refresh_from_db()
    moved.status, moved.latitude, moved.longitude = PublishStatus.PUBLISHED, Decimal("-12.5"), Decimal("130.25")
    moved.save()
    marked = Monument.objects.get(name="Point 7")
    marked.location_sensitive = True
    marked.save()
    marked.latitude = marked.longitude = None
    marked.save()
    assert_map_matches_the_data(client)

    gone = Monument.objects.filter(name__in=["Point 1", "Bridge"])
    response = staff.post(
        changelist, {"action": "delete_selected", "_selected_action": [m.pk for m in gone], "post": "yes"}
    )
    assert response.status_code == 302 and not Monument.objects.filter(name="Bridge").exists()
    assert_map_matches_the_data(client)

    # "Recover deleted" in the admin reverts the version kept before the delete, without Monument.save().
    Version.objects.get_deleted(Monument).get(object_repr="Bridge").revert()
    assert Monument.objects.filter(name="Bridge").exists()
    assert_map_matches_the_data(client)
    assert MapCell.objects.filter(count__lt=0).count() == 0


def test_imports_are_counted(client, scattered, superuser):
    result = run(
        MonumentImport(user=superuser),
        ["slug", "name", "monument_type", "latitude", "longitude", "status"],
        [
            ["", "Imported", "bridge", "42.5", "44.5", "published"],
            ["", "Imported draft", "bridge", "42.5", "44.5", "draft"],
            [Monument.objects.get(name="Point 4").slug, "Point 4", "bridge", "-34", "-70", "draft"],
            [Monument.objects.get(name="Point 5").slug, "Point 5", "bridge", "5", "6", "published"],
        ],
        dry_run=False,
    )
    assert result.committed, result
    assert_map_matches_the_data(client)


def test_a_dry_run_import_counts_nothing(client, scattered, superuser):
    before = set(MapCell.objects.values_list("zoom", "x", "y", "count", "latitude_sum"))
    run(
        MonumentImport(user=superuser),
        ["name", "monument_type", "latitude", "longitude"],
        [["New", "bridge", "1", "2"]],
    )
    assert set(MapCell.objects.values_list("zoom", "x", "y", "count", "latitude_sum")) == before


def test_sample_data_and_its_removal_are_counted(client, scattered):
    generate_sample(monuments=300, meetings=5, out=io.StringIO())
    assert Monument.objects.filter(slug__startswith="sample-").count() == 300
    assert_map_matches_the_data(client)
    delete_sample(out=io.StringIO())
    assert_map_matches_the_data(client)


def test_a_rebuild_gives_the_same_counts_as_the_upkeep(scattered):
    Monument.objects.filter(name="Point 3").delete()
    kept = set(MapCell.objects.filter(count__gt=0).values_list("zoom", "x", "y", "count", "latitude_sum", "id_sum"))
    MapCell.objects.rebuild()
    assert set(MapCell.objects.values_list("zoom", "x", "y", "count", "latitude_sum", "id_sum")) == kept


def test_the_feature_cap_holds_on_the_counted_cells(client, scattered, settings):
    settings.MAP_MAX_FEATURES = 2
    data = client.get(reverse("monuments:map_data") + f"?zoom={MAP_CELL_MAX_ZOOM}").json()
    assert len(data["features"]) == 2 and data["meta"]["truncated"] is True
    assert data["features"][0]["properties"]["count"] >= data["features"][1]["properties"]["count"]


@pytest.mark.parametrize("zoom", [0, 6, MAP_CELL_MAX_ZOOM, MAP_CELL_MAX_ZOOM + 1, 20])
@pytest.mark.parametrize("query", ["", "&condition=destroyed", "&q=point"])
def test_map_data_is_one_query_counted_or_live(client, scattered, django_assert_max_num_queries, zoom, query):
    # On PostgreSQL a search first probes how many records match (see PublishableQuerySet.search).
    with django_assert_max_num_queries(2 if "q=" in query else 1):
        response = client.get(reverse("monuments:map_data") + f"?zoom={zoom}&bbox=-180,-90,180,90{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=nan,0,1,1",
        "bbox=inf,-inf,inf,inf",
        "bbox=-1e308,-1e308,1e308,1e308",
        "bbox=10,10,0,0",
        "bbox=a,b,c,d",
        "zoom=-5",
        "zoom=99999999999999999999",
        "zoom=1.5",
        "zoom=%00",
        "bbox=0,0,1,1&zoom=0",
    ],
)
def test_bad_boxes_and_zooms_are_never_a_500(client, scattered, query):
    response = client.get(reverse("monuments:map_data") + "?" + query)
    assert response.status_code == 200
    assert sum(feat["properties"]["count"] for feat in response.json()["features"]) >= 0


def test_the_rebuild_command_repairs_counts_after_writes_in_sql(client, scattered):
    Monument.objects.filter(name="Point 0").update(status=PublishStatus.DRAFT)  # update() sends no signals
    assert shown(client, MAP_CELL_MAX_ZOOM) != expected(MAP_CELL_MAX_ZOOM)
    out = io.StringIO()
    call_command("rebuild_map_cells", stdout=out)
    assert "non-empty cells" in out.getvalue()
    assert_map_matches_the_data(client)


def test_rebuild_map_cells_reports_progress_by_zoom_level():
    f.MonumentFactory(latitude=40.4, longitude=49.9)
    log, terminal = io.StringIO(), Terminal()
    call_command("rebuild_map_cells", stdout=io.StringIO(), stderr=log)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 10  # one at every tenth of the 11 zoom levels
    assert lines[-1].startswith("zoom levels: 11 of 11 (100%)")
    call_command("rebuild_map_cells", stdout=io.StringIO(), stderr=terminal)
    assert terminal.getvalue().count("\r") == 11 and terminal.getvalue().endswith("\n")
