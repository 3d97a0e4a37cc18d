"""Text responses go out compressed (brotli or gzip) when asked, streams stay streams, nothing with a secret is."""

import gzip
import json
import zlib

import brotli
import pytest
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from heritage.compression import CompressionMiddleware
from heritage.models import PublishStatus
from heritage.transfer import exports
from monuments.models import Monument, MonumentType
from tests import factories as f
from tests.heritage.test_security import assert_security_headers

pytestmark = pytest.mark.django_db

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def decoded(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    encoding = response.get("Content-Encoding")
    return DECODE[encoding](data) if encoding else data


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def comparable(path, data):
    """The body with what changes from one request to the next (an export's generated_at) left out."""
    if path.endswith((".json", ".geojson")) and "export" in path:
        document = json.loads(data)
        document["meta"].pop("generated_at")
        return document
    return data


@pytest.fixture
def content(demo):
    f.MonumentFactory(name="Juma Mosque", latitude="40.4", longitude="49.8", description="A mosque. " * 40)


TEXT_RESPONSES = [
    "/",
    "/monuments/",
    "/monuments/juma-mosque/",
    "/monuments/map/",
    "/monuments/map/data.json?zoom=2",
    "/meetings/",
    "/feeds/meetings/",
    "/sitemap.xml",
    "/sitemap-monuments.xml",
    "/monuments/export.csv",
    "/monuments/export.json",
    "/monuments/export.geojson",
    "/meetings/export.csv",
    "/meetings/export.json",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", TEXT_RESPONSES)
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_each_kind_of_text_response_is_compressed_when_asked(client, content, path, encoding):
    plain = client.get(path)
    packed = client.get(path, headers={"accept-encoding": f"{encoding}, identity"})
    assert packed.status_code == plain.status_code
    assert packed["Content-Encoding"] == encoding
    assert packed["Content-Type"] == plain["Content-Type"]
    assert "accept-encoding" in vary(packed) and "accept-encoding" in vary(plain)
    assert comparable(path, decoded(packed)) == comparable(path, decoded(plain))
    assert b"csrfmiddlewaretoken" not in decoded(plain)  # what is compressed holds no secret (BREACH)
    if packed.streaming:
        assert "Content-Length" not in packed
    else:
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)


@pytest.mark.parametrize("accept", [None, "", "identity", "gzip;q=0, br;q=0", "deflate", "*;q=0", "x-gzip2"])
def test_nothing_is_compressed_for_a_reader_who_did_not_ask(client, content, accept):
    headers = {} if accept is None else {"accept-encoding": accept}
    for path in ("/monuments/", "/monuments/export.csv"):
        response = client.get(path, headers=headers)
        assert "Content-Encoding" not in response, path
        assert "accept-encoding" in vary(response)  # a shared cache must not give it to one who did ask
        assert decoded(response).lstrip(b"\xef\xbb\xbf")[:1] in (b"<", b"s")


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("gzip, deflate, br, zstd", "br"),  # what browsers send
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("BR;Q=1, GZIP;Q=0.9", "br"),
        ("*", "br"),
        ("br;q=0, *", "gzip"),
        ("gzip;q=0.2, *;q=0.1", "gzip"),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_the_encoding_follows_the_weights_of_accept_encoding(client, content, accept, expected):
    assert client.get("/monuments/", headers={"accept-encoding": accept})["Content-Encoding"] == expected


def test_admin_pages_are_never_compressed(client, editor):
    login = client.get(reverse("admin:login"), headers={"accept-encoding": "br, gzip"})
    assert b"csrfmiddlewaretoken" in login.content  # the secret BREACH would read, left uncompressed
    assert "Content-Encoding" not in login
    client.force_login(editor)
    for name in ("admin:index", "admin:monuments_monument_changelist", "admin:monuments_monument_add"):
        response = client.get(reverse(name), headers={"accept-encoding": "br, gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response, name


def test_nothing_is_compressed_for_a_signed_in_reader_even_on_public_pages(client, editor, content):
    client.force_login(editor)
    for path in ("/", "/monuments/", "/monuments/export.csv"):
        assert "Content-Encoding" not in client.get(path, headers={"accept-encoding": "br, gzip"}), path
    # The same pages for a reader without a session are.
    assert Client().get("/", headers={"accept-encoding": "br"})["Content-Encoding"] == "br"


def test_a_response_that_carries_a_csrf_token_is_not_compressed():
    def view_with_a_form(request):
        response = HttpResponse(b"<form method=post><input name=csrfmiddlewaretoken value=secret></form>" * 10)
        response.set_cookie(settings.CSRF_COOKIE_NAME, "secret")  # what CsrfViewMiddleware does when one is used
        return response

    request = RequestFactory().get("/a-public-form/", headers={"accept-encoding": "br, gzip"})
    response = CompressionMiddleware(view_with_a_form)(request)
    assert "Content-Encoding" not in response and b"value=secret" in response.content


def test_nothing_under_the_admin_url_is_compressed_even_without_a_session_or_token():
    request = RequestFactory().get(f"/{settings.ADMIN_URL}jsi18n/", headers={"accept-encoding": "br, gzip"})
    response = CompressionMiddleware(lambda request: HttpResponse(b"<p>staff</p>" * 100))(request)
    assert "Content-Encoding" not in response


def test_images_and_tiny_or_already_encoded_responses_are_left_alone():
    request = RequestFactory().get("/", headers={"accept-encoding": "br, gzip"})
    for response in (
        HttpResponse(b"\x89PNG" + bytes(5000), content_type="image/png"),
        HttpResponse(b"ok\n", content_type="text/plain"),
        HttpResponse(gzip.compress(b"a" * 5000), headers={"Content-Encoding": "gzip"}),
        HttpResponse(b"a" * 5000, headers={"Cache-Control": "no-transform"}),
    ):
        before = response.content
        assert CompressionMiddleware(lambda request, r=response: r)(request).content == before
    assert Client().get("/favicon.ico", headers={"accept-encoding": "br"}).get("Content-Encoding") is None


@pytest.fixture
def many_monuments():
    mosque = MonumentType.objects.get_or_create(name="Mosque")[0]
    Monument.objects.bulk_create(
        Monument(
            name=f"Monument {i:04d}", slug=f"monument-{i:04d}", monument_type=mosque, status=PublishStatus.PUBLISHED
        )
        for i in range(600)
    )


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compressed_export_still_streams_piece_by_piece(client, many_monuments, monkeypatch, encoding):
    monkeypatch.setattr(exports, "ROWS_PER_PIECE", 50)  # 12 pieces from 600 rows
    rows_written = []
    original = exports.csv_cells
    monkeypatch.setattr(exports, "csv_cells", lambda row: rows_written.append(1) or original(row))

    response = client.get("/monuments/export.csv", headers={"accept-encoding": encoding})
    assert isinstance(response, StreamingHttpResponse) and response["Content-Encoding"] == encoding
    assert rows_written == []  # nothing read before the reader asks
    chunks = iter(response.streaming_content)
    decompress = (
        brotli.Decompressor().process if encoding == "br" else zlib.decompressobj(16 + zlib.MAX_WBITS).decompress
    )
    header = decompress(next(chunks)).decode("utf-8-sig")
    assert header.startswith("slug,url,name") and rows_written == []
    first_rows = decompress(next(chunks)).decode()
    # One piece read, compressed and readable on its own: the rest of the rows not yet read.
    assert first_rows.count("\n") == 50 and len(rows_written) == 50
    rest = b"".join(decompress(chunk) for chunk in chunks).decode()
    assert len(rows_written) == 600 and first_rows.count("\n") + rest.count("\n") == 600
    response.close()


def test_cached_pages_are_served_in_the_encoding_each_reader_asked_for(settings, content, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "compression-test"},
    }
    caches["pages"].clear()
    url = "/monuments/juma-mosque/"
    first = {encoding: Client().get(url, headers={"accept-encoding": encoding}) for encoding in ("br", "gzip", "")}
    with django_assert_num_queries(0):
        again = {encoding: Client().get(url, headers={"accept-encoding": encoding}) for encoding in ("br", "gzip", "")}
    html = decoded(first[""])
    assert b"Juma Mosque" in html
    for encoding, response in again.items():
        assert response.get("Content-Encoding", "") == encoding
        assert decoded(response) == html
        assert "accept-encoding" in vary(response)
        assert_security_headers(response)
    assert again["br"].content == first["br"].content  # compressed once, kept so
