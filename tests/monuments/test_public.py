"""The public monument pages: list filters, record, map and map data, exports, garbage input, query budgets."""

import datetime
import json
import re

import pytest
from django.core.cache import cache

from heritage.listing import CappedPaginator
from heritage.models import PlaceKind, PublishStatus
from monuments.models import Condition, MonumentImage, Significance
from monuments.views import MonumentListView
from tests import factories as f
from tests.public import GARBAGE, assert_no_raw_echo, body, csv_rows, json_results

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def register():
    """A small register: a country with a region and a town, types, conditions, registrations, one draft."""
    az = f.PlaceFactory(name="Azerbaijan", kind=PlaceKind.COUNTRY, country="AZ")
    region = f.PlaceFactory(name="Shusha District", kind=PlaceKind.DISTRICT, parent=az, country="AZ")
    town = f.PlaceFactory(name="Shusha", parent=region, country="AZ")
    elsewhere = f.PlaceFactory(name="Tbilisi", country="GE")
    mosque = f.MonumentTypeFactory(name="Mosque")
    bridge = f.MonumentTypeFactory(name="Bridge")
    m = {
        "govhar": f.MonumentFactory(
            name="Govhar Agha Mosque",
            monument_type=mosque,
            place=town,
            built_from_year=1768,
            built_to_year=1769,
            latitude="39.758",
            longitude="46.750",
        ),
        "khudafarin": f.MonumentFactory(
            name="Khudafarin Bridge",
            monument_type=bridge,
            place=region,
            built_from_year=1100,
            latitude="39.150",
            longitude="46.933",
        ),
        "metekhi": f.MonumentFactory(name="Metekhi Bridge", monument_type=bridge, place=elsewhere, built_to_year=1300),
        "draft": f.MonumentFactory(
            name="Secret Draft Mosque",
            monument_type=mosque,
            place=town,
            status=PublishStatus.DRAFT,
            latitude="39.7",
            longitude="46.7",
        ),
    }
    f.ConditionAssessmentFactory(
        monument=m["govhar"], condition=Condition.DAMAGED, observed_on=datetime.date(2020, 1, 1), assessed_by="Old team"
    )
    f.ConditionAssessmentFactory(
        monument=m["govhar"],
        condition=Condition.UNDER_RESTORATION,
        observed_on=datetime.date(2022, 5, 1),
        assessed_by="Ministry field team",
        source=f.SourceFactory(title="Restoration report", url="https://example.org/report"),
    )
    f.ConditionAssessmentFactory(monument=m["khudafarin"], condition=Condition.DESTROYED)
    f.RegistrationFactory(monument=m["govhar"], significance=Significance.NATIONAL, number="A-1")
    f.RegistrationFactory(monument=m["khudafarin"], significance=Significance.WORLD, number="W-9")
    for monument in m.values():
        monument.refresh_from_db()
    return m


def names(client, query=""):
    text = body(client.get("/monuments/" + query))
    return set(re.findall(r'<li>\s*<a href="/monuments/(?!map/)[^"/]+/">([^<]+)</a>', text))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Govhar Agha Mosque", "Khudafarin Bridge", "Metekhi Bridge"}),
        ("?type=bridge", {"Khudafarin Bridge", "Metekhi Bridge"}),
        ("?type=bridge&type=mosque", {"Govhar Agha Mosque", "Khudafarin Bridge", "Metekhi Bridge"}),
        ("?condition=destroyed", {"Khudafarin Bridge"}),
        ("?condition=destroyed&condition=under_restoration", {"Khudafarin Bridge", "Govhar Agha Mosque"}),
        ("?country=GE", {"Metekhi Bridge"}),
        ("?place=azerbaijan", {"Govhar Agha Mosque", "Khudafarin Bridge"}),
        ("?place=shusha", {"Govhar Agha Mosque"}),
        ("?significance=world", {"Khudafarin Bridge"}),
        ("?registered=yes", {"Govhar Agha Mosque", "Khudafarin Bridge"}),
        ("?registered=no", {"Metekhi Bridge"}),
        ("?built_after=1500", {"Govhar Agha Mosque"}),
        ("?built_before=1300", {"Khudafarin Bridge", "Metekhi Bridge"}),
        ("?built_after=1200&built_before=1300", {"Metekhi Bridge"}),
        ("?q=bridge&country=AZ", {"Khudafarin Bridge"}),
        ("?q=nothing-like-this", set()),
    ],
)
def test_filters_narrow_and_combine(client, register, query, expected):
    assert names(client, query) == expected


