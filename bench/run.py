"""The benchmark: build the sample data set in PostgreSQL, measure every public page, write bench/RESULTS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heritage_bench .venv/bin/python bench/run.py \
        --monuments 1000000 --meetings 250000

See bench/README.md. Measures in-process with Django's test client (server time, no network) and, unless
``--no-load``, requests per second through gunicorn at 32 concurrent connections.
"""

import argparse
import contextlib
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# In-process times are the cost of drawing each page: the public page cache (heritage.pagecache) is off here and
# measured through gunicorn below, with and without it.
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")


def setup_django():
    import django

    django.setup()


def timed_get(client, url, repeat):
    """Median and p95 milliseconds and the SQL query count of ``url``; ``None`` times when it is missing."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, None
    for i in range(repeat):
        # DEBUG keeps the last 9,000 queries only: once full, the captured count reads 0 (the run of 4 December).
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            elapsed = (time.perf_counter() - start) * 1000
        status = response.status_code
        if status != 200:
            break
        if i:  # the first request warms caches
            times.append(elapsed)
        queries = len(captured)
    return summarize(url, times, queries, status)


def summarize(label, times, queries, status):
    if status != 200 or not times:
        return {"label": label, "status": status, "median": None, "p95": None, "queries": None}
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"label": label, "status": 200, "median": statistics.median(times), "p95": p95, "queries": queries}


def sample_terms():
    """A two-word query a reader might type, a filter combination and slugs, taken from the data."""
    from monuments.models import Monument

    monument = Monument.objects.published().filter(slug__startswith="sample-").select_related("place").first()
    if monument is None:
        monument = Monument.objects.published().select_related("place").first()
    from meetings.models import Meeting

    meeting = Meeting.objects.published().order_by("-pk").first()
    place_word = monument.place.name.split()[0] if monument and monument.place_id else "bridge"
    return {
        "q": f"{place_word} {monument.monument_type.name.split()[0].lower()}" if monument else "bridge",
        "type": monument.monument_type.slug if monument else "",
        "condition": monument.current_condition if monument else "",
        "country": monument.place.country.code if monument and monument.place_id else "",
        "monument": monument.slug if monument else "missing",
        "meeting": meeting.slug if meeting else "missing",
    }


def measure_pages(repeat):
    from django.test import Client

    from bench.scale import scale_urls

    t = sample_terms()
    q = urlencode({"q": t["q"]})
    filtered = urlencode({"q": t["q"], "type": t["type"], "condition": t["condition"], "country": t["country"]})
    urls = [
        ("home", "/"),
        ("monument list", "/monuments/"),
        ("monument list, q", f"/monuments/?{q}"),
        ("monument list, q + 3 filters", f"/monuments/?{filtered}"),
        ("monument list, page 200 (the deepest)", "/monuments/?page=200"),
        ("monument detail", f"/monuments/{t['monument']}/"),
        (
            "meeting list, filters",
            "/meetings/?" + urlencode({"country": t["country"], "date_from": "2005-01-01", "date_to": "2015-12-31"}),
        ),
        ("meeting detail", f"/meetings/{t['meeting']}/"),
        ("search", f"/search/?{q}"),
        ("map data", "/monuments/map/data.json?" + urlencode({"bbox": "40,30,50,45", "zoom": 6})),
        ("map data, whole world", "/monuments/map/data.json?" + urlencode({"bbox": "-180,-90,180,90", "zoom": 2})),
        *scale_urls(t),
    ]
    client = Client()
    rows = []
    for label, url in urls:
        row = timed_get(client, url, repeat)
        row["label"], row["url"] = label, url
        rows.append(row)
    return t, rows


def measure_admin_pages(terms, repeat):
    """Staff changelists at scale: list, search and filters, as a superuser (created for the benchmark)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    q = urlencode({"q": terms["q"]})
    urls = [
        ("admin monuments", "/admin/monuments/monument/"),
        ("admin monuments, search", f"/admin/monuments/monument/?{q}"),
        ("admin monuments, 2 filters", "/admin/monuments/monument/?current_condition__exact=destroyed&status__exact=draft"),  # noqa: E501
        ("admin monuments, page 200", "/admin/monuments/monument/?p=200"),
        ("admin meetings", "/admin/meetings/meeting/"),
        ("admin meetings, search", f"/admin/meetings/meeting/?{q}"),
        ("admin assessments", "/admin/monuments/conditionassessment/"),
        ("admin monument autocomplete", "/admin/autocomplete/?" + urlencode(
            {"term": terms["q"].split()[0], "app_label": "monuments", "model_name": "registration",
             "field_name": "monument"})),
    ]  # fmt: skip
    rows = []
    for label, url in urls:
        row = timed_get(client, url, repeat)
        row["label"], row["url"] = label, url
        rows.append(row)
    return rows


