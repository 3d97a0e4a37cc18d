"""A short-lived cache of public pages for anonymous readers, cleared by every change to the register.

Drawing a public page costs more CPU than a small machine has per request at a few hundred readers a second
(bench/RESULTS.md, "Figures behind the code"). So a page drawn for a reader without cookies (never a logged-in
user: they carry a session cookie) is kept for ``PAGE_CACHE_SECONDS`` in the ``pages`` cache, which every
gunicorn worker shares, and served from there to the next such reader.

Drafts stay private the moment a record is unpublished: every key holds a "generation", and every save, delete
or relation change of a content model (and every bulk write: imports, sample data) replaces the generation, so
no page drawn before the change is served after it. Browsers and proxies are told nothing new (no ``max-age``):
only this cache, which the register clears, holds the page.

The same generation answers conditional requests (``ConditionalGetMiddleware``): every public response carries an
``ETag`` made of the generation and the request, and the time the generation began as ``Last-Modified``, so a
client asking again with ``If-None-Match`` or ``If-Modified-Since`` gets a 304 before anything is drawn or queried,
until the register next changes. A deployment clears it too (``invalidate`` after every ``migrate``), so a new
release's pages are never answered with an old release's validators.

The same generation keeps values derived from the whole register (``kept_until_change``: the home page's and
``/figures/``' counts) exact right after any change, for every worker, whether or not pages are cached.
"""

import datetime
import hashlib
import logging
import math
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language

from heritage import routing
from heritage.compression import negotiated_encoding

logger = logging.getLogger(__name__)
CACHE_ALIAS = "pages"
GENERATION_KEY = "page-cache:generation"
# The apps whose records appear on public pages.
CONTENT_APPS = {"heritage", "monuments", "meetings"}


def _cache():
    return caches[CACHE_ALIAS]


def _generation():
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
        # add(): when two workers start a generation at once, both go on with the one stored first.
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def _new_generation():
    # When it began, after the dash: what a replica draws soon after a change may not show the change yet.
    return f"{uuid.uuid4().hex}-{time.time():.3f}"


def _bump():
    _cache().set(GENERATION_KEY, _new_generation(), timeout=None)


def _may_keep(generation):
    """Whether what this request drew may be kept under ``generation``: not when it came from a replica that may
    not have replayed the change that began the generation (heritage.routing), or a page unpublished a moment ago
    could be served from the cache for PAGE_CACHE_SECONDS instead of the replica's few seconds of lag."""
    if not routing.drawn_from_replica():
        return True
    try:
        began = float(generation.split("-", 1)[1])
    except (IndexError, ValueError):
        return True  # a generation from before this rule: no change since this process's cache began
    return time.time() - began > routing.stale_window_seconds()


def invalidate():
    """Forget every cached page and derived value: now, and again when the current transaction commits.

    Now, so that this process never serves a page from before the change; at commit, because a reader can draw
    a page from the not-yet-committed (old) data between the two and cache it under the new generation. Also with
    the page cache off: ``kept_until_change`` relies on it.
    """
    _bump_or_log()
    transaction.on_commit(_bump_or_log)


def kept_until_change(name, compute, timeout):
    """``compute()``, kept in the shared cache until the register next changes (at most ``timeout`` seconds).

    For values that cost a read of the whole register, such as its counts: exact right after any change, since
    their key holds the generation every change replaces, and computed once for every worker, per language (they
    may hold translated labels). When the cache cannot be reached they are computed each time.
    """
    try:
        generation = _generation()
        key = f"derived:{generation}:{get_language()}:{name}"
        value = _cache().get(key)
    except Exception:
        logger.exception("The page cache could not be read")
        return compute()
    if value is None:
        value = compute()
        if not _may_keep(generation):
            return value
        try:
            _cache().set(key, value, timeout)
        except Exception:
            logger.exception("The page cache could not be written")
    return value


def _bump_or_log():
    # A cache that cannot be reached (Redis down) must not stop a record from being saved; while it is down it
    # serves no pages either, and what it held expires within PAGE_CACHE_SECONDS (derived values within their own
    # timeout).
    try:
        _bump()
    except Exception:
        logger.exception("The page cache could not be cleared")


def deployed(sender, **kwargs):
    """Cache upkeep: receiver for post_migrate (heritage.apps), which every deployment runs (`make serve`)."""
    _bump_or_log()