def test_sorts(client, register):
    def order(query):
        text = body(client.get("/monuments/" + query))
        return re.findall(r'<li>\s*<a href="/monuments/(?!map/)([^"/]+)/">', text)

    assert order("") == ["govhar-agha-mosque", "khudafarin-bridge", "metekhi-bridge"]
    # By the year construction began, or ended when only that is known (Metekhi: built by 1300).
    assert order("?sort=built") == ["khudafarin-bridge", "metekhi-bridge", "govhar-agha-mosque"]
    register["metekhi"].save()  # the most recently updated
    assert order("?sort=-updated")[0] == "metekhi-bridge"


def test_list_rows_show_condition_with_provenance_and_registration(client, register):
    text = body(client.get("/monuments/?type=mosque"))
    assert "Under restoration" in text and "as reported by Ministry field team, 1 May 2022" in text
    assert "State register № A-1 (National)" in text
    assert "1768–1769" in text


def test_applied_filters_show_and_each_can_be_removed(client, register):
    text = body(client.get("/monuments/?type=bridge&type=mosque&condition=destroyed&page=1"))
    assert "Current condition: <strong>Destroyed</strong>" in text
    assert 'href="?type=mosque&amp;condition=destroyed"' in text  # removes "bridge" only, drops the page
    assert 'href="?type=bridge&amp;type=mosque"' in text


def test_invalid_filter_is_ignored_with_a_message_and_others_still_apply(client, register):
    response = client.get("/monuments/?type=nope&condition=destroyed")
    text = body(response)
    assert response.status_code == 200
    assert "were not understood and were ignored" in text
    assert names(client, "?type=nope&condition=destroyed") == {"Khudafarin Bridge"}
    # The export link carries only the filters that applied.
    assert 'href="/monuments/export.csv?condition=destroyed"' in text


@pytest.mark.parametrize("garbage", GARBAGE)
@pytest.mark.parametrize(
    "url",
    [
        "/monuments/",
        "/monuments/map/",
        "/monuments/map/data.json",
        "/monuments/export.csv",
        "/monuments/export.json",
        "/monuments/export.geojson",
    ],
)
def test_garbage_never_gives_a_500_nor_a_raw_echo(client, register, url, garbage):
    response = client.get(f"{url}?{garbage}")
    assert response.status_code in (200, 400, 404)
    if url == "/monuments/" and garbage.startswith("page="):
        assert response.status_code == 404
    assert_no_raw_echo(body(response))


def test_garbage_on_the_list_gives_a_clear_message(client, register):
    for garbage in ["country=ZZ", "type=nope", "q=" + "x" * 10240, "built_after=99999999999999999999"]:
        response = client.get(f"/monuments/?{garbage}")
        assert response.status_code == 200
        assert "were not understood and were ignored" in body(response), garbage


def test_garbage_filter_on_an_export_is_a_400_naming_the_parameter(client, register):
    response = client.get("/monuments/export.csv?country=ZZ&type=%3Cb%3Ex")
    assert response.status_code == 400
    assert "country, type" in body(response) and "<b>" not in body(response)


