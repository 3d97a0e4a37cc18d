"""Log lines carry time, level, logger, request id and path, in the app and in gunicorn, as text or JSON; every
response says its request id in X-Request-ID, a cached page too."""

import http.client
import io
import json
import logging
import re
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.core.cache import caches

from tests import factories as f
from tests.heritage.test_faults import ROOT, free_port, production_env

pytestmark = pytest.mark.django_db

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_output():
    """What the configured console handler (settings.LOGGING) writes during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def failing_view(*args, **kwargs):
    logging.getLogger("heritage.views").warning("drawing the home page")
    raise ValueError("the home page broke")


def test_a_line_logged_during_a_request_carries_time_level_logger_request_id_and_path(client, log_output):
    client.raise_request_exception = False
    with mock.patch("sitewide.views.Meeting.objects.published", side_effect=failing_view):
        response = client.get("/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "req-42"
    output = log_output.getvalue()
    assert re.search(rf"^{TIME} WARNING heritage\.views \[req-42 /\] drawing the home page$", output, re.M), output
    # Django's own line for the error, with the traceback under it.
    error = re.search(rf"^{TIME} ERROR django\.request \[req-42 /\] Internal Server Error: /\nTraceback", output, re.M)
    assert error, output
    assert "ValueError: the home page broke" in output


def test_lines_django_writes_after_the_middleware_carry_the_request_and_later_lines_do_not(client, log_output):
    # "Not Found" is logged once the response has left every middleware; the id must still be known then, and
    # forgotten once the response is closed, or the next line outside a request would carry a stale id.
    assert client.get("/no-such-page/", headers={"X-Request-ID": "lost-1"}).status_code == 404
    logging.getLogger("heritage").warning("after the request")
    lines = log_output.getvalue().splitlines()
    not_found = rf"{TIME} WARNING django\.request \[lost-1 /no-such-page/\] Not Found: /no-such-page/"
    assert re.fullmatch(not_found, lines[0]), lines
    assert re.fullmatch(rf"{TIME} WARNING heritage \[- -\] after the request", lines[-1]), lines


def test_a_path_cannot_forge_a_log_line(client, log_output):
    client.get("/no-such-page/%0A2026-01-01T00:00:00.000Z INFO forged")
    output = log_output.getvalue()
    assert not re.search(r"^2026-01-01T00:00:00.000Z INFO forged", output, re.M)
    assert "/no-such-page/\\x0a2026-01-01T00:00:00.000Z INFO forged]" in output, output


# --- the X-Request-ID header ---------------------------------------------------------------------------------------


def test_every_response_gets_a_new_request_id_unless_a_valid_one_came_in(client):
    first, second = client.get("/robots.txt"), client.get("/robots.txt")
    assert GENERATED_ID.fullmatch(first.headers["X-Request-ID"])
    assert GENERATED_ID.fullmatch(second.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    proxy_id = "3f2a9c1e-7b44-4c1a-9d0e-2b8f6a1c5d7e"
    assert client.get("/robots.txt", headers={"X-Request-ID": proxy_id}).headers["X-Request-ID"] == proxy_id
    # Answers the middleware further in gives without reaching a view carry one too (here a 413).
    too_big = client.post("/", CONTENT_LENGTH=str(10**10), headers={"X-Request-ID": "big-1"})
    assert too_big.status_code == 413 and too_big.headers["X-Request-ID"] == "big-1"


@pytest.mark.parametrize(
    "hostile",
    ["two\nlines", "x" * 65, "<script>alert(1)</script>", "id with spaces", "İçərişəhər", "", "a\x00b"],
)
def test_a_request_id_that_is_not_short_and_safe_is_replaced(client, log_output, hostile):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID=hostile)
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])
    assert response.headers["X-Request-ID"] in log_output.getvalue()
    if hostile:
        assert hostile not in log_output.getvalue()


def test_a_page_from_the_public_cache_carries_its_own_readers_request_id(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-default"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-request-id"},
    }
    caches["pages"].clear()
    url = f.MonumentFactory().get_absolute_url()
    assert client.get(url, headers={"X-Request-ID": "first-reader"}).headers["X-Request-ID"] == "first-reader"
    with django_assert_num_queries(0):  # served from the cache
        second = client.get(url, headers={"X-Request-ID": "second-reader"})
    assert second.headers["X-Request-ID"] == "second-reader"
    third = client.get(url)
    assert GENERATED_ID.fullmatch(third.headers["X-Request-ID"])


# --- gunicorn and the app under it, as `make serve` runs them -----------------------------------------------------


def serve_and_log(static_root, log_format):
    """Runs gunicorn (the database unreachable: /healthz answers 503 and logs it), asks for /healthz with a
    request id and once without, stops it and returns everything it wrote, one line per item."""
    port = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/heritage",
        STATIC_ROOT=str(static_root),
        BIND=f"127.0.0.1:{port}",
        GUNICORN_LOG_LEVEL="info",
        LOG_FORMAT=log_format,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                conn.request("GET", "/healthz", headers={"X-Request-ID": "probe-1"})
                response = conn.getresponse()
                assert response.status == 503 and response.getheader("X-Request-ID") == "probe-1"
                conn.close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/healthz")
        generated = conn.getresponse().getheader("X-Request-ID")
        conn.close()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return [line for line in output.splitlines() if line.strip()], generated


def test_gunicorn_and_the_app_write_json_lines_with_the_request_id(static_root):
    lines, generated = serve_and_log(static_root, "json")
    records = [json.loads(line) for line in lines]  # every line, gunicorn's start-up lines too
    for record in records:
        assert {"time", "level", "logger", "request_id", "path", "message"} <= record.keys(), record
        assert re.fullmatch(TIME, record["time"])
    assert {"logger": "gunicorn.error", "level": "INFO", "request_id": None, "path": None}.items() <= records[0].items()
    django_lines = [r for r in records if r["logger"] == "django.request"]
    assert [(r["level"], r["request_id"], r["path"]) for r in django_lines] == [
        ("ERROR", "probe-1", "/healthz"),
        ("ERROR", generated, "/healthz"),
    ]
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert [(r["request_id"], r["path"], r["status"]) for r in access] == [
        ("probe-1", "/healthz", 503),
        (generated, "/healthz", 503),
    ]
    assert '"GET /healthz HTTP/1.1" 503' in access[0]["message"] and isinstance(access[0]["duration_ms"], int)


def test_gunicorn_and_the_app_write_one_text_line_format(static_root):
    lines, generated = serve_and_log(static_root, "text")
    line = re.compile(rf"{TIME} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ \[(\S+) (\S+)\] .*")
    for text in lines:
        assert line.fullmatch(text), text
    assert any(re.fullmatch(rf"{TIME} INFO gunicorn\.error \[- -\] Booting worker with pid: \d+", t) for t in lines)
    access = rf'{TIME} INFO gunicorn\.access \[probe-1 /healthz\] 127\.0\.0\.1 "GET /healthz HTTP/1\.1" 503 .*'
    assert any(re.fullmatch(access, t) for t in lines), lines
    assert f"ERROR django.request [{generated} /healthz] Service Unavailable: /healthz" in "\n".join(lines)


def test_an_unknown_log_format_stops_the_app_and_gunicorn_with_a_clear_message():
    env = production_env(LOG_FORMAT="xml")
    app = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert app.returncode != 0 and "LOG_FORMAT='xml' is not a log format: use text or json" in app.stderr
    server = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0 and "LOG_FORMAT='xml' is not a log format" in server.stderr
