"""With the database unreachable the site answers a plain 503 and /healthz says so; it recovers by itself."""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.core.management.utils import get_random_secret_key
from django.db import OperationalError, connection, transaction
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = ["/", "/meetings/", "/monuments/", "/meetings/some-meeting/"]


# --- in the test process -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_database_error_in_a_view_is_a_503_page_without_a_traceback(client):
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=OperationalError("server closed")):
        response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    body = response.content.decode()
    assert "Temporarily unavailable" in body and "server closed" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_a_database_error_outside_a_view_is_a_503_too():
    # E.g. the session middleware saving a session after the view: only handler500 sees that exception.
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_stay_500s(client):
    client.raise_request_exception = False
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=ValueError("a bug")):
        assert client.get("/").status_code == 500


def assert_a_logged_500(response, caplog, cause):
    """An ordinary 500: not the outage page, no Retry-After, and Django logged it with the driver's traceback."""
    assert response.status_code == 500
    assert "Retry-After" not in response.headers and "Temporarily unavailable" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and record.exc_info[0] is OperationalError
    assert isinstance(record.exc_info[1].__cause__, cause)
    assert "Traceback (most recent call last)" in caplog.text
    assert "Database unavailable" not in caplog.text


@pytest.mark.django_db
def test_a_statement_timeout_is_a_500_with_its_traceback_not_an_outage(postgres_only, caplog):
    from psycopg2.errors import QueryCanceled

    def slow_query(*args, **kwargs):
        # A real timeout: the query outlives the statement_timeout set for it (reverted with the savepoint).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '20ms'")
            cursor.execute("SELECT pg_sleep(5)")

    client = Client(raise_request_exception=False)
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=slow_query):
        response = client.get("/")
    assert_a_logged_500(response, caplog, QueryCanceled)
    assert "canceling statement due to statement timeout" in caplog.text
    # The connection is still good: the next request is served.
    assert client.get("/").status_code == 200


def sqlite_error(tmp_path, kind):
    """A real error from SQLite, raised as Django raises it: its own class, the driver's error as the cause."""
    path = tmp_path / "other.sqlite3"
    try:
        if kind == "locked":
            writer = sqlite3.connect(path, isolation_level=None)
            writer.execute("CREATE TABLE t (x)")
            writer.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
            sqlite3.connect(path, timeout=0).execute("SELECT * FROM t")
        else:
            sqlite3.connect(tmp_path / "no-such-folder" / "db.sqlite3")
    except sqlite3.OperationalError as error:
        try:
            raise OperationalError(*error.args) from error
        except OperationalError as django_error:
            return django_error
    raise AssertionError(f"SQLite raised no error for {kind}")


@pytest.mark.django_db
def test_sqlite_database_is_locked_is_a_500_not_an_outage(tmp_path, caplog):
    error = sqlite_error(tmp_path, "locked")
    assert "database is locked" in str(error)
    client = Client(raise_request_exception=False)
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=error):
        response = client.get("/")
    assert_a_logged_500(response, caplog, sqlite3.OperationalError)

    # Outside a view too (handler500 decides there): still a 500, not the outage page.
    caplog.clear()
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=sqlite_error(tmp_path, "locked"),
    ):
        response = client.get("/")
    assert_a_logged_500(response, caplog, sqlite3.OperationalError)


@pytest.mark.django_db
def test_sqlite_that_cannot_open_its_file_is_an_outage(tmp_path):
    error = sqlite_error(tmp_path, "cannot open")
    assert "unable to open database file" in str(error)
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=error):
        response = Client().get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"


# --- the real app under gunicorn ---------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ADMIN_URL"}
    }
    return {
        **base,
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_LOG_LEVEL": "warning",
        **extra,
    }


@contextmanager
def gunicorn(database_url, static_root, **extra_env):
    """gunicorn with gunicorn.conf.py and production settings, once it answers; stopped (SIGTERM) on leaving."""
    port = free_port()
    # Every request must reach the database unless a test says otherwise: the public page cache would answer a page
    # it had already drawn.
    env = production_env(
        DATABASE_URL=database_url, STATIC_ROOT=str(static_root), BIND=f"127.0.0.1:{port}", PAGE_CACHE_SECONDS="0"
    )
    env.update(extra_env)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, "/healthz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stdout.read().decode()) from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def assert_unavailable(port):
    for path in PUBLIC_PAGES:
        status, headers, body = get(port, path)
        assert status == 503, (path, status, body[:500])
        assert "Temporarily unavailable" in body and "Traceback" not in body and "psycopg" not in body
        assert headers["Content-Type"].startswith("text/html")
    status, _, body = get(port, "/healthz")
    assert (status, body) == (503, "database unavailable\n")


def test_gunicorn_with_the_database_unreachable_answers_503_and_healthz_says_so(static_root):
    closed = free_port()
    with gunicorn(f"postgres://postgres@127.0.0.1:{closed}/heritage", static_root) as port:
        assert_unavailable(port)
        # The page still carries its headers, and gunicorn reveals no version.
        _, headers, _ = get(port, "/")
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["Server"] == "gunicorn"


class Forwarder:
    """A TCP relay to PostgreSQL that the test can cut and restore, as if the database server went away."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        for sock in [self.listener, *self.sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.mark.django_db
def test_the_site_recovers_when_the_database_returns_without_a_restart(postgres_only, static_root):
    settings_dict = connection.settings_dict
    forwarder = Forwarder(free_port(), (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    forwarder.start()
    user = settings_dict["USER"] or "postgres"
    url = f"postgres://{user}@127.0.0.1:{forwarder.port}/{settings_dict['NAME']}"
    try:
        with gunicorn(url, static_root) as port:
            assert get(port, "/")[0] == 200  # a persistent connection (CONN_MAX_AGE) is now open
            forwarder.stop()
            assert_unavailable(port)
            forwarder.start()
            assert get(port, "/")[0] == 200
            assert get(port, "/healthz")[:3:2] == (200, "ok\n")
    finally:
        forwarder.stop()
