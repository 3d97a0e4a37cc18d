"""When the database is unreachable, pages answer a plain 503 instead of a 500, and recover once it is back.

Django reconnects by itself (CONN_HEALTH_CHECKS drops a dead persistent connection before the next request uses
it), so nothing here keeps state: each request that finds the database down gets the 503 page.

Only an outage is a 503 (``is_outage``): a connection refused, lost or closed, or a server that cannot take one
now. Every other database error (a statement timeout, a deadlock, a lock wait given up, a full disk, SQLite's
"database is locked") is a fault in serving this request: an ordinary 500, logged by Django with its traceback
so that someone looks at it, and no ``Retry-After`` (trying again in 30 s would not help).
"""

import logging
import sqlite3
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# PostgreSQL error codes that mean the server cannot serve this connection: class 08 (connection exception), 57P*
# (the session was ended by an administrator or a crash, the server is starting or shutting down, the database
# was dropped, the session timed out idle) and 53300 (too many connections). psycopg2 gives no code at all when it
# cannot reach the server or loses it mid-query ("connection refused", "server closed the connection").
OUTAGE_PGCODE_CLASSES = ("08", "57P")
OUTAGE_PGCODES = {"53300"}
SQLITE_CANTOPEN = 14  # the only SQLite error that means there is no database to talk to


def is_outage(exception):
    """Whether a database error means the database cannot be reached (503), not a fault in this request (500)."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return False
    cause = exception.__cause__  # Django raises its own class from the driver's error
    if isinstance(cause, sqlite3.Error):
        # An InterfaceError from sqlite3 is a bad parameter (a bug); "database is locked" is a slow writer.
        return isinstance(exception, OperationalError) and (cause.sqlite_errorcode or 0) & 0xFF == SQLITE_CANTOPEN
    if isinstance(exception, InterfaceError):
        return True  # psycopg2: "connection already closed"
    cursor = getattr(cause, "cursor", None)
    if cursor is not None and cursor.connection.closed:
        return True  # whatever the error said, the server ended the connection with it
    pgcode = getattr(cause, "pgcode", None)
    if pgcode is None:
        return True
    return pgcode.startswith(OUTAGE_PGCODE_CLASSES) or pgcode in OUTAGE_PGCODES


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
    """Turns a lost database connection during a view or its template into the 503 page; other errors go on to
    Django's handling (logged with their traceback, then ``server_error``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.error("Database unavailable on %s: %s", request.path, exception)
            return service_unavailable(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage met outside a view (session, authentication, middleware) is still a 503."""
    exception = sys.exc_info()[1]
    if is_outage(exception):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
