"""Every request has an id, in the response's ``X-Request-ID`` header and in every log line written for it.

An incoming ``X-Request-ID`` (set by the reverse proxy, e.g. nginx's ``proxy_set_header X-Request-ID
$request_id``) is kept, so the proxy's log, ours and an error report can be matched up; one that is not 1–64
letters, digits or ``- _ . : + / =`` (a newline that would forge a log line, a kilobyte of text) is replaced,
as is a missing one, by a new random id (32 hex digits). A client can choose its own id that way: it is a label
for finding log lines, never trusted for anything else.

The middleware comes first in MIDDLEWARE, outside the public page cache: the header is set on each response as
it leaves, so a page served from the cache carries its reader's id, never the one it was drawn for.
"""

import re
import uuid

from django.core.signals import request_finished

from heritage import logs

HEADER = "X-Request-ID"
VALID_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,64}")


def request_id_for(request):
    incoming = request.headers.get(HEADER, "")
    return incoming if VALID_ID.fullmatch(incoming) else uuid.uuid4().hex


def _forget_request(**kwargs):
    logs.clear_request()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Cleared when the response is closed, not when this middleware returns: Django logs a 4xx or 5xx
        # response after the whole middleware chain, and a streamed export logs while it streams.
        request_finished.connect(_forget_request, dispatch_uid="heritage_request_id")

    def __call__(self, request):
        request.request_id = request_id_for(request)
        logs.set_request(request.request_id, request.path)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response
