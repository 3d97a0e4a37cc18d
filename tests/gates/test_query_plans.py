"""Every public page's queries are served by indexes: EXPLAIN shows no sequential scan of a large table."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from heritage.listing import CappedPaginator
from heritage.models import Place, Source
from meetings.models import Event, Meeting, Organization, Person, Topic
from monuments.models import Monument, MonumentQuerySet, MonumentType
from sitewide.sample import PREFIX, SAMPLE_SOURCE_TITLE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

# Tables that grow with the register; a sequential scan of any of them grows with it.
LARGE_TABLES = {
    "monuments_monument",
    "monuments_conditionassessment",
    "monuments_registration",
    "monuments_monument_sources",
    "meetings_meeting",
    "meetings_participant",
    "meetings_outcome",
    "meetings_meeting_topics",
    "meetings_meeting_monuments",
    "meetings_meeting_sources",
    "meetings_person",
    "meetings_organization",
    "heritage_place",
}
# Below this many rows the planner's choices say little about a million (people, organizations here).
MEASURABLE = 10_000
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


@pytest.fixture
def register(client):
    """A modest register (sample data, analysed) and the URL of every kind of public page."""
    call_command("generate_sample", monuments=30_000, meetings=15_000, i_know_this_is_not_production=True, verbosity=0)
    with connection.cursor() as cursor:
        for table in sorted(LARGE_TABLES):
            cursor.execute(f"ANALYZE {table}")
    monument = Monument.objects.published().filter(slug__startswith=PREFIX).select_related("place").first()
    meeting = Meeting.objects.published().filter(slug__startswith=PREFIX).first()
    place = Place.objects.filter(slug__startswith=PREFIX, kind="region").first()
    q = monument.place.name
    monument_filters = {
        "type": MonumentType.objects.first().slug,
        "condition": monument.current_condition,
        "country": monument.place.country.code,
    }
    return [
        "/",
        "/search/?" + urlencode({"q": q}),
        "/search/?" + urlencode({"q": "Ananmirx"}),  # nothing matches: the trigram fallback
        "/figures/",
        "/monuments/",
        "/monuments/?page=3",
        "/monuments/?" + urlencode({"q": q}),
        "/monuments/?" + urlencode({"q": q, **monument_filters}),
        "/monuments/?" + urlencode(monument_filters),
        "/monuments/?" + urlencode({"place": place.slug}),
        "/monuments/?significance=world",
        "/monuments/?registered=no",
        "/monuments/?built_after=1500&built_before=1600&sort=built",
        "/monuments/?sort=-updated",
        monument.get_absolute_url(),
        "/monuments/map/data.json?" + urlencode({"bbox": "10,40,12,42", "zoom": 8}),
        "/monuments/map/data.json?" + urlencode({"bbox": "10,40,12,42", "zoom": 8, "condition": "destroyed"}),
        "/monuments/export.csv?" + urlencode({"place": place.slug}),
        "/meetings/",
        "/meetings/?" + urlencode({"country": monument.place.country.code}),
        "/meetings/?" + urlencode({"date_from": "2010-01-01", "date_to": "2010-12-31", "sort": "date"}),
        "/meetings/?" + urlencode({"topic": Topic.objects.filter(slug__startswith=PREFIX).first().slug}),
        "/meetings/?" + urlencode({"person": Person.objects.filter(slug__startswith=PREFIX).first().slug}),
        "/meetings/?q=meets",
        meeting.get_absolute_url(),
        "/meetings/export.csv?" + urlencode({"event": Event.objects.filter(slug__startswith=PREFIX).first().slug}),
        Event.objects.filter(slug__startswith=PREFIX).first().get_absolute_url(),
        reverse("meetings:person_detail", args=[Person.objects.filter(slug__startswith=PREFIX).first().slug]),
        Organization.objects.filter(slug__startswith=PREFIX).first().get_absolute_url(),
        reverse("meetings:topic_detail", args=[Topic.objects.filter(slug__startswith=PREFIX).first().slug]),
        reverse("heritage:country_detail", args=[monument.place.country.code]),
        Source.objects.get(title=SAMPLE_SOURCE_TITLE).get_absolute_url(),
        "/feeds/meetings/",
    ]


def table_sizes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [sorted(LARGE_TABLES)])
        return {name: int(rows) for name, rows in cursor.fetchall()}


def full_scans(sql, sizes):
    """The large tables this query reads (almost) in full, from the plan as executed (EXPLAIN ANALYZE).

    A scan reads the rows it returns plus those its filter throws away. Reading more than half a table is
    what a million rows would turn into seconds. A sequential
    scan is reported whatever it reads: sequential scans are priced out, so the planner found no index.
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        root = cursor.fetchone()[0]
    root = json.loads(root) if isinstance(root, str) else root
    found = set()

    def walk(node):
        table, kind = node.get("Relation Name"), node["Node Type"]
        if table in LARGE_TABLES and kind in SCANS:
            loops = node.get("Actual Loops", 1)
            removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
            read = (node.get("Actual Rows", 0) + removed) * loops
            size = sizes.get(table, 0)
            if kind == "Seq Scan" or (size >= MEASURABLE and read > size // 2):
                found.add(f"{kind} on {table} ({read:,} rows read)")
        for child in node.get("Plans", []):
            walk(child)

    walk(root[0]["Plan"])
    return found


def test_no_public_page_scans_a_large_table(client, register, monkeypatch):
    """At this size the planner would rightly scan some tables or hash-join them anyway, so sequential scans
    and hash and merge joins are priced out: that asks the question that matters at a million rows, whether
    an index serves this query (index probes in nested loops, as a large table gets). Register-wide counts
    (home, /figures/) are kept until the register changes; the second request of each page is the one examined.
    """
    # The capped count reads up to cap / selectivity rows by design; a smaller cap keeps that well below the
    # "half a table" this data set can tell from a full read.
    monkeypatch.setattr(CappedPaginator, "cap", 1000)
    cache.clear()
    sizes = table_sizes()
    failures = []
    for url in register:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        with connection.cursor() as cursor:
            for method in ("seqscan", "hashjoin", "mergejoin"):
                cursor.execute(f"SET LOCAL enable_{method} = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if scanned := full_scans(sql, sizes):
                failures.append(f"{url}: {', '.join(sorted(scanned))}\n    {sql}")
        with connection.cursor() as cursor:
            for method in ("seqscan", "hashjoin", "mergejoin"):
                cursor.execute(f"SET LOCAL enable_{method} = on")
    assert not failures, "Large tables read in full:\n" + "\n".join(failures)


def test_staff_changelists_read_a_page_not_the_table(admin_client, register, monkeypatch):
    """The plain changelists' default order is an index: the first page (or page 200) reads a page of rows,
    not the whole table sorted (what that costs at a million: bench/RESULTS.md)."""
    sizes = table_sizes()
    urls = [
        "/admin/monuments/monument/",
        "/admin/monuments/monument/?p=50",
        "/admin/monuments/conditionassessment/",
    ]
    failures = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200, url
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT") and (scanned := full_scans(sql, sizes)):
                failures.append(f"{url}: {', '.join(sorted(scanned))}\n    {sql}")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")
    assert not failures, "Large tables read in full:\n" + "\n".join(failures)


def test_a_deep_list_page_reads_its_keys_in_index_order(client, register):
    """Page 200 of the monument list (every order the list offers) finds its 50 keys by walking an index that
    holds the whole order, ties included: no sort of the 10,000 rows before them (it read them all from the
    table: bench/RESULTS.md)."""
    failures = []
    for sort in ["", "&sort=-updated", "&sort=built"]:
        url = f"/monuments/?page=200{sort}"
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        page_query = next(q["sql"] for q in captured.captured_queries if "OFFSET 9950" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + page_query)
            root = cursor.fetchone()[0]
        root = json.loads(root) if isinstance(root, str) else root

        def walk(node, url=url):
            if "Sort" in node["Node Type"] and node.get("Actual Rows", 0) > CappedPaginator.cap // 100:
                failures.append(f"{url}: {node['Node Type']} of {node['Actual Rows']:,} rows")
            for child in node.get("Plans", []):
                walk(child)

        walk(root[0]["Plan"])
    assert not failures, failures


# What readers pick most: one broad filter, a pair, with and without q, in every order, and a deep page.
BROAD_FILTERS = [
    {"condition": "destroyed"},
    {"condition": "intact"},
    {"type": "mosque"},
    {"country": "AZ"},
    {"significance": "world"},
    {"registered": "yes"},
    {"registered": "no"},
    {"built_after": "1500", "built_before": "1900"},
    {"condition": "destroyed", "type": "mosque"},
    {"condition": "destroyed", "country": "AZ"},
    {"type": "mosque", "significance": "national"},
    {"type": "mosque", "q": "mosque"},
    {"condition": "destroyed", "q": "mosque"},
    {"condition": "destroyed", "sort": "-updated"},
    {"condition": "destroyed", "sort": "built"},
    {"type": "mosque", "sort": "-updated"},
    {"condition": "destroyed", "page": "20"},
    {"type": "mosque", "page": "20"},
]


def plan_of(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        root = cursor.fetchone()[0]
    return (json.loads(root) if isinstance(root, str) else root)[0]["Plan"]


def test_a_broad_filter_computes_the_page_not_every_match(client, register):
    """A list page with a broad filter (thousands of matches here, a hundred thousand at a million) sorts no
    more than a page of rows and runs the condition's provenance sub-queries once per row shown, never per
    match: the page's keys come from an index in the list's order, and only those rows are then loaded.
    (Before: SELECT DISTINCT over every match, the wide rows sorted, three sub-queries per match.) A search
    with at most RANK_LIMIT matches is ranked, which sorts those matches' keys by design; never more."""
    per_page = 50
    failures = []
    for params in BROAD_FILTERS:
        url = "/monuments/?" + urlencode(params)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.context["object_list"]) == per_page, url  # broad: a full page
        page_queries = [q["sql"] for q in captured.captured_queries if '"condition_observed_on"' in q["sql"]]
        assert len(page_queries) == 1, url

        most_sorted = MonumentQuerySet.RANK_LIMIT if "q" in params else 2 * per_page

        def walk(node, url=url, most_sorted=most_sorted):
            if node["Node Type"] == "Sort":
                sorted_rows = sum(child.get("Actual Rows", 0) * child.get("Actual Loops", 1) for child in node["Plans"])
                if sorted_rows > most_sorted:
                    failures.append(f"{url}: sorts {sorted_rows:,} rows")
            if node.get("Parent Relationship") == "SubPlan" and node.get("Actual Loops", 1) > per_page:
                failures.append(f"{url}: a sub-query runs {node['Actual Loops']:,} times")
            for child in node.get("Plans", []):
                walk(child)

        walk(plan_of(page_queries[0]))
    assert not failures, "\n".join(failures)


def test_the_multiple_choice_filters_do_not_make_the_list_distinct(client, register):
    """Type and condition compare the monument's own columns: no join can repeat a row, so no DISTINCT (it
    made PostgreSQL sort every match, search vectors included, before taking 50)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/monuments/?condition=destroyed&condition=intact&type=mosque").status_code == 200
    # The list's own queries; the facet counts (heritage.facets) count distinct monuments per choice, by design.
    monument_queries = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "monuments_monument"' in q["sql"] and "COUNT(DISTINCT" not in q["sql"]
    ]
    assert monument_queries
    assert not [sql for sql in monument_queries if "DISTINCT" in sql]
