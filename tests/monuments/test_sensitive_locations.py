"""Sensitive locations: the exact point of a marked monument never leaves the server on any public path."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage.models import PlaceKind
from monuments.geo import coarsen, point_for_public, public_coordinates, public_point
from monuments.models import Monument
from tests import factories as f
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db

# Distinctive digits: none of these may appear on a public path, whatever the rounding.
EXACT = ("41.234567", "45.678912")
LEAKS = ("41.23", "45.67", "41.24", "45.68", "234567", "678912")
# The centre of the 0.1° square the point lies in.
PUBLIC = (41.25, 45.65)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def hidden():
    """A published, sensitive monument with an exact point, cited by a published meeting and a source."""
    place = f.PlaceFactory(name="Hidden Valley", kind=PlaceKind.SETTLEMENT, country="AZ")
    source = f.SourceFactory(title="Survey of the valley")
    monument = f.MonumentFactory(
        name="Hidden Shrine",
        place=place,
        latitude=EXACT[0],
        longitude=EXACT[1],
        location_sensitive=True,
        description="A shrine in the valley, visited by pilgrims.",
    )
    monument.sources.add(source)
    f.ConditionAssessmentFactory(monument=monument, source=source)
    meeting = f.MeetingFactory(title="Talks about the valley", summary="The valley's shrine was discussed.")
    meeting.monuments.add(monument)
    meeting.sources.add(source)
    return monument


def public_urls(monument):
    """Every public path that could carry a monument's position, or text about it."""
    source = monument.sources.get()
    meeting = monument.meetings.get()
    return [
        reverse("heritage:home"),
        reverse("heritage:search") + "?q=shrine",
        reverse("heritage:search") + "?q=valley",
        reverse("monuments:monument_list"),
        reverse("monuments:monument_list") + "?q=shrine",
        monument.get_absolute_url(),
        reverse("monuments:monument_map"),
        *[
            reverse("monuments:map_data") + f"?zoom={zoom}" + bbox
            for zoom in (0, 5, 10, 15, 20)
            for bbox in ("", "&bbox=45,41,46,42", "&bbox=45.678,41.234,45.679,41.235")
        ],
        reverse("monuments:export_csv"),
        reverse("monuments:export_json"),
        reverse("monuments:export_geojson"),
        reverse("monuments:export_csv") + "?q=shrine",
        meeting.get_absolute_url(),
        reverse("meetings:export_csv"),
        reverse("meetings:export_json"),
        reverse("meetings:meeting_feed"),
        source.get_absolute_url(),
        reverse("heritage:country_detail", args=["AZ"]),
        reverse("heritage:sitemap"),
        reverse("heritage:sitemap_section", args=["monuments"]),
        reverse("heritage:figures"),
    ]


def test_public_point_coarsens_a_sensitive_location_and_keeps_others_exact():
    exact = {"latitude": Decimal(EXACT[0]), "longitude": Decimal(EXACT[1]), "location_sensitive": False}
    assert public_point(exact) == (41.234567, 45.678912)
    assert public_point({**exact, "location_sensitive": True}) == PUBLIC
    assert public_point({"latitude": None, "longitude": None, "location_sensitive": True}) is None
    # Southern and western points go to the centre of their own square too, not mirrored across zero.
    assert coarsen(Decimal("-0.01")) == -0.05 and coarsen(Decimal("-41.234567")) == -41.25
    with pytest.raises(KeyError):  # a row that does not say whether it is sensitive is refused, not published
        public_point({"latitude": Decimal("1"), "longitude": Decimal("2")})


def test_no_public_path_carries_the_exact_point(client, hidden):
    for url in public_urls(hidden):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        for leak in LEAKS:
            assert leak not in text, (url, leak)


def test_the_record_page_says_the_location_is_approximate(client, hidden):
    text = body(client.get(hidden.get_absolute_url()))
    assert "about 41.25, 45.65" in text
    assert "exact location is withheld" in text
    assert 'data-lat="41.25"' in text and 'data-approximate="0.05"' in text


def test_map_data_shows_the_coarse_point_and_a_bounding_box_cannot_find_the_exact_one(client, hidden):
    data = client.get(reverse("monuments:map_data") + "?zoom=20").json()
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [PUBLIC[1], PUBLIC[0]]
    assert feature["properties"]["name"] == "Hidden Shrine"
    # A tiny box around the exact point finds nothing; one around the public point finds it.
    tight = client.get(reverse("monuments:map_data") + "?zoom=20&bbox=45.678,41.234,45.679,41.235").json()
    assert tight["features"] == []
    around = client.get(reverse("monuments:map_data") + "?zoom=20&bbox=45.64,41.24,45.66,41.26").json()
    assert len(around["features"]) == 1


