"""Quality gates that need no browser: valid HTML on every public page type, fingerprinted and cached static files."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

from tests.gates.pages import PAGE_STATUS, PUBLIC_PAGES, add_long_lists, build_content
from tests.gates.quality_tools import VNU_JAR, require, require_java, vnu_errors

pytestmark = pytest.mark.django_db


def test_every_public_page_type_is_valid_html(client, tmp_path):
    """In every language: the switcher, the alternates and the longer Russian and Azerbaijani strings included."""
    require_java()
    require(VNU_JAR, "the Nu Html Checker")
    content = add_long_lists(build_content())  # the lists draw their numbered pagers
    files = []
    for prefix in ["", "/az", "/ru", "/es"]:
        for name, path in PUBLIC_PAGES.items():
            response = client.get(prefix + path(content))
            assert response.status_code == PAGE_STATUS.get(name, 200), (prefix, name)
            files.append(tmp_path / f"{prefix.strip('/') or 'en'}-{name.replace(' ', '-')}.html")
            files[-1].write_bytes(response.content)

    assert vnu_errors(files) == {}


def test_static_files_are_fingerprinted_compressed_and_cached_for_ever_without_debug(tmp_path, settings):
    manifest = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=tmp_path,
        STORAGES={**settings.STORAGES, "staticfiles": manifest},
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("css/site.css")
        assert url.startswith("/static/css/site.") and url != "/static/css/site.css"  # hashed name
        assert (tmp_path / url.removeprefix("/static/")).with_suffix(".css.gz").exists()

        # A fresh client builds the middleware, so whitenoise reads the collected files and these settings.
        response = Client().get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
        assert url in Client().get("/").content.decode()
