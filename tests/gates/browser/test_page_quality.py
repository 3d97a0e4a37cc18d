"""Quality gates in a real browser: axe-core finds no WCAG 2.2 A/AA violation, and register pages stay light.

Each gate visits every page type of its table in one test: the content is built once (the demo data and a full
monument), which keeps the browser suite within CI's time, and the failure lists every page that fails, by name.
"""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.gates.browser.conftest import axe_violations, log_in
from tests.gates.pages import ADMIN_PAGES, IMPORT_PREVIEW_CSV, PAGE_STATUS, PUBLIC_PAGES, add_long_lists, build_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WEIGHT_LIMIT = 100_000  # bytes transferred, map tiles and uploaded images excluded


@pytest.mark.parametrize(
    "scheme, prefix", [("light", ""), ("dark", ""), ("light", "/az"), ("light", "/ru"), ("light", "/es")]
)
def test_every_public_page_type_has_no_accessibility_violations(new_page, scheme, prefix):
    # Lists long enough to draw their numbered pagers, and a map that draws clusters: what readers meet; in the
    # light scheme and in the dark one a reader's system may ask for (the same contrast ratios), and in every
    # language, with the longer strings of Russian and Azerbaijani.
    page = new_page(color_scheme=scheme)
    content = add_long_lists(build_content())
    found = {}
    for name, path in PUBLIC_PAGES.items():
        assert page.goto(prefix + path(content)).status == PAGE_STATUS.get(name, 200), name
        page.wait_for_load_state("networkidle")  # the map's markers are part of the page axe checks
        if name == "monument map with clusters":
            page.locator(".leaflet-marker-icon.cluster").first.wait_for()
        if violations := axe_violations(page):
            found[name] = violations
    assert found == {}, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)


def show_import_preview(page):
    page.locator("input[type=file]").set_input_files(
        {"name": "monuments.csv", "mimeType": "text/csv", "buffer": IMPORT_PREVIEW_CSV}
    )
    page.get_by_role("button", name="Preview").click()
    page.locator("#import-errors").wait_for()


# What to do on a page before checking it, where opening it is not enough.
BEFORE_CHECKING = {"monument import preview": show_import_preview}


def test_admin_pages_the_journeys_use_have_no_accessibility_violations(new_page, editor):
    content = build_content()
    signed_out, editor_page = new_page(), new_page()
    log_in(editor_page, editor.username)
    found = {}
    for name, path in ADMIN_PAGES.items():
        page = signed_out if path(content) == reverse("admin:login") else editor_page
        assert page.goto(path(content)).status == 200, name
        if name in BEFORE_CHECKING:
            BEFORE_CHECKING[name](page)
        if violations := axe_violations(page):
            found[name] = violations
    assert found == {}, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)


@pytest.mark.parametrize("prefix", ["", "/az", "/ru", "/es"])  # the longer strings and other fonts' glyphs too
@pytest.mark.parametrize("name", ["monument list", "monument detail", "meeting network"])
def test_monument_pages_are_light_and_use_only_our_own_resources(page, network, name, prefix):
    content = build_content()
    f.MonumentFactory.create_batch(60, place=content.monument.place)  # a full list page and then some
    assert page.goto(prefix + PUBLIC_PAGES[name](content)).status == 200
    page.wait_for_load_state("networkidle")

    counted = [(url, size) for url, kind, size in network.responses if "/media/" not in url]
    total = sum(size for _, size in counted)
    assert total <= PAGE_WEIGHT_LIMIT, f"{total} bytes: {counted}"
    assert not network.foreign
    # Nothing render-blocking from elsewhere: every stylesheet and script in the page is our own.
    external = page.eval_on_selector_all(
        "link[rel~=stylesheet], script[src]",
        "els => els.map(e => e.href || e.src).filter(u => new URL(u).origin !== location.origin)",
    )
    assert external == []


def test_a_printed_record_keeps_the_record_and_its_citation_without_navigation(page):
    content = build_content()
    assert page.goto(PUBLIC_PAGES["monument detail"](content)).status == 200
    page.emulate_media(media="print")
    assert page.locator(".site-header nav").evaluate_all(
        "els => els.every(e => getComputedStyle(e).display === 'none')"
    )
    assert page.locator(".site-footer").is_hidden()
    assert page.locator(".map").count() == 0 or page.locator(".map").first.is_hidden()
    assert page.locator("h1").is_visible()
    assert page.locator(".cite").first.is_visible()
    # A link's address is written out after it on paper.
    after = page.eval_on_selector('main a[href^="http"]', "a => getComputedStyle(a, '::after').content")
    assert after.startswith('" <http')


def test_the_site_follows_the_readers_dark_mode_preference(new_page):
    content = build_content()
    colours = {}
    for scheme in ("light", "dark"):
        page = new_page(color_scheme=scheme)
        assert page.goto(PUBLIC_PAGES["monument detail"](content)).status == 200
        colours[scheme] = page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor")
    assert colours == {"light": "rgb(255, 255, 255)", "dark": "rgb(20, 20, 20)"}
