"""Text responses compressed with brotli or gzip for readers who accept it, streams included, BREACH kept out.

Whitenoise compresses static files ahead of time; this middleware does the rest: pages, the map data, the feed,
the sitemap and the CSV, JSON and GeoJSON exports (``COMPRESSIBLE`` content types, at least ``MIN_BYTES`` or
streamed). brotli when the request accepts it (about a fifth smaller than gzip on our pages), else gzip;
``Vary: Accept-Encoding`` on every such response, compressed or not, so no shared cache hands one reader's
encoding to another.

Streams stay streams: each piece an export yields is compressed and flushed on its own, so a reader gets rows
as the database yields them and the memory held is one piece and the compressor's window, whatever the size.

BREACH (a secret in a compressed body, text the attacker chose beside it, lengths watched): nothing that can
hold a secret is compressed. That is every response under ``ADMIN_URL``, every response to a request that
carries the session cookie (a signed-in user's pages), and every response in which a CSRF token was used
(Django then sets or renews the CSRF cookie on it). What is left, public pages for readers without a session,
carries no secret: its forms are GET forms without tokens.

Sits inside ``heritage.pagecache.PublicPageCacheMiddleware``, which keys cached pages on ``negotiated_encoding``:
a page is compressed once per encoding and kept so, and each reader gets the encoding it asked for.
"""

import re
import zlib

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers

MIN_BYTES = 200  # below this the encoding's own overhead eats what it saves
COMPRESSIBLE = re.compile(r"^(text/|application/([\w.+-]+\+)?(json|xml|javascript)\b|image/svg\+xml)", re.IGNORECASE)
# brotli's quality 5: smaller than gzip -6 for a little more CPU; quality 4 is no smaller than gzip, and 9 or 11
# cost many times as much for a few per cent (the measurements: bench/README.md, "Compression"). One quality for
# pages and streams alike.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
ENCODINGS = ("br", "gzip")  # preferred first when a request accepts both equally


def negotiated_encoding(request):
    """``"br"``, ``"gzip"`` or ``""``: the best coding of ours the request's Accept-Encoding accepts (RFC 9110,
    12.5.3: weights ``;q=``, ``*`` for any coding not named, ``q=0`` refuses)."""
    weights = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding := coding.strip().lower():
            weights[coding] = weight
    best, best_weight = "", 0.0
    for coding in ENCODINGS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def may_compress(request, response):
    """Whether anything in this exchange forbids compression: see the module's note on BREACH."""
    return not (
        request.path.startswith("/" + settings.ADMIN_URL)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or settings.CSRF_COOKIE_NAME in response.cookies
    )


def _compressor(encoding):
    if encoding == "br":
        compressor = brotli.Compressor(quality=BROTLI_QUALITY)
        return compressor.process, compressor.flush, compressor.finish
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip header and trailer
    return compressor.compress, lambda: compressor.flush(zlib.Z_SYNC_FLUSH), compressor.flush


def compress(encoding, data):
    process, _, finish = _compressor(encoding)
    return process(data) + finish()


def compress_stream(encoding, pieces):
    """Each piece compressed and flushed as it comes (a sync flush costs a few bytes a piece). The response still
    closes the original iterator itself (it registered its ``close()`` when it was made): an export's transaction
    ends when the reader goes away."""
    process, flush, finish = _compressor(encoding)
    for piece in pieces:
        if out := process(piece) + flush():
            yield out
    yield finish()


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.has_header("Content-Encoding")
            or response.status_code == 206
            or not COMPRESSIBLE.match(response.get("Content-Type", ""))
            or "no-transform" in response.get("Cache-Control", "")
            or (not response.streaming and len(response.content) < MIN_BYTES)
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        encoding = negotiated_encoding(request)
        if not encoding or not may_compress(request, response):
            return response
        if response.streaming:
            if response.is_async:
                return response  # the site runs under WSGI: no asynchronous streams to compress
            response.streaming_content = compress_stream(encoding, response.streaming_content)
            del response.headers["Content-Length"]
        else:
            compressed = compress(encoding, response.content)
            if len(compressed) >= len(response.content):
                return response
            response.content = compressed
            response.headers["Content-Length"] = str(len(compressed))
        # A strong ETag names the exact bytes, which are no longer those (RFC 9110, 8.8.1).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = encoding
        return response
