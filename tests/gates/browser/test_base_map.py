"""The map with a map: without a tile server, country borders and coastlines from Natural Earth (served by us) are
drawn under the markers; with one, its tiles and not the atlas; every marker is a 24 × 24 px target at least; and
the map pages stay within the page-weight budget."""

import copy

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from monuments.models import Condition
from tests import factories as f
from tests.gates.browser.test_page_quality import PAGE_WEIGHT_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATLAS = "world-atlas/countries-110m"


def sizes(page, selector):
    return page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )


def test_without_a_tile_server_the_atlas_is_drawn_under_the_markers_all_from_our_host(new_page, network):
    f.MonumentFactory(name="Bibi-Heybat Mosque", latitude=40.30, longitude=49.83, current_condition=Condition.DESTROYED)
    for i in range(30):  # a cluster in Rome
        f.MonumentFactory(name=f"Roman ruin {i}", latitude=41.9 + i / 1000, longitude=12.5)
    page = new_page()
    assert page.goto(reverse("monuments:monument_map")).status == 200
    page.wait_for_load_state("networkidle")
    atlas = page.locator("#monument-map .leaflet-atlas-pane path")
    expect(atlas).to_have_count(2)  # the land with its coastline, and the borders
    land = atlas.first.get_attribute("d")
    assert land.count("M") > 100  # the continents and islands, not an empty path
    pane_order = page.evaluate(
        "() => ['atlas', 'overlay', 'marker'].map("
        "n => Number(getComputedStyle(document.querySelector('.leaflet-' + n + '-pane')).zIndex))"
    )
    assert pane_order == sorted(pane_order) and pane_order[0] < pane_order[1]  # under the markers
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    assert [row for row in network.responses if ATLAS in row[0]]
    assert not network.foreign and not network.tiles

    # Markers: the cluster and the single monument, each a 24 × 24 px target at least.
    page.locator(".leaflet-marker-icon.cluster").first.wait_for()
    clusters = sizes(page, ".leaflet-marker-icon.cluster")
    singles = sizes(page, "#monument-map .leaflet-overlay-pane path.leaflet-interactive")
    assert clusters and singles
    assert all(w >= 24 and h >= 24 for w, h in clusters + singles), (clusters, singles)

    transferred = sum(size for _url, _kind, size in network.responses)
    assert transferred <= PAGE_WEIGHT_LIMIT, transferred


def test_a_record_map_draws_the_atlas_too_within_the_page_weight(new_page, network):
    monument = f.MonumentFactory(name="Govhar Agha Mosque", latitude=39.758, longitude=46.750)
    page = new_page()
    assert page.goto(monument.get_absolute_url()).status == 200
    page.wait_for_load_state("networkidle")
    expect(page.locator("#record-map .leaflet-atlas-pane path")).to_have_count(2)
    transferred = sum(size for _url, _kind, size in network.responses)
    assert transferred <= PAGE_WEIGHT_LIMIT, transferred


def test_with_a_tile_server_its_tiles_are_used_and_the_atlas_is_not_loaded(new_page, network, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append("https://tiles.example.org")
    settings.CONTENT_SECURITY_POLICY = policy
    f.MonumentFactory(name="Bibi-Heybat Mosque", latitude=40.30, longitude=49.83)
    page = new_page()
    page.goto(reverse("monuments:monument_map"))
    page.wait_for_load_state("networkidle")
    assert network.tiles
    assert not [row for row in network.responses if ATLAS in row[0]]
    expect(page.locator(".leaflet-atlas-pane")).to_have_count(0)
