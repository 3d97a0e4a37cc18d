"""The browser tests' own guard rails: map tiles are answered locally and no request leaves the machine."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE = "https://tile.example.org/3/4/2.png"


def test_tiles_are_answered_locally_and_other_hosts_are_refused(page, network):
    page.goto("/")
    tile = page.evaluate("url => fetch(url).then(r => [r.status, r.headers.get('content-type')])", TILE)
    assert tile == [200, "image/png"]
    assert network.tiles == [TILE]

    refused = page.evaluate("() => fetch('https://example.com/track.js').then(() => 'loaded', () => 'refused')")
    assert refused == "refused"
    assert network.foreign == ["https://example.com/track.js"]
    network.foreign.clear()  # made on purpose here; the page fixture fails any other test that makes one
