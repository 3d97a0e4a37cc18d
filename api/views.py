"""The API's views: a list and a record view per resource (``api.resources``), the deleted list, the OpenAPI
description and the human-readable API page. Plain Django views: why, in docs/developers/api.md."""

import datetime
import re

import orjson
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from django.utils.translation import gettext as _

from api import openapi
from api.base import Links
from api.limits import DEFAULT_LIMIT, MAX_LIMIT, PAGING_PARAMETERS
from api.models import Withdrawal
from api.paging import BadCursorError, KeysetOrder
from api.resources import RESOURCES
from heritage.listing import clean_text


def json_response(data, status=200, headers=None):
    # orjson: UTF-8 as given (no \u escapes), lazy translations through str().
    return HttpResponse(
        orjson.dumps(data, default=str), status=status, headers=headers, content_type="application/json"
    )


def error_response(errors, status=400):
    """``{"errors": {parameter: [messages]}}``: each message names the value and what would be valid."""
    return json_response({"errors": errors}, status=status)


def not_found(message):
    return json_response({"detail": message}, status=404)


def parse_limit(value):
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = None
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(
            _("“%(value)s” is not a valid limit: give a whole number from 1 to %(max)s.")
            % {"value": value, "max": MAX_LIMIT}
        )
    return limit


def parse_since(value):
    """An ISO 8601 date-time (UTC when it has no offset) or a date (its midnight, UTC)."""
    # "+00:00" written into a URL unencoded arrives as " 00:00": the plus sign was meant.
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value)
    moment = None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            _("“%(value)s” is not a date-time: give one in ISO 8601, for example 2026-12-01T00:00:00Z or 2026-12-01.")
            % {"value": value}
        )
    try:
        # In UTC: PostgreSQL takes offsets of at most 15:59 hours, Python up to 23:59.
        return make_aware(moment, datetime.UTC) if is_naive(moment) else moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(
            _("“%(value)s” is out of range: give a date-time between the years 1 and 9999.") % {"value": value}
        ) from None


class ListRequest:
    """The paging parameters of a list request, read and checked; ``errors`` says what was wrong."""

    def __init__(self, request, filter_names):
        self.errors = {}
        query = request.GET
        known = {*filter_names, *PAGING_PARAMETERS}
        unknown = sorted(name for name in query if name not in known)
        for name in unknown:
            self.errors[clean_text(name)[:100]] = [
                _("Unknown parameter. The parameters of this list are: %(names)s.")
                % {"names": ", ".join(sorted(known))}
            ]
        self.limit = DEFAULT_LIMIT
        self.since = None
        self.cursor = clean_text(query.get("cursor", "")) or None
        for name, parse in (("limit", parse_limit), ("updated_since", parse_since)):
            if name in query:
                try:
                    setattr(self, "since" if name == "updated_since" else name, parse(clean_text(query[name])))
                except ValueError as error:
                    self.errors[name] = [str(error)]
        filters = QueryDict(mutable=True)
        for name in filter_names:
            if name in query:
                # As given: a control character makes a date or a choice invalid (a 400 saying so), where the list
                # pages' forms drop it (heritage.listing.filter_data); the search box cleans its own text.
                filters.setlist(name, query.getlist(name))
        self.filters = filters

    def read_cursor(self, order, model):
        if self.cursor is None:
            return None
        try:
            return order.read_cursor(self.cursor, model)
        except BadCursorError as error:
            self.errors["cursor"] = [
                _("“%(value)s” is not valid: %(reason)s. Use the “next” link of the previous page.")
                % {"value": self.cursor[:100], "reason": error}
            ]
            return None


def next_link(request, cursor):
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def page_response(request, rows, more, order, data):
    next_url = next_link(request, order.cursor_for(rows[-1])) if more and rows else None
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return json_response({"next": next_url, "results": data}, headers=headers)


def list_view(request, resource):
    filterset_class = resource.filterset_class
    params = ListRequest(request, list(filterset_class.base_filters))
    filterset = filterset_class(params.filters, queryset=resource.queryset())
    if not filterset.is_valid():
        for name, messages in filterset.form.errors.items():
            params.errors[name] = list(messages)
    order = resource.order_for(filterset) if not params.errors else None
    values = params.read_cursor(order, resource.model) if order else None
    if params.errors:
        return error_response(params.errors)
    queryset = resource.prepare(filterset.qs, order)
    if params.since is not None:
        queryset = queryset.filter(updated_at__gte=params.since)
    rows, more = order.page(resource.for_page(queryset), values, params.limit)
    links = Links(request)
    return page_response(request, rows, more, order, resource.page_data(rows, links))


def record_view(request, resource, key):
    if request.GET:
        return error_response({clean_text(name)[:100]: [_("This record takes no parameters.")] for name in request.GET})
    queryset = resource.for_page(resource.queryset())
    if resource.lookup == "pk":
        records = list(queryset.filter(pk=key)[:1]) if key.isdigit() and len(key) < 19 else []
    else:
        records = list(queryset.filter(slug=key)[:1])
    if not records:
        return not_found(
            _("No published record of %(resource)s is found by “%(key)s”.") % {"resource": resource.name, "key": key}
        )
    return json_response(resource.page_data(records, Links(request))[0])


WITHDRAWAL_ORDER = KeysetOrder("withdrawn", ("withdrawn_at", "id"))
WITHDRAWAL_RESOURCES = [resource.name for resource in RESOURCES]


def deleted_view(request):
    """Records that left the public register (deleted or unpublished), oldest first, after ``updated_since``."""
    params = ListRequest(request, ["resource"])
    resource = params.filters.get("resource")
    if resource and resource not in WITHDRAWAL_RESOURCES:
        params.errors["resource"] = [
            _("“%(value)s” is not a resource of this API: give one of %(names)s.")
            % {"value": resource[:100], "names": ", ".join(WITHDRAWAL_RESOURCES)}
        ]
    values = params.read_cursor(WITHDRAWAL_ORDER, Withdrawal)
    if params.errors:
        return error_response(params.errors)
    queryset = Withdrawal.objects.all()
    if resource:
        queryset = queryset.filter(resource=resource)
    if params.since is not None:
        queryset = queryset.filter(withdrawn_at__gte=params.since)
    rows, more = WITHDRAWAL_ORDER.page(queryset, values, params.limit)
    data = [
        {"resource": w.resource, "key": w.key, "reason": w.reason, "withdrawn_at": w.withdrawn_at.isoformat()}
        for w in rows
    ]
    return page_response(request, rows, more, WITHDRAWAL_ORDER, data)


def no_such_path(request, rest):
    return not_found(_("There is nothing at this address. The API's description: /api/v1/openapi.json."))


def openapi_view(request):
    return json_response(openapi.description(request))


def docs_view(request):
    return render(request, "api/docs.html", {"api": openapi.page(request)})