def test_control_characters_in_q_are_dropped_not_an_error(client, register):
    # Control characters become spaces: two words, "Khuda" and "farin", both in the name.
    assert names(client, "?q=Khuda%00%1bfarin") == {"Khudafarin Bridge"}
    assert names(client, "?q=%00Khudafarin%07") == {"Khudafarin Bridge"}


def test_pager_keeps_the_filters_and_past_the_end_is_a_404(client, register, monkeypatch):
    monkeypatch.setattr(MonumentListView, "paginate_by", 1)
    text = body(client.get("/monuments/?type=bridge"))
    assert 'href="?type=bridge&amp;page=2"' in text
    assert client.get("/monuments/?type=bridge&page=2").status_code == 200
    assert client.get("/monuments/?type=bridge&page=3").status_code == 404
    assert client.get("/monuments/?page=abc").status_code == 404


def test_count_is_capped_and_deep_pages_are_a_404(client, register, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr(MonumentListView, "paginate_by", 1)
    text = body(client.get("/monuments/"))
    assert "More than 2 results." in text
    assert client.get("/monuments/?page=2").status_code == 200
    assert client.get("/monuments/?page=3").status_code == 404  # 3 exist, only the capped 2 are paged


def test_list_query_budget_does_not_grow_with_the_page(client, register, django_assert_max_num_queries):
    for i in range(40):
        monument = f.MonumentFactory(name=f"Extra {i}", place=register["govhar"].place)
        f.RegistrationFactory(monument=monument)
        f.ConditionAssessmentFactory(monument=monument)
    # +1 on PostgreSQL: search() probes up to 1,001 matching ids to decide whether to rank. +6 for the facet
    # counts (one grouped query per facet: type, condition, country, significance, registered, risk;
    # heritage.facets), and on PostgreSQL with q each facet's search makes its own probe (+6).
    with django_assert_max_num_queries(7 + 6 + 6):
        response = client.get("/monuments/?q=extra&condition=damaged&place=shusha&registered=yes")
    assert response.status_code == 200 and "40 results." in body(response)


def test_record_shows_timeline_with_provenance_registration_map_and_citation(client, register):
    monument = register["govhar"]
    meeting = f.MeetingFactory(title="Talks on the mosque")
    meeting.monuments.add(monument)
    draft_meeting = f.MeetingFactory(title="Secret draft talks", status=PublishStatus.DRAFT)
    draft_meeting.monuments.add(monument)
    f.RestorationFactory(
        monument=monument,
        executing_organization=f.OrganizationFactory(name="Hidden Contractor", status=PublishStatus.DRAFT),
    )
    text = body(client.get(monument.get_absolute_url()))
    assert "1 May 2022" in text and "reported by Ministry field team (evidence: Site visit)" in text
    assert "1 January 2020" in text and "Old team" in text
    assert 'href="https://example.org/report"' in text
    assert "State register № A-1" in text and "National" in text
    assert 'data-lat="39.758"' in text and 'data-lon="46.75"' in text
    assert "Cite this record" in text and "http://testserver/monuments/govhar-agha-mosque/" in text
    assert "Talks on the mosque" in text
    assert "Secret draft talks" not in text and "Hidden Contractor" not in text
    assert "js_lib_leaflet/leaflet.js" in text


def test_record_query_budget(client, register, django_assert_max_num_queries):
    monument = register["govhar"]
    for _ in range(5):
        f.ConditionAssessmentFactory(monument=monument)
        f.MeetingFactory().monuments.add(monument)
        f.RestorationFactory(monument=monument).sources.add(f.SourceFactory())
    # The monument, its registrations, identifiers (with their schemes), assessments (with their sources),
    # sources, restorations, their sources, meetings: one query each, however many rows (no images here, so no
    # query for them).
    for code in ("wikidata", "commons", "viaf"):
        f.MonumentIdentifierFactory(monument=monument, scheme__code=code)
    with django_assert_max_num_queries(8):
        assert client.get(monument.get_absolute_url()).status_code == 200


def test_record_asks_only_for_relations_it_has(client, register, django_assert_num_queries):
    """Restorations, images and meetings, which most records lack, cost no query when there are none."""
    monument = register["khudafarin"]
    f.MeetingFactory(title="Secret draft talks", status=PublishStatus.DRAFT).monuments.add(monument)
    # The monument with its flags, registrations, identifiers, assessments, sources.
    with django_assert_num_queries(5):
        text = body(client.get(monument.get_absolute_url()))
    assert "Khudafarin Bridge" in text and "Secret draft talks" not in text
    assert "Meetings concerning this monument" not in text and "Restorations" not in text and "Images" not in text

    MonumentImage.objects.create(
        monument=monument, image="monuments/bridge.jpg", alt_text="The bridge from the north", credit="A. Photographer"
    )
    f.MeetingFactory(title="Talks on the bridge").monuments.add(monument)
    f.RestorationFactory(monument=monument, description="Arches rebuilt")
    # And now images (with their sources), meetings, restorations and their sources.
    with django_assert_num_queries(9):
        text = body(client.get(monument.get_absolute_url()))
    assert 'alt="The bridge from the north"' in text and "Credit: A. Photographer" in text
    assert "Talks on the bridge" in text and "Arches rebuilt" in text and "Secret draft talks" not in text


def test_drafts_never_leak(client, register):
    draft = register["draft"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    for url in [
        "/monuments/",
        "/monuments/?q=secret",
        "/monuments/export.csv",
        "/monuments/export.json",
        "/monuments/export.geojson",
        "/search/?q=secret",
        "/sitemap-monuments.xml",
        "/countries/AZ/",
    ]:
        assert "Secret Draft Mosque" not in body(client.get(url)), url
    data = json.loads(body(client.get("/monuments/map/data.json?zoom=18")))
    assert all(feature["properties"].get("name") != "Secret Draft Mosque" for feature in data["features"])
    assert sum(feature["properties"]["count"] for feature in data["features"]) == 2


def test_exports_match_the_filtered_list_and_carry_provenance(client, register):
    query = "?type=bridge&type=mosque&country=AZ"
    listed = names(client, query)
    rows = csv_rows(client.get("/monuments/export.csv" + query))
    assert {row["name"] for row in rows} == listed == {"Govhar Agha Mosque", "Khudafarin Bridge"}
    govhar = next(row for row in rows if row["slug"] == "govhar-agha-mosque")
    assert govhar["current_condition"] == "under_restoration"
    assert govhar["condition_observed_on"] == "2022-05-01"
    assert govhar["condition_reported_by"] == "Ministry field team"
    assert govhar["condition_source_title"] == "Restoration report"
    assert govhar["condition_source_url"] == "https://example.org/report"
    assert govhar["registered"] == "yes" and govhar["registration_number"] == "A-1"
    assert govhar["url"] == "http://testserver/monuments/govhar-agha-mosque/"
    assert govhar["latitude"] == "39.758" and govhar["longitude"] == "46.75"

    results = json_results(client.get("/monuments/export.json" + query))
    assert {r["name"] for r in results} == listed
    geo = json.loads(body(client.get("/monuments/export.geojson" + query)))
    assert geo["type"] == "FeatureCollection"
    coords = {feat["properties"]["slug"]: feat["geometry"]["coordinates"] for feat in geo["features"]}
    assert coords["govhar-agha-mosque"] == [46.75, 39.758]


def test_geojson_keeps_monuments_without_coordinates_with_a_null_geometry(client, register):
    geo = json.loads(body(client.get("/monuments/export.geojson?country=GE")))
    assert [(feat["properties"]["name"], feat["geometry"]) for feat in geo["features"]] == [("Metekhi Bridge", None)]


def test_csv_cells_that_look_like_formulas_are_neutralised(client, register):
    f.MonumentFactory(name='=HYPERLINK("http://evil")', alternative_names="+1\n@SUM(A1)", built_from_year=-300)
    rows = csv_rows(client.get("/monuments/export.csv?q=HYPERLINK"))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["alternative_names"].startswith("'+1")
    assert rows[0]["built_from_year"] == "-300"  # numbers stay numbers


def test_exports_stream_with_a_flat_query_count(client, register, django_assert_max_num_queries):
    for i in range(30):
        f.ConditionAssessmentFactory(monument=f.MonumentFactory(name=f"Bulk {i}"))
    for url in ["/monuments/export.csv", "/monuments/export.json", "/monuments/export.geojson"]:
        # The monuments, then for their one chunk the latest assessments, the first registrations, identifiers and
        # risk listings.
        with django_assert_max_num_queries(5):
            response = client.get(url)
            assert response.streaming
            assert body(response).count("Bulk ") >= 30


def test_deeper_pages_list_the_next_rows_with_their_condition(client, monkeypatch, django_assert_max_num_queries):
    # Pages past the first find their rows by key in a sub-query (PostgreSQL would otherwise compute the
    # provenance of every skipped row): the same rows, order and provenance as a plain slice.
    monkeypatch.setattr(MonumentListView, "paginate_by", 4)
    for i in range(10):
        monument = f.MonumentFactory(name=f"Paged {i:02d}")
        f.ConditionAssessmentFactory(monument=monument, assessed_by=f"Team {i:02d}")
    pages = []
    for number in (1, 2, 3):
        # +6 for the facet counts on the first page (one grouped query per facet); later pages reuse them.
        with django_assert_max_num_queries(5 + 6):
            text = body(client.get(f"/monuments/?page={number}"))
        pages.append(re.findall(r"Paged \d\d", text))
        assert all(f"Team {name[-2:]}" in text for name in pages[-1])
    assert [name for page in pages for name in dict.fromkeys(page)] == [f"Paged {i:02d}" for i in range(10)]


def test_export_queries_grow_per_chunk_not_per_row(client, register, monkeypatch, django_assert_num_queries):
    # 3 published monuments in the register plus 22 here, in chunks of 10: one query streams the monuments and
    # four per chunk read the latest assessments, the first registrations, the identifiers and the risk listings,
    # however many each monument has.
    monkeypatch.setattr("monuments.exports.CHUNK_SIZE", 10)
    for i in range(22):
        monument = f.MonumentFactory(name=f"Bulk {i:02d}")
        for day in (1, 2):
            f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2020, 1, day))
        f.RegistrationFactory(monument=monument, registry="Z registry", number=f"Z-{i}")
        f.RegistrationFactory(monument=monument, registry="A registry", number=f"A-{i}")
    with django_assert_num_queries(1 + 4 * 3):
        rows = csv_rows(client.get("/monuments/export.csv"))
    assert len(rows) == 25
    with django_assert_num_queries(1 + 4 * 1):
        assert len(csv_rows(client.get("/monuments/export.csv?country=AZ"))) == 2


