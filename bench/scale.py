"""What ``bench/run.py`` measures besides the list pages: the API (pages, records and a client walking every
record by cursor), the meeting views issue 17 added (the list with its counts and chart, the network, a person's
and a country's page), an import of a generated file, and what the data set takes on disk.

``bench/growth.py`` puts the figures of runs at several sizes (``run.py --json``) side by side.
"""

import os
import resource
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

# A client paging through the whole register stops here at the largest sizes: at 20,000 records a second a walk
# over 10,000,000 would take more than eight minutes of the run, and a page deep in the walk costs what the first
# does (keyset), which the figures at 1,000,000 show.
WALK_LIMIT = 1_000_000


def scale_urls(terms):
    """``(label, url)`` of the API and meeting pages, for ``run.measure_pages``."""
    from meetings.models import Person

    person = Person.objects.published().order_by("pk").values_list("slug", flat=True).first() or "missing"
    return [
        ("API monuments", "/api/v1/monuments/"),
        ("API monuments, a broad filter", "/api/v1/monuments/?" + urlencode({"condition": "destroyed"})),
        ("API monuments, q", "/api/v1/monuments/?" + urlencode({"q": terms["q"]})),
        ("API monument record", f"/api/v1/monuments/{terms['monument']}/"),
        ("API meetings", "/api/v1/meetings/"),
        ("API meeting record", f"/api/v1/meetings/{terms['meeting']}/"),
        ("meeting list (counts and chart)", "/meetings/"),
        ("meeting network, people", "/meetings/network/"),
        ("meeting network, organizations", "/meetings/network/?by=organization"),
        ("meeting network, a country", "/meetings/network/?" + urlencode({"country": terms["country"]})),
        ("person page (chart, counterparts)", f"/people/{person}/"),
        ("country page", f"/countries/{terms['country']}/"),
        ("figures", "/figures/"),
    ]


def measure_api_walk(limit=WALK_LIMIT, page_size=None):
    """A client following ``next`` from the first page of ``/api/v1/monuments/`` until ``limit`` records: records
    a second and how much the process's peak memory grew (flat memory: a few MB, whatever the count)."""
    from django.test import Client

    from api.limits import MAX_LIMIT

    client = Client()
    url = f"/api/v1/monuments/?limit={page_size or MAX_LIMIT}"
    records = pages = 0
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    while url and records < limit:
        response = client.get(url)
        if response.status_code != 200:
            return {"status": response.status_code, "url": url}
        body = response.json()
        records += len(body["results"])
        pages += 1
        url = body.get("next")
        if url and "://" in url:
            url = "/" + url.split("://", 1)[1].split("/", 1)[1]
    seconds = time.perf_counter() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    return {
        "status": 200, "records": records, "pages": pages, "seconds": seconds,
        "per_second": records / seconds if seconds else 0, "complete": url is None, "peak_grew_mb": grown / 1024,
    }  # fmt: skip


def _backend_cpu(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_import(rows=20_000):
    """``import_monuments`` of two generated files of ``rows`` new draft monuments each (so the public pages
    measured before are unchanged): one registration per row, then issue 14's rich shape (three numbers and a
    wikidata and a commons identifier per row). Wall clock, and the CPU of the import and of its backend."""
    from django.core.management import call_command
    from django.db import connection

    from bench.make_import_file import GENERATED
    from bench.make_import_file import main as make_file
    from monuments.models import Monument

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, options in (("plain", {}), ("rich", {"registrations": 3, "identifiers": True})):
            path = Path(folder) / f"{label}.csv"
            # Names and numbers after those of earlier runs (``--reuse``): every row is a new monument.
            make_file(rows, path, first=Monument.objects.filter(name__startswith=GENERATED).count(), **options)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            backend, own, start = _backend_cpu(pid), time.process_time(), time.perf_counter()
            call_command("import_monuments", str(path), verbosity=0)
            wall = time.perf_counter() - start
            results.append({
                "label": label, "rows": rows, "seconds": wall, "per_second": rows / wall,
                "cpu_import": time.process_time() - own, "cpu_database": _backend_cpu(pid) - backend,
            })  # fmt: skip
    return results


def storage():
    """Rows (the planner's estimate), table and index sizes of the largest tables, and the database's size."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
        cursor.execute(
            """SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid),
                      (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind = 'r' AND n.nspname = 'public'
               ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8"""
        )
        tables = [
            {"table": name, "rows": rows, "table_bytes": table, "index_bytes": indexes, "indexes": count}
            for name, rows, table, indexes, count in cursor.fetchall()
        ]
    return {"database_bytes": database, "tables": tables}
