"""Rate limiting per client: at most ``RATE_LIMIT_REQUESTS`` requests per ``RATE_LIMIT_WINDOW_SECONDS`` from one
address, then HTTP 429 with ``Retry-After`` until the window ends. Off for staff and when the limit is 0.

A fixed window counted in the ``shared`` cache (Redis when ``REDIS_URL`` is set, so every worker and every app
server counts together; otherwise each process counts on its own, which multiplies the limit by the number of
workers). The counter is one atomic ``incr`` per request. A request without a session cookie (every reader the page
cache serves) is counted on its way in, before the page cache, so that cached pages count too; one with a session
cookie is counted in ``process_view``, once AuthenticationMiddleware has put its user there, unless that user is
staff (a made-up cookie buys nothing: its user is anonymous). Placed after the locale middleware, so the refusal is
written in the reader's language.

Every counted response says how much is left (``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``,
the IETF draft's names), so a harvester can pace itself instead of running into the wall. A cache that cannot be
reached counts nothing: the site stays up without its limiter.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.translation import gettext

from heritage.security import client_ip

logger = logging.getLogger(__name__)
CACHE_ALIAS = "shared"
# Never limited: the load balancer's health checks, and the staff area (whose login django-axes guards).
EXEMPT_PREFIXES = ("/healthz",)


def _exempt(request):
    return settings.RATE_LIMIT_REQUESTS <= 0 or request.path.startswith((*EXEMPT_PREFIXES, "/" + settings.ADMIN_URL))


def _count(client, window_start):
    """The number of requests from ``client`` in the window that began at ``window_start``, this one included."""
    cache = caches[CACHE_ALIAS]
    key = f"ratelimit:{client}:{window_start}"
    # add() then incr(): the first request of a window creates the counter, which expires with the window.
    cache.add(key, 0, timeout=settings.RATE_LIMIT_WINDOW_SECONDS + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=settings.RATE_LIMIT_WINDOW_SECONDS + 1)
        return 1


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _exempt(request):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            request.rate_limit_pending = True  # counted in process_view, where the user is known
            response = self.get_response(request)
        else:
            response = self.counted(request)
        for name, value in getattr(request, "rate_limit_headers", {}).items():
            response[name] = value
        return response

    def process_view(self, request, view, args, kwargs):
        if not getattr(request, "rate_limit_pending", False):
            return None
        request.rate_limit_pending = False
        try:
            if request.user.is_staff:
                return None
        except DatabaseError:
            return None  # the database is down: the view answers with the 503 page, uncounted
        return self.counted(request, lambda _request: None)  # None: on to the view

    def counted(self, request, get_response=None):
        """Count the request; the 429 if it is over the limit, else ``get_response(request)`` (by default the
        rest of the chain). The RateLimit headers go on whichever response is sent."""
        get_response = get_response or self.get_response
        window = settings.RATE_LIMIT_WINDOW_SECONDS
        now = time.time()
        window_start = int(now // window * window)
        try:
            used = _count(client_ip(request) or "unknown", window_start)
        except Exception:
            logger.exception("The rate limiter's cache could not be reached; the request is not counted")
            return get_response(request)
        limit = settings.RATE_LIMIT_REQUESTS
        reset = max(1, math.ceil(window_start + window - now))
        if used > limit:
            response = HttpResponse(
                gettext(
                    "Too many requests from your address: at most %(limit)d in %(window)d seconds. "
                    "Try again in %(seconds)d seconds."
                )
                % {"limit": limit, "window": window, "seconds": reset},
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(reset)
        else:
            response = get_response(request)
        request.rate_limit_headers = {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(max(0, limit - used)),
            "RateLimit-Reset": str(reset),
        }
        return response