def measure_export(limit=100_000):
    """Time and peak Python memory of streaming the CSV export (the first ``limit`` rows).

    Two passes: the time without tracemalloc (which hooks every allocation and slows Python code down about
    twice over), then the peak memory under it.
    """
    from django.test import Client

    def stream(trace):
        response = Client().get("/monuments/export.csv")
        if response.status_code != 200:
            return response.status_code, 0, 0.0, 0
        if trace:
            tracemalloc.start()
        start, rows = time.perf_counter(), 0
        content = response.streaming_content if getattr(response, "streaming", False) else [response.content]
        for chunk in content:
            rows += chunk.count(b"\n")
            if rows >= limit:
                break
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        return 200, rows, elapsed, peak  # the response, dropped here, closes the export

    status, rows, elapsed, _peak = stream(trace=False)
    if status != 200:
        return {"label": "CSV export", "status": status}
    _status, _rows, _elapsed, peak = stream(trace=True)
    return {"label": "CSV export", "status": 200, "rows": rows, "seconds": elapsed, "peak_mb": peak / 2**20}


def measure_admin_baseline(query, repeat):
    """The same search as Django's admin does it (``search_fields``, icontains), against ``search()``."""
    from django.contrib import admin
    from django.test import RequestFactory

    from monuments.admin import MonumentAdmin
    from monuments.models import Monument

    model_admin = MonumentAdmin(Monument, admin.site)
    request = RequestFactory().get("/")

    def stock():
        qs, _ = admin.ModelAdmin.get_search_results(model_admin, request, Monument.objects.published(), query)
        list(qs.order_by("name")[:100])
        return qs.count()

    def ours():
        qs = Monument.objects.published().search(query)
        list(qs[:100])
        return qs.order_by()[:10_001].count()

    result = {}
    for name, fn in (("admin search_fields", stock), ("search()", ours)):
        times = []
        for i in range(repeat):
            start = time.perf_counter()
            fn()
            if i:
                times.append((time.perf_counter() - start) * 1000)
        result[name] = summarize(name, times, None, 200)
    return result


def record_paths(count=1000):
    """``count`` published monument records' paths in random order: a load that walks many records, as readers
    do, instead of asking for one page again and again (which the page cache answers every time)."""
    from monuments.models import Monument

    slugs = Monument.objects.published().order_by("?").values_list("slug", flat=True)[:count]
    return [f"/monuments/{slug}/" for slug in slugs]


@contextlib.contextmanager
def gunicorn_server(port=8104, page_cache_seconds=0):
    """gunicorn with the production configuration (``gunicorn.conf.py``: threaded workers, one per CPU,
    keepalive; ``DEBUG`` off) on ``port``, the public page cache's lifetime ``page_cache_seconds`` (0: off) in a
    fresh file cache of its own; yields once it answers."""
    cache_dir = ROOT / "bench" / "out" / "page-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "k" * 40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        # Plain HTTP on the loopback: without this every request is a redirect to https://.
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
        # The benchmark measures drawing pages, not the per-client limiter (600 a minute in production): with it
        # on, a load from one address is mostly 429s (the run of 4 December counted them as errors).
        "RATE_LIMIT_REQUESTS": "0",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "PAGE_CACHE_DIR": str(cache_dir),
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    env.update({"BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"})
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT, env=env)
    try:
        for _ in range(50):
            try:
                HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(10)