def test_export_takes_the_latest_assessment_and_first_registration_of_each_row_in_every_chunk(
    client, register, monkeypatch
):
    monkeypatch.setattr("monuments.exports.CHUNK_SIZE", 2)
    for i in range(5):
        monument = f.MonumentFactory(name=f"Chunked {i}")
        f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2021, 1, 1), assessed_by="Later")
        f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2019, 1, 1), assessed_by="Earlier")
        # Same day: the one recorded last is the latest, as on the record's page.
        f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2021, 1, 1), assessed_by=f"Last {i}")
        f.RegistrationFactory(monument=monument, registry="Zeta", number=f"9-{i}")
        f.RegistrationFactory(monument=monument, registry="Alpha", number=f"1-{i}")
    rows = {row["name"]: row for row in csv_rows(client.get("/monuments/export.csv?q=Chunked"))}
    assert [rows[f"Chunked {i}"]["condition_reported_by"] for i in range(5)] == [f"Last {i}" for i in range(5)]
    assert {(row["registration_registry"], row["registered"]) for row in rows.values()} == {("Alpha", "yes")}
    assert rows["Chunked 3"]["registration_number"] == "1-3"
    unregistered = csv_rows(client.get("/monuments/export.csv?q=Metekhi"))[0]
    assert unregistered["registered"] == "no" and unregistered["registration_registry"] == ""
    assert unregistered["condition_observed_on"] == "" and unregistered["condition_source_title"] == ""


