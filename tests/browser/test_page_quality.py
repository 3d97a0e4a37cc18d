"""Quality gates in a real browser: axe-core finds no WCAG 2.2 A/AA violation, and register pages stay light."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.browser.conftest import axe_violations, log_in
from tests.pages import ADMIN_PAGES, PUBLIC_PAGES, build_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WEIGHT_LIMIT = 100_000  # bytes transferred, map tiles and uploaded images excluded


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violations(page, name):
    path = PUBLIC_PAGES[name](build_content())
    assert page.goto(path).status == 200
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page_has_no_accessibility_violations(page, editor, name):
    path = ADMIN_PAGES[name](build_content())
    if path != reverse("admin:login"):
        log_in(page, editor.username)
    assert page.goto(path).status == 200
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("name", ["monument list", "monument detail"])
def test_monument_pages_are_light_and_use_only_our_own_resources(page, network, name):
    content = build_content()
    f.MonumentFactory.create_batch(60, place=content.monument.place)  # a full list page and then some
    assert page.goto(PUBLIC_PAGES[name](content)).status == 200
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
