"""The browser tests' own guard rails: map tiles are answered locally and no request leaves the machine."""

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE = "https://tile.example.org/3/4/2.png"


def test_tiles_are_answered_locally_and_other_hosts_are_refused(page, network):
    # Navigations, not fetch() from one of our pages: our Content-Security-Policy would block that fetch itself.
    tile = page.goto(TILE)
    assert (tile.status, tile.headers["content-type"]) == (200, "image/png")
    assert network.tiles == [TILE]

    with pytest.raises(PlaywrightError):
        page.goto("https://example.com/track.js")
    assert network.foreign == ["https://example.com/track.js"]
    network.foreign.clear()  # made on purpose here; the page fixture fails any other test that makes one
