"""The app behind PgBouncer in transaction pooling mode: what a session would keep is kept in a transaction.

In transaction mode each transaction may run on another server connection, and a statement outside a transaction
on yet another. So a cursor must be read within the transaction that declared it (the exports), a setting must be
``SET LOCAL`` (never a session's ``SET``, which would stay on the server connection for the next client), and an
advisory lock must be a transaction's (``pg_advisory_xact_lock``). The streaming tests run only behind PgBouncer
(`.ci/pgbouncer`; `.ci/run` sets ``DATABASE_URL`` to it); with ``REQUIRE_PGBOUNCER=1`` they fail instead of skipping.
"""

import os
import re
from pathlib import Path

import psycopg2
import pytest
from django.db import connections

from monuments import exports
from monuments.importers import MonumentImport
from monuments.models import Monument
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "heritage", "monuments", "meetings", "sitewide")


def _connect(dbname):
    settings = connections["default"].settings_dict
    return psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"], dbname=dbname
    )


def pool_mode():
    """PgBouncer's pool mode when the tests' database is reached through it, else None."""
    if connections["default"].vendor != "postgresql":
        return None
    try:
        admin = _connect("pgbouncer")
    except psycopg2.Error:
        return None
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SHOW CONFIG")
            return {row[0]: row[1] for row in cursor.fetchall()}.get("pool_mode")
    finally:
        admin.close()


@pytest.fixture
def pooled(db):
    mode = pool_mode()
    if mode != "transaction":
        reason = f"DATABASE_URL does not go through PgBouncer in transaction mode (pool mode: {mode})"
        if os.environ.get("REQUIRE_PGBOUNCER") == "1":
            pytest.fail(f"REQUIRE_PGBOUNCER=1 but {reason}")
        pytest.skip(f"{reason}: run .ci/pgbouncer and point DATABASE_URL at port 6432")


def another_client_takes_a_server_connection():
    """A second client inside a transaction: it holds the server connection PgBouncer hands out next (the one
    released last), so a cursor left open outside a transaction would be read from another one."""
    other = _connect(connections["default"].settings_dict["NAME"])
    with other.cursor() as cursor:
        cursor.execute("SELECT 1")  # psycopg2 began a transaction: held until rollback
    return other


@pytest.mark.django_db(transaction=True)
def test_the_admin_export_streams_behind_transaction_pooling(pooled):
    for number in range(5):
        f.MonumentFactory(name=f"Pooled {number}")
    rows = MonumentImport().export_rows(Monument.objects.all(), chunk_size=2)
    first = next(rows)
    other = another_client_takes_a_server_connection()
    try:
        rest = list(rows)
    finally:
        other.close()
    assert sorted(row[1] for row in [first, *rest]) == [f"Pooled {number}" for number in range(5)]


@pytest.mark.django_db(transaction=True)
def test_the_public_export_streams_behind_transaction_pooling(pooled, client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for number in range(5):
        f.MonumentFactory(name=f"Streamed {number}")
    response = client.get("/monuments/export.csv")
    assert response.status_code == 200
    content = iter(response.streaming_content)
    lines = [next(content)]
    other = another_client_takes_a_server_connection()
    try:
        lines.extend(content)
    finally:
        other.close()
    body = b"".join(lines).decode()
    assert all(f"Streamed {number}" in body for number in range(5))


def statements():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT), path.read_text()


def test_no_session_setting_or_session_advisory_lock_in_the_code():
    # Runs everywhere: the rule holds whether or not a pooler is in front today.
    session_set = re.compile(r"""execute\(\s*f?["']\s*(SET|RESET)\s+(?!LOCAL\b)(?!CONSTRAINTS\b)""", re.IGNORECASE)
    session_lock = re.compile(r"pg_(try_)?advisory_lock(_shared)?\s*\(", re.IGNORECASE)
    found = [
        f"{path}: {match.group(0)}"
        for path, text in statements()
        for pattern in (session_set, session_lock)
        for match in pattern.finditer(text)
    ]
    assert not found, f"session state under a transaction-mode pooler (use SET LOCAL, pg_advisory_xact_lock): {found}"
