"""Security plumbing Django does not ship: the Permissions-Policy header, a request size limit, the client's address,
error reports that carry no secret.

The other headers (CSP, HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy) come from django-csp and
Django's SecurityMiddleware, configured in settings.
"""

import re

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter


def permissions_policy_header(policy):
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy (settings.PERMISSIONS_POLICY) to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is over settings.MAX_REQUEST_BYTES, before anything reads it.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files, which it streams to disk
    however large. Without a Content-Length the WSGI server passes no body, so the declared length is enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Bad request: invalid Content-Length.\n"), status=400, content_type="text/plain")
        if length > settings.MAX_REQUEST_BYTES:
            message = _("Request too large: at most %(max)d MB can be sent at once.\n") % {
                "max": settings.MAX_REQUEST_BYTES // (1024 * 1024)
            }
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


def client_ip(request):
    """The client's address: the socket's, or with TRUSTED_PROXY_COUNT proxies in front, the one they report.

    Each proxy appends the address it received from to X-Forwarded-For, so the entry ``TRUSTED_PROXY_COUNT`` from
    the right is the one our outermost proxy saw; anything to the left of it could be forged by the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


class ErrorReportFilter(SafeExceptionReporterFilter):
    """Error reports (the mail to ADMINS) star more settings than Django's list does (heritage.reporting).

    Django hides names with KEY, SECRET, PASS, TOKEN... and the session cookie; but REDIS_URL and the pages cache's
    LOCATION hold ``redis://:password@host``, and any other ``…URL`` or ``…DSN`` may carry a credential too.
    """

    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|LOCATION|DSN", re.I)