def content_changed(sender, **kwargs):
    """Cache upkeep, not domain logic: receiver for post_save, post_delete and m2m_changed (heritage.apps)."""
    if sender._meta.app_label in CONTENT_APPS:
        if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed sends pre_ and post_ actions
            invalidate()


def _key(request, generation):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    scheme = "https" if request.is_secure() else "http"
    language = getattr(request, "LANGUAGE_CODE", "")
    # Pages are stored as heritage.compression sent them: one copy per encoding a reader may be sent.
    encoding = negotiated_encoding(request) or "identity"
    return f"page-cache:{generation}:{scheme}:{request.get_host()}:{language}:{encoding}:{path}"


def _public_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.COOKIES  # a session (logged in), a CSRF token, messages: this reader's own page
        and not request.path.startswith(("/" + settings.ADMIN_URL, "/healthz"))
    )


def _cacheable_request(request):
    return settings.PAGE_CACHE_SECONDS > 0 and request.method == "GET" and _public_request(request)


def _cacheable_response(request, response):
    return _public_response(request, response) and not response.streaming


def _public_response(request, response):
    """Whether the response is the register's public page, the same for every reader without cookies."""
    # "Vary: Cookie" is no reason to skip: only readers without cookies get a cached page.
    cache_control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not (session is not None and session.modified)  # SessionMiddleware would set a cookie after us
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PublicPageCacheMiddleware:
    """Serves and stores anonymous GET pages; after LocaleMiddleware (the language is part of the key) and inside
    the security and CSP middleware, so a page from the cache gets the same headers as a fresh one; outside
    heritage.compression, so a page is compressed once per encoding (also part of the key), not on every serve."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Read before drawing the page: a change while it is drawn moves on to a new generation, and the page is
        # stored under the old one, which nobody asks for any more.
        try:
            generation = _generation()
            key = _key(request, generation)
            cached = _cache().get(key)
        except DisallowedHost:
            raise
        except Exception:
            # The cache is unreachable: draw the page as if there were none.
            logger.exception("The page cache could not be read")
            return self.get_response(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if _cacheable_response(request, response) and _may_keep(generation):
            try:
                _cache().set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("The page cache could not be written")
        return response


def _today():
    return datetime.datetime.now(datetime.UTC).date()


def _validators(request, generation):
    """The ``ETag`` and ``Last-Modified`` of what ``request`` draws under ``generation``.

    The tag covers everything a public response depends on besides the register: the address with its query, the
    language and the formats asked for. It is weak: the same page is sent compressed or not (heritage.compression).
    ``Last-Modified`` is the generation's start (or midnight, whichever is later), rounded up to the second HTTP
    dates have, and only once that second is over: a change later in the same second would otherwise get the same
    date and be answered with a 304.
    """
    language = getattr(request, "LANGUAGE_CODE", "")
    accept = request.headers.get("Accept", "")
    # Today's date too: a record page cites itself "accessed on" today, so yesterday's copy is not current.
    today = _today()
    key = f"{generation}|{today}|{language}|{accept}|{request.get_full_path()}"
    etag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    try:
        began = math.ceil(float(generation.split("-", 1)[1]))
    except (IndexError, ValueError):
        return etag, None
    midnight = datetime.datetime.combine(today, datetime.time.min, datetime.UTC).timestamp()
    began = max(began, int(midnight))
    return etag, (began if time.time() >= began else None)


class ConditionalGetMiddleware:
    """304 Not Modified for public GETs and HEADs whose client holds the current validators (see the module's
    docstring); the validators on every public 200, streamed exports included. Outside the page cache, so a 304
    costs neither a cache read nor a query; a response drawn from a replica that may lag behind the generation's
    change gets no validators (``_may_keep``), or a client would keep a stale page under the new tag."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _public_request(request):
            return self.get_response(request)
        try:
            generation = _generation()
        except Exception:
            logger.exception("The page cache could not be read")
            return self.get_response(request)
        etag, last_modified = _validators(request, generation)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            not_modified["ETag"] = etag
            if last_modified:
                not_modified["Last-Modified"] = http_date(last_modified)
            return not_modified
        response = self.get_response(request)
        if _public_response(request, response) and _may_keep(generation) and "ETag" not in response:
            response["ETag"] = etag
            if last_modified:
                response["Last-Modified"] = http_date(last_modified)
        return response
