"""What readers do, as benchmark tasks: every single value of every monument filter, the common pairs, each
order and deep pages with a broad filter, the filtered map at three zooms, the meeting list's single filters.

``reader_tasks()`` gives ``(group, label, params, path)``; ``measure_groups`` times each in-process and reports
the worst of each group; ``side_by_side`` asks gunicorn and Datasette for the same tasks, interleaved.
"""

import statistics
import time
from http.client import HTTPConnection
from urllib.parse import urlencode

LIST_TARGET_MEDIAN_MS, LIST_TARGET_P95_MS, MAP_TARGET_MEDIAN_MS = 50, 150, 50


def _values(terms):
    from django.db.models import Count

    from meetings.models import Event, Person, Topic
    from monuments.models import Condition, Monument, MonumentType, Significance

    published = Monument.objects.published()
    countries = list(
        published.exclude(place=None)
        .values_list("place__country")
        .annotate(n=Count("id"))
        .order_by("-n", "place__country")
    )
    return {
        "conditions": [value for value, _label in Condition.choices],
        "types": list(MonumentType.objects.in_use().values_list("slug", flat=True)),
        "countries": [countries[0][0], countries[-1][0]] if countries else [],
        "significances": [value for value, _label in Significance.choices],
        "word": terms["q"].split()[-1],
        "event": Event.objects.published().values_list("slug", flat=True).first(),
        "person": Person.objects.published().values_list("slug", flat=True).first(),
        "topic": Topic.objects.values_list("slug", flat=True).first(),
        "meeting_country": terms["country"],
    }


def reader_tasks(terms):
    """``(group, label, params, path)`` for every task; ``params`` are the monument list's (``None`` elsewhere)."""
    v = _values(terms)
    broad = {"condition": "destroyed"}
    wide_type = v["types"][0] if v["types"] else ""
    singles = (
        [("condition", c) for c in v["conditions"]]
        + [("type", t) for t in v["types"]]
        + [("country", c) for c in v["countries"]]
        + [("significance", s) for s in v["significances"]]
        + [("registered", "yes"), ("registered", "no")]
    )
    tasks = []

    def monuments(group, params):
        tasks.append((group, urlencode(params), params, "/monuments/?" + urlencode(params)))

    for name, value in singles:
        monuments("single filter", {name: value})
    monuments("single filter", {"built_after": "1500", "built_before": "1599"})
    for name, value in singles[:: max(1, len(singles) // 6)]:
        monuments("single filter + q", {name: value, "q": v["word"]})
    country = v["countries"][0] if v["countries"] else "AZ"
    pairs = [
        {"condition": "destroyed", "type": wide_type},
        {"condition": "destroyed", "country": country},
        {"type": wide_type, "country": country},
        {"condition": "destroyed", "significance": "national"},
        {"type": wide_type, "registered": "yes"},
        {"condition": "damaged", "built_after": "1500", "built_before": "1599"},
    ]
    for pair in pairs:
        monuments("pair", pair)
    for pair in pairs[:3]:
        monuments("pair + q", {**pair, "q": v["word"]})
    for sort in ["name", "-updated", "built"]:
        monuments("order with a broad filter", {**broad, "sort": sort})
        monuments("order with a broad filter", {"type": wide_type, "sort": sort})
    for sort in ["", "-updated", "built"]:
        for filters in (broad, {"type": wide_type}, {"country": country}):
            monuments("deep page with a broad filter", {**filters, **({"sort": sort} if sort else {}), "page": "200"})
    for zoom, bbox in ((2, "-180,-90,180,90"), (6, "40,30,50,45"), (10, "45,40,45.7,40.5")):
        for filters in (broad, {"type": wide_type}, {"country": country}):
            query = urlencode({**filters, "zoom": zoom, "bbox": bbox})
            tasks.append(
                ("filtered map", f"zoom {zoom}, {urlencode(filters)}", None, "/monuments/map/data.json?" + query)
            )
    meeting_filters = [
        {"country": v["meeting_country"]},
        {"date_from": "2010-01-01", "date_to": "2010-12-31"},
        {"event": v["event"]},
        {"person": v["person"]},
        {"topic": v["topic"]},
        {"q": "meets"},
        {"sort": "date"},
    ]
    for filters in meeting_filters:
        if all(filters.values()):
            tasks.append(("meeting list, single filter", urlencode(filters), None, "/meetings/?" + urlencode(filters)))
    return tasks


def measure_groups(tasks, repeat, timed_get):
    """Each task timed in-process; per group its worst median and p95 and whether the query count was constant."""
    rows = []
    for group, label, _params, path in tasks:
        row = timed_get(path, repeat)
        rows.append({**row, "group": group, "label": label, "url": path})
    groups = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    summary = []
    for group, members in groups.items():
        ok = [r for r in members if r["median"] is not None]
        worst = max(ok, key=lambda r: r["median"]) if ok else members[0]
        worst_p95 = max(ok, key=lambda r: r["p95"]) if ok else members[0]
        queries = sorted({r["queries"] for r in ok})
        target = MAP_TARGET_MEDIAN_MS if group == "filtered map" else LIST_TARGET_MEDIAN_MS
        summary.append({
            "group": group, "tasks": len(members), "failed": len(members) - len(ok),
            "worst": worst, "worst_p95": worst_p95, "queries": queries,
            "target": target, "met": bool(ok) and len(ok) == len(members) and worst["median"] <= target
            and (group == "filtered map" or worst_p95["p95"] <= LIST_TARGET_P95_MS),
        })  # fmt: skip
    return rows, summary


def _http_ms(connection, path):
    start = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return (time.perf_counter() - start) * 1000, response.status


def side_by_side(tasks, ours_port, peer_port, database, repeat):
    """The same tasks over HTTP, ours through gunicorn and Datasette's, one request of each in turn."""
    from bench.peer import peer_url

    ours, peer = HTTPConnection("127.0.0.1", ours_port, timeout=60), HTTPConnection("127.0.0.1", peer_port, timeout=60)
    results = []
    for group, label, params, path in tasks:
        theirs = peer_url(database, params) if params is not None else None
        if params is not None and theirs is None and "page" not in params:
            continue
        ours_times, peer_times, status = [], [], {}
        for i in range(repeat + 1):
            ms, code = _http_ms(ours, path)
            status["ours"] = code if status.get("ours", 200) == 200 else status["ours"]  # the first refusal stays
            if i:
                ours_times.append(ms)
            if theirs:
                ms, status["peer"] = _http_ms(peer, theirs)
                if i:
                    peer_times.append(ms)
        # A page refused or failed even once is no time to compare (a 429 answers faster than any page).
        ours_ms = statistics.median(ours_times) if status["ours"] == 200 else None
        peer_ms = statistics.median(peer_times) if peer_times else None
        results.append({
            "group": group, "label": label, "ours_url": path, "peer_url": theirs, "ours": ours_ms, "peer": peer_ms,
            "ratio": ours_ms / peer_ms if ours_ms and peer_ms else None, "status": status,
        })  # fmt: skip
    return results
