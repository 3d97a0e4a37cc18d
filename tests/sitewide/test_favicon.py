"""The site's icon: declared on every page (public and admin), served at /favicon.ico, fingerprinted and cached."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from sitewide import favicon

pytestmark = pytest.mark.django_db

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)"[^>]*>')


def test_favicon_ico_is_our_icon_at_three_sizes_and_kept_a_year(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000"} <= cache_control
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO" and icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    # The accent blue at a corner's inside and white on the column, at the size browsers use in a tab.
    icon.size = (32, 32)
    icon.load()
    assert icon.convert("RGB").getpixel((3, 16)) == (0x0B, 0x53, 0x94)
    assert icon.convert("RGB").getpixel((16, 16)) == (255, 255, 255)
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("path", ["/", "/monuments/", "/no-such-page/"])
def test_public_pages_declare_the_svg_and_ico_icons(client, path):
    html = client.get(path).content.decode()
    assert ICON_LINK.findall(html) == ["/static/favicon.ico", "/static/favicon.svg"]
    assert 'type="image/svg+xml"' in html
    assert finders.find("favicon.ico") and finders.find("favicon.svg")  # served: the test without DEBUG below


def test_admin_pages_declare_the_icons_too(client, editor):
    assert ICON_LINK.findall(client.get(reverse("admin:login")).content.decode()) == [
        "/static/favicon.ico",
        "/static/favicon.svg",
    ]
    client.force_login(editor)
    assert "/static/favicon.svg" in client.get(reverse("admin:index")).content.decode()


def test_the_committed_icon_files_are_what_heritage_favicon_draws():
    assert (favicon.STATIC / "favicon.svg").read_text() == favicon.svg()
    committed = Image.open(favicon.STATIC / "favicon.ico")
    for size in favicon.ICO_SIZES:
        committed.size = (size, size)
        committed.load()
        assert committed.tobytes() == favicon.raster(size).tobytes(), size


def test_without_debug_pages_declare_fingerprinted_icons_cached_for_ever(tmp_path, settings):
    manifest = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=tmp_path,
        STORAGES={**settings.STORAGES, "staticfiles": manifest},
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()  # a fresh client builds the middleware, so whitenoise reads the collected files
        urls = ICON_LINK.findall(client.get("/").content.decode())
        assert [re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in urls] == ["/static/favicon.ico", "/static/favicon.svg"]
        assert all(re.search(r"\.[0-9a-f]{12}\.", url) for url in urls)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
        assert client.get("/favicon.ico").status_code == 200
