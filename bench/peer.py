"""The peer a journalist would pick instead: the same published monuments in SQLite, served by Datasette.

``build(path)`` copies the published rows (public coordinates only: a sensitive location is coarsened here as on
our pages, so the copy leaks nothing the register does not show) from PostgreSQL into one flat table with an
index per filter column and a full-text index on the names, as ``sqlite-utils`` would make them;
``serve(path, port)`` runs ``datasette serve --immutable`` (how ``datasette publish`` deploys; its default
settings but our page size, 50) and
``peer_url(task)`` says what each reader task asks Datasette for.
"""

import sqlite3
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

COLUMNS = [
    ("id", "INTEGER PRIMARY KEY"),
    ("name", "TEXT"),
    ("slug", "TEXT"),
    ("type", "TEXT"),
    ("condition", "TEXT"),
    ("country", "TEXT"),
    ("significance", "TEXT"),
    ("registered", "INTEGER"),
    ("built_year", "INTEGER"),
    ("updated_at", "TEXT"),
    ("latitude", "REAL"),
    ("longitude", "REAL"),
]
INDEXED = ["name", "type", "condition", "country", "significance", "registered", "built_year", "updated_at"]


def build(path):
    """Write the SQLite copy at ``path`` (replacing it); returns the number of rows."""
    from django.db import connection
    from django.db.models import Exists, OuterRef, Subquery

    from monuments.geo import public_coordinates
    from monuments.models import BUILT_YEAR, Monument, Registration

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    registrations = Registration.objects.filter(monument=OuterRef("pk"))
    rows = (
        Monument.objects.published()
        .annotate(
            **public_coordinates(),
            built=BUILT_YEAR,
            significance=Subquery(registrations.order_by("significance").values("significance")[:1]),
            registered=Exists(registrations),
        )
        .order_by("pk")
        .values_list(
            "pk", "name", "slug", "monument_type__slug", "current_condition", "place__country", "significance",
            "registered", "built", "updated_at", "public_latitude", "public_longitude",
        )
    )  # fmt: skip
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE monuments ({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    count, batch = 0, []
    insert = f"INSERT INTO monuments VALUES ({', '.join('?' * len(COLUMNS))})"
    with connection.cursor():
        for row in rows.iterator(chunk_size=20_000):
            batch.append((*row[:9], row[9].isoformat(), *row[10:]))
            if len(batch) >= 20_000:
                db.executemany(insert, batch)
                count += len(batch)
                batch = []
    db.executemany(insert, batch)
    count += len(batch)
    for column in INDEXED:
        db.execute(f"CREATE INDEX monuments_{column} ON monuments ({column})")
    db.execute('CREATE VIRTUAL TABLE monuments_fts USING fts5(name, content="monuments", content_rowid="id")')
    db.execute("INSERT INTO monuments_fts (rowid, name) SELECT id, name FROM monuments")
    db.commit()
    db.execute("ANALYZE")
    db.execute("VACUUM")
    db.close()
    return count


def serve(path, port):
    """Datasette on ``port`` (a ``subprocess.Popen``); waits until it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--immutable", str(path), "--port", str(port),
         "--setting", "default_page_size", "50"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/-/versions.json")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("Datasette did not start")


# Our filter parameters as Datasette's table parameters.
PARAMETERS = {
    "condition": "condition",
    "type": "type",
    "country": "country",
    "significance": "significance",
}
SORTS = {"": ("_sort", "name"), "name": ("_sort", "name"), "-updated": ("_sort_desc", "updated_at"),
         "built": ("_sort", "built_year")}  # fmt: skip


def peer_url(database, params):
    """The Datasette page showing what ``/monuments/?<params>`` shows, or ``None`` where it has none (deep
    page numbers: Datasette pages by key; the map)."""
    if "page" in params:
        return None
    query = []
    for name, value in params.items():
        if name in PARAMETERS:
            query.append((PARAMETERS[name], value))
        elif name == "registered":
            query.append(("registered", "1" if value == "yes" else "0"))
        elif name == "built_after":
            query.append(("built_year__gte", value))
        elif name == "built_before":
            query.append(("built_year__lte", value))
        elif name == "q":
            query.append(("_search", value))
        elif name != "sort":
            return None
    if "q" not in params or params.get("sort"):
        query.append(SORTS[params.get("sort", "")])
    return f"/{database}/monuments?{urlencode(query)}"