def test_map_page_has_no_inline_script_and_passes_the_filters(client, register, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    text = body(client.get("/monuments/map/?type=bridge"))
    assert 'data-source="/monuments/map/data.json?type=bridge"' in text
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in text
    assert "js_lib_leaflet/leaflet.js" in text and "static/js/map.js" in text


def test_map_data_clusters_on_the_server(client, register, settings):
    for i in range(20):
        f.MonumentFactory(name=f"Cluster {i}", latitude=f"40.{i:03d}", longitude=f"49.{i:03d}")
    low = json.loads(body(client.get("/monuments/map/data.json?zoom=2")))
    assert sum(feat["properties"]["count"] for feat in low["features"]) == 22
    assert len(low["features"]) < 5
    high = json.loads(body(client.get("/monuments/map/data.json?zoom=18")))
    assert len(high["features"]) == 22
    single = next(feat for feat in high["features"] if feat["properties"].get("name") == "Govhar Agha Mosque")
    assert single["properties"]["url"] == "/monuments/govhar-agha-mosque/"
    assert single["geometry"]["coordinates"] == [46.75, 39.758]
    # The same filters and a bounding box narrow what is sent.
    filtered = json.loads(body(client.get("/monuments/map/data.json?zoom=18&type=bridge")))
    assert [feat["properties"]["name"] for feat in filtered["features"]] == ["Khudafarin Bridge"]
    boxed = json.loads(body(client.get("/monuments/map/data.json?zoom=18&bbox=46,39,47,40")))
    assert len(boxed["features"]) == 2
    settings.MAP_MAX_FEATURES = 5
    capped = json.loads(body(client.get("/monuments/map/data.json?zoom=18")))
    assert len(capped["features"]) == 5 and capped["meta"]["truncated"] is True


def test_map_data_costs_one_query(client, register, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/monuments/map/data.json?zoom=5&bbox=-180,-90,180,90")


def test_a_year_that_is_not_a_number_is_not_put_back_into_the_number_box(client, register):
    # <input type=number value="soon"> is invalid HTML; the box shows empty (as browsers do) beside the message.
    page = body(client.get("/monuments/?built_after=soon&built_before=1300"))
    assert 'name="built_after"' in page and 'value="soon"' not in page
    assert 'type="number" name="built_before" value="1300"' in page


def test_every_page_listing_monuments_attributes_their_condition(client):
    """A monument's current condition is never shown in the site's own voice: wherever a list of monuments appears
    (home, list, search, a meeting, a source, a country), the row says who reports it and when."""
    place = f.PlaceFactory(name="Shusha", country="AZ")
    monument = f.MonumentFactory(name="Govhar Agha Mosque", place=place)
    source = f.SourceFactory()
    f.ConditionAssessmentFactory(
        monument=monument,
        condition=Condition.DAMAGED,
        assessed_by="Heritage watch",
        observed_on=datetime.date(2022, 5, 1),
    )
    monument.sources.add(source)
    meeting = f.MeetingFactory()
    meeting.monuments.add(monument)
    pages = [
        "/",
        "/monuments/",
        "/search/?q=Govhar",
        meeting.get_absolute_url(),
        f"/sources/{source.pk}/",
        "/countries/AZ/",
    ]
    for url in pages:
        text = body(client.get(url))
        assert "Govhar Agha Mosque" in text, url
        assert "as reported by Heritage watch, 1 May 2022" in text, url