def load_test(targets, seconds=10, concurrency=32, port=8104, page_cache_seconds=0):
    """Requests per second and errors through gunicorn (``gunicorn.conf.py``) at ``concurrency`` connections.

    ``targets``: paths, each asked for over and over, or ``(label, paths)`` pairs, whose paths are walked in
    turn (``bench/load.lua``). ``page_cache_seconds``: the public page cache's lifetime (0: off), in a fresh file
    cache of its own, so a walk over many records mostly misses it on its first pass.
    """
    with gunicorn_server(port, page_cache_seconds):
        cache = f"page cache {page_cache_seconds} s" if page_cache_seconds else "page cache off"
        results = []
        for target in targets:
            label, paths = target if isinstance(target, tuple) else (None, [target])
            row = run_load(paths, seconds, concurrency, port)
            results.append({**row, "cache": cache, **({"label": label} if label else {})})
        return results


def run_load(paths, seconds, concurrency, port):
    """``wrk`` when installed (a C load generator, 2 threads); otherwise Python threads, which on a 2-core
    machine take CPU from the server and so measure less than it serves. One path is asked for again and again;
    several are walked in turn, each thread from its own offset (``bench/load.lua``)."""
    path = paths[0] if len(paths) == 1 else f"{len(paths):,} paths"
    if shutil.which("wrk"):
        command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s"]
        env = dict(os.environ)
        if len(paths) > 1:
            paths_file = ROOT / "bench" / "out" / "load-paths.txt"
            paths_file.parent.mkdir(parents=True, exist_ok=True)
            paths_file.write_text("\n".join(paths) + "\n")
            command += ["--script", str(ROOT / "bench" / "load.lua")]
            env["PATHS_FILE"] = str(paths_file)
        result = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{paths[0] if len(paths) == 1 else ''}"],
            capture_output=True,
            text=True,
            env=env,
        )
        rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
        socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", result.stdout)
        return {
            "path": path,
            "rps": float(rps.group(1)) if rps else 0.0,
            "errors": (int(errors.group(1)) if errors else 0) + (sum(map(int, socket.groups())) if socket else 0),
            "tool": "wrk",
        }
    done, errors, stop = [0], [0], time.monotonic() + seconds
    lock = threading.Lock()
    turn = itertools.count()

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", paths[next(turn) % len(paths)])
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                done[0] += ok
                errors[0] += not ok

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"path": path, "rps": done[0] / seconds, "errors": errors[0], "tool": "python threads"}