def test_a_cluster_mean_is_over_public_points(client, hidden):
    f.MonumentFactory(name="Open Mosque", latitude="41.000000", longitude="45.000000")
    data = client.get(reverse("monuments:map_data") + "?zoom=0").json()
    [cluster] = data["features"]
    assert cluster["properties"]["count"] == 2
    assert cluster["geometry"]["coordinates"] == [round((45.0 + PUBLIC[1]) / 2, 4), round((41.0 + PUBLIC[0]) / 2, 4)]


def test_exports_carry_the_coarse_point_and_say_it_is_approximate(client, hidden):
    f.MonumentFactory(name="Open Mosque", latitude="41.000000", longitude="45.000000")
    rows = {r["name"]: r for r in csv_rows(client.get(reverse("monuments:export_csv")))}
    assert (rows["Hidden Shrine"]["latitude"], rows["Hidden Shrine"]["longitude"]) == ("41.25", "45.65")
    assert rows["Hidden Shrine"]["coordinates_approximate"] == "yes"
    assert (rows["Open Mosque"]["latitude"], rows["Open Mosque"]["coordinates_approximate"]) == ("41.0", "no")
    results = {r["name"]: r for r in json_results(client.get(reverse("monuments:export_json")))}
    assert (results["Hidden Shrine"]["latitude"], results["Hidden Shrine"]["longitude"]) == PUBLIC
    assert results["Hidden Shrine"]["coordinates_approximate"] is True

    features = json.loads(body(client.get(reverse("monuments:export_geojson"))))["features"]
    shrine = next(x for x in features if x["properties"]["name"] == "Hidden Shrine")
    assert shrine["geometry"]["coordinates"] == [PUBLIC[1], PUBLIC[0]]
    assert shrine["properties"]["coordinates_approximate"] is True


def test_staff_still_see_and_edit_the_exact_point(client, superuser, hidden):
    client.force_login(superuser)
    text = body(client.get(reverse("admin:monuments_monument_change", args=[hidden.pk])))
    assert 'value="41.234567"' in text and 'value="45.678912"' in text
    assert 'name="location_sensitive"' in text and "checked" in text


def test_unmarking_publishes_the_exact_point_again(client, hidden):
    Monument.objects.filter(pk=hidden.pk).update(location_sensitive=False)
    assert "41.234567, 45.678912" in body(client.get(hidden.get_absolute_url()))


# Stored values have six decimals within the valid ranges; edges of the grid squares are drawn often.
coordinate = st.one_of(
    st.decimals(min_value=-90, max_value=90, places=6),
    st.integers(min_value=-900, max_value=900).map(lambda n: Decimal(n) / 10),
    st.integers(min_value=-900, max_value=899).map(lambda n: Decimal(n) / 10 + Decimal("0.05")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(latitude=coordinate, longitude=coordinate.map(lambda d: d * 2), sensitive=st.booleans())
def test_the_sql_expression_agrees_with_public_point(db, latitude, longitude, sensitive):
    """The map data's SQL and ``public_point`` give the same point, so no path is a finer one."""
    monument = Monument.objects.first() or f.MonumentFactory(name="Probe")
    Monument.objects.filter(pk=monument.pk).update(latitude=latitude, longitude=longitude, location_sensitive=sensitive)
    row = (
        Monument.objects.filter(pk=monument.pk)
        .annotate(**public_coordinates())
        .values("latitude", "longitude", "location_sensitive", "public_latitude", "public_longitude")
        .get()
    )
    expected = public_point(row)
    assert row["public_latitude"] == pytest.approx(expected[0], abs=1e-9)
    assert row["public_longitude"] == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize("sensitive", [False, True])
def test_a_point_missing_either_coordinate_is_no_point(sensitive):
    # The database keeps both or neither; a half-filled form or a values() row read elsewhere must still give none.
    assert point_for_public(None, None, sensitive) is None
    assert point_for_public(None, 49.5, sensitive) is None
    assert point_for_public(40.25, None, sensitive) is None
    assert public_point({"latitude": None, "longitude": 49.5, "location_sensitive": sensitive}) is None
