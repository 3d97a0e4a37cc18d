"""The OpenAPI 3.1 description of the API, made from what the views use: each list's FilterSet gives its query
parameters (names, allowed values, ranges) and each resource's schema (``api.resources``) its responses. Nothing
is written twice, so the description stays true; the tests and schemathesis check the answers against it."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from api.base import SCHEMAS, obj, text
from api.limits import DEFAULT_LIMIT, MAX_LIMIT
from api.models import WithdrawalReason
from api.resources import RESOURCES
from heritage.listing import SearchField

VERSION = "1.0.0"


def _choices(choices):
    return [str(value) for value, _label in choices if value not in ("", None)]


def filter_parameter(name, filter_):
    """The OpenAPI parameter of one django-filter filter, from its own field and choices."""
    field = filter_.field
    schema = {"type": "string"}
    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        schema = {"type": "array", "items": {"type": "string"}}
    elif isinstance(filter_, django_filters.MultipleChoiceFilter):
        schema = {"type": "array", "items": {"type": "string", "enum": _choices(field.choices)}}
    elif isinstance(filter_, django_filters.ModelChoiceFilter):
        schema = {"type": "string"}
    elif isinstance(filter_, django_filters.ChoiceFilter):
        schema = {"type": "string", "enum": _choices(field.choices)}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    elif isinstance(field, SearchField):
        # Its 200 characters are counted once control characters and repeated spaces are dropped, which no
        # schema can say: the description does.
        schema = {"type": "string"}
    elif isinstance(field, forms.CharField) and field.max_length:
        schema = {"type": "string", "maxLength": field.max_length}
    if schema["type"] != "array":
        # An empty value is no filter, as on the list pages, whose forms send "sort=" for "any".
        schema = {"anyOf": [schema, {"type": "string", "const": ""}]}
    description = str(filter_.label or name)
    if isinstance(field, SearchField):
        description += ". " + _("Words to find, at most %(n)s characters.") % {"n": field.max_length}
    if filter_.extra.get("help_text"):
        description += ". " + str(filter_.extra["help_text"])
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    return parameter


def paging_parameters():
    return [
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": _("Where the page starts: the cursor of the previous page's “next” link. Opaque."),
            "schema": {"type": "string"},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": _("Records per page, %(max)s at most.") % {"max": MAX_LIMIT},
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        },
        {
            "name": "updated_since",
            "in": "query",
            "required": False,
            "description": _(
                "Only what changed at or after this time (ISO 8601; UTC without an offset; a date means its "
                "midnight). With the deleted list, enough to keep a mirror current."
            ),
            "schema": {"type": "string", "format": "date-time"},
        },
    ]


def page_schema(item_ref):
    return obj({"next": {"type": ["string", "null"], "format": "uri"}, "results": {"type": "array", "items": item_ref}})


ERRORS = {
    "type": "object",
    "properties": {
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    },
    "required": ["errors"],
}
NOT_FOUND = obj({"detail": text()})


def _json(schema_ref, description):
    return {"description": description, "content": {"application/json": {"schema": schema_ref}}}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def description(request):
    paths = {}
    schemas = dict(SCHEMAS)
    for resource in RESOURCES:
        name = resource.schema_name
        schemas[name] = resource.schema()
        schemas[f"{name}Page"] = page_schema(_ref(name))
        parameters = [filter_parameter(n, f) for n, f in resource.filterset_class.base_filters.items()]
        list_path = reverse(resource.list_view)
        paths[list_path] = {
            "get": {
                "operationId": f"list_{resource.name}",
                "summary": str(resource.summary),
                "tags": [resource.name],
                "parameters": parameters + paging_parameters(),
                "responses": {
                    "200": _json(_ref(f"{name}Page"), _("A page of published records, and the link to the next.")),
                    "400": _json(_ref("Errors"), _("A parameter was not understood; the message says why.")),
                },
            }
        }
        key = "slug" if resource.lookup == "slug" else "id"
        detail_path = reverse(resource.detail_view, args=["KEY"] if key == "slug" else [1]).rsplit("/", 2)[0]
        paths[f"{detail_path}/{{{key}}}/"] = {
            "get": {
                "operationId": f"get_{name.lower()}",
                "summary": _("One record by its %(key)s") % {"key": key},
                "tags": [resource.name],
                "parameters": [
                    {
                        "name": key,
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"} if key == "slug" else {"type": "integer", "minimum": 1},
                    }
                ],
                "responses": {
                    "200": _json(_ref(name), _("The published record.")),
                    "400": _json(_ref("Errors"), _("A record takes no query parameters.")),
                    "404": _json(_ref("NotFound"), _("No published record by that key.")),
                },
            }
        }
    schemas["Withdrawal"] = obj(
        {
            "resource": {"type": "string", "enum": [r.name for r in RESOURCES]},
            "key": text(),
            "reason": {"type": "string", "enum": _choices(WithdrawalReason.choices)},
            "withdrawn_at": {"type": "string", "format": "date-time"},
        }
    )
    schemas["WithdrawalPage"] = page_schema(_ref("Withdrawal"))
    schemas["Errors"] = ERRORS
    schemas["NotFound"] = NOT_FOUND
    paths[reverse("api:deleted")] = {
        "get": {
            "operationId": "list_deleted",
            "summary": _("Records that were public and are no longer (deleted or unpublished), oldest first"),
            "tags": ["deleted"],
            "parameters": [
                {
                    "name": "resource",
                    "in": "query",
                    "required": False,
                    "description": _("Only this kind of record."),
                    "schema": {"type": "string", "enum": ["", *(r.name for r in RESOURCES)]},
                },
                *paging_parameters(),
            ],
            "responses": {
                "200": _json(_ref("WithdrawalPage"), _("A page of withdrawals.")),
                "400": _json(_ref("Errors"), _("A parameter was not understood; the message says why.")),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Heritage register API"),
            "version": VERSION,
            "description": _(
                "Read-only JSON of everything the register publishes: monuments and their condition over time, "
                "meetings, people, organizations, events, places, sources and reported figures, each statement "
                "with its source. No key needed."
            ),
            "license": {"name": _("See the register's terms"), "url": request.build_absolute_uri("/")},
        },
        "servers": [{"url": request.build_absolute_uri("/")[:-1]}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def page(request):
    """What the API page shows: each operation with an example request that works on the demo data."""
    base = request.build_absolute_uri("/")[:-1]
    endpoints = []
    for resource in RESOURCES:
        list_url = base + reverse(resource.list_view)
        example = list_url + "?" + (resource.example_filters + "&" if resource.example_filters else "") + "limit=10"
        parameters = [filter_parameter(n, f) for n, f in resource.filterset_class.base_filters.items()]
        for parameter in parameters:
            parameter["shown"] = parameter["schema"].get("anyOf", [parameter["schema"]])[0]
        record = resource.queryset().order_by("pk").first()
        record_key = (record.slug if resource.lookup == "slug" else record.pk) if record else None
        endpoints.append(
            {
                "name": resource.name,
                "summary": str(resource.summary),
                "list_url": list_url,
                "example": example,
                "record_example": base + reverse(resource.detail_view, args=[record_key]) if record_key else None,
                "record_pattern": list_url + ("{slug}/" if resource.lookup == "slug" else "{id}/"),
                "parameters": parameters,
            }
        )
    deleted = base + reverse("api:deleted")
    return {
        "endpoints": endpoints,
        "deleted_url": deleted,
        "deleted_example": deleted + "?updated_since=2026-01-01T00:00:00Z",
        "openapi_url": base + reverse("api:openapi"),
        "max_limit": MAX_LIMIT,
        "default_limit": DEFAULT_LIMIT,
    }