def measure_copy(limit=100_000):
    """Seconds for PostgreSQL to ``COPY`` out the export's columns for ``limit`` published monuments in the list's
    order (every column of the CSV export: the latest public assessment's provenance, the first registration, the
    identifiers and the public risk listings joined as the export joins them, the names in each language), read
    through psycopg2 as our export reads its rows: the floor an export in Python can approach."""
    from django.db import connection

    sql = f"""
        COPY (
            SELECT m.slug, 'https://example.org/monuments/' || m.slug || '/', m.name, m.alternative_names, t.name,
                   m.religious_affiliation, p.name, p.country,
                   CASE WHEN m.location_sensitive THEN round(m.latitude, 1) ELSE m.latitude END,
                   CASE WHEN m.location_sensitive THEN round(m.longitude, 1) ELSE m.longitude END,
                   m.location_sensitive, m.built_from_year, m.built_to_year, m.built_approximate,
                   m.current_condition,
                   a.observed_on, a.observed_precision, a.assessed_by, a.evidence_kind, s.title, s.url,
                   r.id IS NOT NULL, r.registry, r.number, r.significance, m.updated_at,
                   (SELECT string_agg(sc.code || ':' || i.value, '; ' ORDER BY sc.code, i.value)
                    FROM monuments_monumentidentifier i JOIN heritage_identifierscheme sc ON sc.id = i.scheme_id
                    WHERE i.monument_id = m.id),
                   (SELECT string_agg(l.slug || ':' || coalesce(k.listed_from::text, '') || '/'
                                      || coalesce(k.listed_until::text, ''), '; ' ORDER BY k.listed_from, k.id)
                    FROM monuments_risklisting k JOIN monuments_risklist l ON l.id = k.risk_list_id
                    WHERE k.monument_id = m.id AND k.review_status = 'approved'),
                   m.name_az, m.name_en, m.name_ru, m.name_es, m.name_language, t.name_language, p.name_language
            FROM monuments_monument m
            JOIN monuments_monumenttype t ON t.id = m.monument_type_id
            LEFT JOIN heritage_place p ON p.id = m.place_id
            LEFT JOIN LATERAL (
                SELECT * FROM monuments_conditionassessment c WHERE c.monument_id = m.id
                AND c.review_status = 'approved' ORDER BY c.observed_on DESC, c.id DESC LIMIT 1
            ) a ON true
            LEFT JOIN heritage_source s ON s.id = a.source_id
            LEFT JOIN LATERAL (
                SELECT * FROM monuments_registration g WHERE g.monument_id = m.id ORDER BY g.registry, g.number LIMIT 1
            ) r ON true
            WHERE m.status = 'published'
            ORDER BY m.name, m.id LIMIT {int(limit)}
        ) TO STDOUT WITH CSV HEADER"""

    class Sink:
        size = 0

        def write(self, data):
            self.size += len(data)

    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.cursor.copy_expert(sql, Sink())
        return time.perf_counter() - start


def measure_readers(terms, repeat):
    """bench/readers.py's tasks in-process: every row, and the worst of each group."""
    from django.test import Client

    from bench.readers import measure_groups, reader_tasks

    client = Client()
    tasks = reader_tasks(terms)
    rows, summary = measure_groups(tasks, repeat, lambda path, n: timed_get(client, path, n))
    return tasks, rows, summary


