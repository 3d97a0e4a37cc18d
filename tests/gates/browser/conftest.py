"""Real-browser fixtures: one Chromium per test session, fresh pages per test, all against pytest-django's live server.

The browser reaches nothing but the live server: map tile requests are answered here with a blank tile, and any
other request to another host is refused and fails the test that made it.
"""

import io
import os
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image
from pytest_django.live_server_helper import LiveServer

from tests.gates.quality_tools import AXE_JS, CHROMIUM, require, skip_or_fail

# Playwright's sync API leaves an asyncio loop set on the main thread for the whole session, so Django would refuse
# the ORM calls that tests and database teardown make there. None of them runs inside that loop (the live server
# answers on its own thread), so the check is lifted for sessions that collect browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The flags the issue asks for: no sandbox (CI runs as root), and no traffic of Chromium's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Slippy-map tiles ({z}/{x}/{y}.png and the like), from whichever host the map is configured with.
TILE_PATH = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpe?g|webp|pbf)$")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def blank_tile():
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8e8e8").save(buffer, "PNG")
    return buffer.getvalue()


BLANK_TILE = blank_tile()


class Network:
    """Routes every request a test's pages make: the live server's pass, tiles are faked, the rest refused."""

    def __init__(self, origin):
        self.origin = origin
        self.foreign = []  # requests to another host, refused
        self.tiles = []  # tile requests, answered with BLANK_TILE
        self.responses = []  # (url, resource type, bytes transferred) of each finished same-origin request

    def is_local(self, url):
        parts, origin = urlsplit(url), urlsplit(self.origin)
        return (parts.scheme, parts.hostname, parts.port) == (origin.scheme, origin.hostname, origin.port)

    def route(self, route):
        url = route.request.url
        if TILE_PATH.search(urlsplit(url).path):
            self.tiles.append(url)
            route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        elif self.is_local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def record(self, request):
        if self.is_local(request.url):
            sizes = request.sizes()
            transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            self.responses.append((request.url, request.resource_type, transferred))


@pytest.fixture(scope="package")
def live_server(static_root):
    """pytest-django's live server, serving static files as production does.

    whitenoise answers ``/static/`` from what ``collectstatic`` wrote (fingerprinted names, gzip, far-future
    caching), not Django's development handler: so the browser loads what visitors load and the page-weight gate
    counts the bytes they transfer. Package-scoped, so the settings it needs last only as long as these tests.
    """
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=str(static_root), STORAGES=storages, WHITENOISE_AUTOREFRESH=False):
        server = LiveServer("localhost", start=False)
        server.thread.static_handler = lambda app: app  # let the request reach whitenoise's middleware
        server.start()
        yield server
        server.stop()


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM, "Chromium, which the browser tests drive,")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright, which the browser tests use, is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def network(live_server):
    return Network(live_server.url)


@pytest.fixture
def new_page(browser, live_server, network):
    """Open a page in a fresh browser context (its own cookies, so its own user); checked when the test ends."""
    contexts, page_errors = [], []

    def open_page(width=1280, height=900, color_scheme="light"):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, color_scheme=color_scheme
        )
        context.set_default_timeout(10_000)
        context.route("**/*", network.route)
        context.on("requestfinished", network.record)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not network.foreign, f"the page requested another host: {network.foreign}"
    assert not page_errors, f"JavaScript errors in the page: {page_errors}"


@pytest.fixture
def page(new_page):
    return new_page()


def axe_violations(page):
    """Run axe-core in the page with the WCAG 2.2 A and AA rules; return its violations, one readable line each."""
    require(AXE_JS, "axe-core")
    # Evaluated through the DevTools protocol, not as a <script>: our Content-Security-Policy rightly refuses
    # inline scripts, and the tests must see pages under that policy.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
        for v in result["violations"]
    ]


def log_in(page, username, password="pass"):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
