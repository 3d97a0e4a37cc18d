"""When the database is unreachable, pages answer a plain 503 instead of a 500, and recover once it is back.

Django reconnects by itself (CONN_HEALTH_CHECKS drops a dead persistent connection before the next request uses
it), so nothing here keeps state: each request that finds the database down gets the 503 page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def service_unavailable(request):
    """The 503 page. Rendered without touching the database; plain text if even the template fails."""
    try:
        body = loader.render_to_string("503.html", request=request)
        content_type = "text/html; charset=utf-8"
    except Exception:  # the page that reports a fault must not fail itself
        logger.exception("The 503 template failed to render")
        body = _("The register is temporarily unavailable. Please try again in a few minutes.\n")
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection during a view or its template into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable on %s: %s", request.path, exception)
            return service_unavailable(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage met outside a view (session, authentication, middleware) is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