def measure_peer(tasks, terms, repeat, load_seconds=10):
    """The same tasks through gunicorn and through Datasette on an SQLite copy of the same published rows, one
    request of each in turn; then a record page and the throughput on 1,000 records of each."""
    from bench import peer
    from bench.readers import side_by_side
    from monuments.models import Monument

    path = ROOT / "bench" / "out" / "peer.db"
    start = time.perf_counter()
    rows = peer.build(path)
    built = time.perf_counter() - start
    ours_port, peer_port = 8104, 8105
    records = list(Monument.objects.published().order_by("?").values_list("pk", "slug")[:1000])
    record_tasks = [("record page", slug, None, f"/monuments/{slug}/") for _pk, slug in records[:1]]
    server = peer.serve(path, peer_port)
    try:
        with gunicorn_server(ours_port):
            results = side_by_side(tasks, ours_port, peer_port, "peer", repeat)
            pk, slug = records[0]
            record = side_by_side(record_tasks, ours_port, peer_port, "peer", repeat * 3)[0]
            record["peer_url"] = f"/peer/monuments/{pk}"
            from bench.readers import _http_ms

            times_peer = []
            conn = HTTPConnection("127.0.0.1", peer_port, timeout=60)
            for i in range(repeat * 3 + 1):
                ms, _status = _http_ms(conn, record["peer_url"])
                if i:
                    times_peer.append(ms)
            record["peer"] = statistics.median(times_peer)
            record["ratio"] = record["ours"] / record["peer"] if record["ours"] else None
            results.append(record)
            ours_load = run_load([f"/monuments/{s}/" for _p, s in records], load_seconds, 32, ours_port)
        peer_load = run_load([f"/peer/monuments/{p}" for p, _s in records], load_seconds, 32, peer_port)
    finally:
        server.terminate()
        server.wait(10)
    return {"rows": rows, "build_seconds": built, "tasks": results, "load": (ours_load, peer_load)}


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line), "?")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} × {cpu}, {int(mem) // 2**20} GB RAM, {system}, PostgreSQL {pg}"


LIST_MEDIAN, LIST_P95, MAP_MEDIAN = 50, 150, 50


def fmt(value, unit=""):
    return "—" if value is None else f"{value:,.1f}{unit}"


def report(args, build, pages, export, baseline, load, readers=None, peer_results=None, copy_seconds=None, extra=None):
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.  ",
        f"Data: {args.monuments:,} sample monuments, {args.meetings:,} sample meetings; "
        f"{args.repeat} requests per page (the first, warming, not counted). "
        "Server time in-process (Django test client), no network.",
        "",
    ]
    if build:
        lines += [
            f"generate_sample: {build['monuments_per_second']:,.0f} monuments/s including the index builds "
            f"({build.get('monuments_loaded_per_second', 0):,.0f}/s writing the rows), "
            f"{build['meetings_per_second']:,.0f} meetings/s"
            + (f"; {build['seconds'] / 60:,.1f} minutes in all." if build.get("seconds") else "."),
            "",
        ]
    lines += ["| page | median ms | p95 ms | SQL queries | status |", "| --- | ---: | ---: | ---: | --- |"]
    for row in pages:
        status = "ok" if row["status"] == 200 else f"missing ({row['status']})"
        lines.append(
            f"| {row['label']} `{row['url']}` | {fmt(row['median'])} | {fmt(row['p95'])} | "
            f"{row['queries'] if row['queries'] is not None else '—'} | {status} |"
        )
    lines.append("")
    if export.get("status") == 200:
        lines.append(
            f"CSV export: {export['rows']:,} rows in {export['seconds']:.2f} s; peak Python memory (a second pass, "
            "under tracemalloc) "
            f"{export['peak_mb']:.1f} MB."
        )
    else:
        lines.append(f"CSV export: missing ({export.get('status')}).")
    stock, ours = baseline["admin search_fields"], baseline["search()"]
    ratio = stock["median"] / ours["median"] if ours["median"] else None
    lines += [
        "",
        "Search for the same words, first 100 rows and the count a pager needs:",
        "",
        "| how | median ms | p95 ms |",
        "| --- | ---: | ---: |",
        f"| Django admin `search_fields` (icontains) | {fmt(stock['median'])} | {fmt(stock['p95'])} |",
        f"| `Monument.objects.search()` | {fmt(ours['median'])} | {fmt(ours['p95'])} |",
        "",
        f"Ratio: full-text search is {fmt(ratio)}× faster.",
        "",
    ]
    if readers:
        _tasks, rows, summary = readers
        lines += [
            "What readers do (bench/readers.py): the worst task of each group, in-process. Targets: a list page "
            f"median ≤ {LIST_MEDIAN} ms and p95 ≤ {LIST_P95} ms, the filtered map median ≤ {MAP_MEDIAN} ms.",
            "",
            "| group | tasks | worst median ms (task) | worst p95 ms (task) | SQL queries | target met |",
            "| --- | ---: | --- | --- | --- | --- |",
        ]
        for g in summary:
            worst, worst_p95 = g["worst"], g["worst_p95"]
            queries = ", ".join(map(str, g["queries"])) or "—"
            failed = f", {g['failed']} failed" if g["failed"] else ""
            lines.append(
                f"| {g['group']} | {g['tasks']}{failed} | {fmt(worst['median'])} (`{worst['label']}`) | "
                f"{fmt(worst_p95['p95'])} (`{worst_p95['label']}`) | {queries} | {'yes' if g['met'] else 'no'} |"
            )
        lines += ["", "<details><summary>Every task</summary>", ""]
        lines += ["| group | task | median ms | p95 ms | SQL queries |", "| --- | --- | ---: | ---: | ---: |"]
        for r in rows:
            lines.append(f"| {r['group']} | `{r['url']}` | {fmt(r['median'])} | {fmt(r['p95'])} | {r['queries']} |")
        lines += ["", "</details>", ""]
    if peer_results:
        ours_load, peer_load = peer_results["load"]
        lines += [
            f"Side by side with Datasette 0.65.5 (`--immutable`, an SQLite copy of the same "
            f"{peer_results['rows']:,} published monuments built from PostgreSQL in "
            f"{peer_results['build_seconds']:.0f} s, "
            "an index per filter column and FTS5 on the names), both over HTTP on the loopback, ours through "
            "gunicorn in production mode, one request of each in turn; ratio = ours / Datasette's (below 1: faster).",
            "",
            "| group | task | heritage median ms | Datasette median ms | ratio |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for r in peer_results["tasks"]:
            ratio = f"{r['ratio']:.2f}×" if r["ratio"] else "—"
            lines.append(f"| {r['group']} | `{r['label']}` | {fmt(r['ours'])} | {fmt(r['peer'])} | {ratio} |")
        lines += [
            "",
            f"Record pages, 1,000 records walked at 32 connections, page cache off: heritage {ours_load['rps']:,.0f} "
            f"req/s ({ours_load['errors']} errors), Datasette {peer_load['rps']:,.0f} req/s ({peer_load['errors']} "
            f"errors): {ours_load['rps'] / peer_load['rps'] if peer_load['rps'] else 0:.2f}× its throughput.",
            "",
        ]
    if copy_seconds and export.get("status") == 200:
        lines += [
            f"CSV export against PostgreSQL `COPY` of the same columns for 100,000 rows: {export['seconds']:.2f} s "
            f"against {copy_seconds:.2f} s, {export['seconds'] / copy_seconds:.2f}×.",
            "",
        ]
    lines += scale_report(extra or {})
    if load:
        lines += [
            "gunicorn, 32 concurrent connections:",
            "",
            "| path | requests/s | errors | load generator |",
            "| --- | ---: | ---: | --- |",
        ]
        for r in load:
            how = ", ".join(filter(None, [r.get("tool"), r.get("cache")]))
            what = f"{r['label']} ({r['path']})" if r.get("label") else f"`{r['path']}`"
            lines.append(f"| {what} | {r['rps']:,.0f} | {r['errors']} | {how} |")
        lines.append("")
    return "\n".join(lines)


def scale_report(extra):
    """The API walk, the imports and the storage (bench/scale.py) as report lines."""
    lines = []
    walk = extra.get("walk")
    if walk and walk.get("status") == 200:
        lines += [
            f"API walk by cursor (`/api/v1/monuments/`, pages of the largest limit): {walk['records']:,} records in "
            f"{walk['pages']:,} pages, {walk['seconds']:.1f} s, **{walk['per_second']:,.0f} records/s**; the "
            f"process's peak memory grew {walk['peak_grew_mb']:.1f} MB"
            + ("" if walk["complete"] else f" (stopped at {walk['records']:,}, not the end)")
            + ".",
            "",
        ]
    for row in extra.get("imports") or []:
        lines.append(
            f"Import ({row['label']} file, {row['rows']:,} new rows, `import_monuments`): {row['seconds']:.1f} s, "
            f"**{row['per_second']:,.0f} rows/s**; CPU: import {row['cpu_import']:.1f} s, "
            f"PostgreSQL {row['cpu_database']:.1f} s.  "
        )
    store = extra.get("storage")
    if store:
        lines += [
            "",
            f"Database size: {store['database_bytes'] / 2**30:,.2f} GB. Largest tables:",
            "",
            "| table | rows (estimate) | table GB | indexes | index GB |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for t in store["tables"]:
            lines.append(
                f"| {t['table']} | {t['rows']:,} | {t['table_bytes'] / 2**30:.2f} | {t['indexes']} | "
                f"{t['index_bytes'] / 2**30:.2f} |"
            )
        lines.append("")
    return lines


def write_json(path, args, build, pages, export, readers, peer_results, copy_seconds, extra, load):
    """Every figure of the run, for bench/growth.py (runs at several sizes side by side)."""
    _tasks, rows, summary = readers
    data = {
        "monuments": args.monuments, "meetings": args.meetings, "repeat": args.repeat, "machine": machine(),
        "load_average": os.getloadavg(), "build": build, "pages": pages, "reader_rows": rows,
        "reader_groups": summary,
        "export": export, "copy_seconds": copy_seconds, "load": load,
        "peer": peer_results and {k: v for k, v in peer_results.items() if k != "load"}, **extra,
    }  # fmt: skip
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=1, default=str))


