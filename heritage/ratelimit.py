"""Rate limiting per client: at most ``RATE_LIMIT_REQUESTS`` requests per ``RATE_LIMIT_WINDOW_SECONDS`` from one
address, then HTTP 429 with ``Retry-After`` until the window ends. Off for staff and when the limit is 0.

A fixed window counted in the ``shared`` cache (Redis when ``REDIS_URL`` is set, so every worker and every app
server counts together; otherwise each process counts on its own, which multiplies the limit by the number of
workers). The counter is one atomic ``incr`` per request. Placed before the page cache, so that pages served from
the cache count too, and after the session and locale middleware: staff are recognised by their session (the user
is loaded once and kept for AuthenticationMiddleware), and the refusal is written in the reader's language.

Every counted response says how much is left (``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``,
the IETF draft's names), so a harvester can pace itself instead of running into the wall. A cache that cannot be
reached counts nothing: the site stays up without its limiter.
"""

import logging
import math
import time

from django.conf import settings
from django.contrib.auth.middleware import get_user
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import gettext

from heritage.security import client_ip

logger = logging.getLogger(__name__)
CACHE_ALIAS = "shared"
# Never limited: the load balancer's health checks, and the staff area (whose login django-axes guards).
EXEMPT_PREFIXES = ("/healthz",)


def _exempt(request):
    if settings.RATE_LIMIT_REQUESTS <= 0:
        return True
    if request.path.startswith((*EXEMPT_PREFIXES, "/" + settings.ADMIN_URL)):
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES and hasattr(request, "session"):
        return get_user(request).is_staff
    return False


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
        window = settings.RATE_LIMIT_WINDOW_SECONDS
        now = time.time()
        window_start = int(now // window * window)
        try:
            used = _count(client_ip(request) or "unknown", window_start)
        except Exception:
            logger.exception("The rate limiter's cache could not be reached; the request is not counted")
            return self.get_response(request)
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
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(0, limit - used))
        response["RateLimit-Reset"] = str(reset)
        return response