def build_record(build=None):
    """The generate_sample rates of this database: written when the run builds it, read back with ``--reuse``."""
    from django.db import connection

    path = ROOT / "bench" / "out" / f"build-{connection.settings_dict['NAME']}.json"
    if build is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(build))
        return build
    return json.loads(path.read_text()) if path.exists() else None


def write_results(path, text):
    """Write the generated tables, keeping the sections written by hand after them (each begins with ``## ``;
    the generated part has none)."""
    previous = path.read_text() if path.exists() else ""
    hand = previous[previous.index("\n## ") :] if "\n## " in previous else ""
    path.write_text(text.rstrip("\n") + "\n" + hand)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monuments", type=int, default=1_000_000)
    parser.add_argument("--meetings", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="Keep existing sample data instead of rebuilding it.")
    parser.add_argument("--no-load", action="store_true", help="Skip the gunicorn load test.")
    parser.add_argument("--no-peer", action="store_true", help="Skip the side-by-side run against Datasette.")
    parser.add_argument("--no-import", action="store_true", help="Skip the import of generated files.")
    parser.add_argument("--walk-limit", type=int, default=None, help="Records the API walk reads at most.")
    parser.add_argument(
        "--build-only", action="store_true", help="Build the sample data, measure nothing (then --reuse)."
    )
    parser.add_argument("--json", help="Also write every figure to this JSON file (for bench/growth.py).")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    from django.core.management import call_command

    from sitewide.sample import delete_sample, generate_sample

    call_command("migrate", verbosity=0)
    from bench.scale import WALK_LIMIT, measure_api_walk, measure_import, storage

    if args.reuse:
        build = build_record()
    else:
        delete_sample()
        start = time.monotonic()
        build = generate_sample(args.monuments, args.meetings)
        build = build_record({**build, "seconds": time.monotonic() - start})
    if args.build_only:
        print(json.dumps(build, indent=1, default=str))
        return None
    t, pages = measure_pages(args.repeat)
    tasks, *reader_rows = measure_readers(t, args.repeat)
    readers = (tasks, *reader_rows)
    pages += measure_admin_pages(t, max(5, args.repeat // 3))
    export = measure_export()
    copy_seconds = measure_copy()
    peer_results = None if args.no_peer else measure_peer(tasks, t, max(5, args.repeat // 3))
    baseline = measure_admin_baseline(t["q"], max(3, args.repeat // 3))
    load = None
    if not args.no_load:
        # One record asked for again and again, the list, and a walk over 1,000 records: with the page cache on,
        # the first two are answered from it every time, the walk mostly misses it on its first pass.
        targets = [f"/monuments/{t['monument']}/", "/monuments/", ("monument detail, 1,000 records", record_paths())]
        load = load_test(targets) + load_test(targets, page_cache_seconds=60)
    extra = {"walk": measure_api_walk(args.walk_limit or WALK_LIMIT), "storage": storage()}
    # Last: the imports add draft monuments, which no page above shows but a later run's storage would count.
    extra["imports"] = None if args.no_import else measure_import()
    text = report(args, build, pages, export, baseline, load, readers, peer_results, copy_seconds, extra)
    write_results(Path(args.output), text)
    if args.json:
        write_json(args.json, args, build, pages, export, readers, peer_results, copy_seconds, extra, load)
    print(text)
    return text


if __name__ == "__main__":
    main()
