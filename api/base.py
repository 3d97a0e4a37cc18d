"""What every API resource shares: the JSON Schema helpers its schema is written with, absolute links, the
shapes of a cited source and of a reference to another record, and ``Resource``, the declaration of one kind of
record (``api.resources`` lists them).

A resource's ``page_data`` turns a page of ``for_page``'s rows into JSON. By default each row is a model instance
and ``data`` makes its JSON; the monuments and meetings (``api.monument_rows``, ``api.meeting_rows``) read
``values()`` rows and their relations in a few queries per page instead, since a harvester walks a million of them.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from api.paging import KeysetOrder
from heritage.models import DatePrecision, PlaceKind, SourceKind, public_or_none
from heritage.names import NAME_LANGUAGES

# --- JSON Schema (OpenAPI 3.1) helpers ------------------------------------------------------------------------------


def _s(type_, nullable=False, **extra):
    return {"type": [type_, "null"] if nullable else type_, **extra}


def text(nullable=False, **extra):
    return _s("string", nullable, **extra)


def integer(nullable=False, **extra):
    return _s("integer", nullable, **extra)


def number(nullable=False, **extra):
    return _s("number", nullable, **extra)


def boolean():
    return {"type": "boolean"}


def date(nullable=False):
    return text(nullable, format="date")


def datetime_():
    return text(format="date-time")


def uri():
    return text(format="uri")


def codes(choices, nullable=False):
    values = [value for value, _label in choices]
    return {"type": ["string", "null"], "enum": [*values, None]} if nullable else {"type": "string", "enum": values}


def array(items):
    return {"type": "array", "items": items}


def obj(properties, nullable=False):
    schema = {
        "type": ["object", "null"] if nullable else "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return schema


def ref(name, nullable=False):
    target = {"$ref": f"#/components/schemas/{name}"}
    return {"oneOf": [target, {"type": "null"}]} if nullable else target


# --- Links ----------------------------------------------------------------------------------------------------------


# A record's name in each language and the language of its original ``name`` (``heritage.names``).
NAME_SCHEMA = {
    "names": obj({code: text(nullable=True) for code in NAME_LANGUAGES}),
    "name_language": text(nullable=True),
}


def name_data(record):
    return {"names": record.names, "name_language": or_none(record.name_language)}


class Links:
    """Absolute URLs of records, with ``reverse()`` once per view name and request, not once per row."""

    SENTINEL = 987654321

    def __init__(self, request):
        self.base = request.build_absolute_uri("/")[:-1]
        self._templates = {}

    def url(self, viewname, key):
        template = self._templates.get(viewname)
        if template is None:
            try:
                path, marker = reverse(viewname, args=["KEY"]), "KEY"
            except NoReverseMatch:
                path, marker = reverse(viewname, args=[self.SENTINEL]), str(self.SENTINEL)
            template = self._templates[viewname] = path.split(marker)
        return f"{self.base}{template[0]}{key}{template[1]}"


def iso(value):
    return value.isoformat() if value is not None else None


def or_none(value):
    return value if value not in ("", None) else None


# --- Shared pieces --------------------------------------------------------------------------------------------------

SCHEMAS = {
    "CitedSource": obj(
        {
            "id": integer(),
            "api_url": uri(),
            "html_url": uri(),
            "kind": codes(SourceKind.choices),
            "title": text(),
            "publisher": text(),
            "author": text(),
            "published_on": date(nullable=True),
            "published_precision": codes(DatePrecision.choices),
            "url": text(),
            "archived_url": text(),
            "language": text(),
            "cites": text(),
        }
    ),
    # name_language: the language the name is written in, null when not recorded (``heritage.names``).
    "RecordRef": obj({"slug": text(), "name": text(), "name_language": text(nullable=True), "api_url": uri()}),
    "NamedRef": obj({"slug": text(), "name": text(), "name_language": text(nullable=True)}),
    "PlaceRef": obj(
        {
            "slug": text(),
            "name": text(),
            "name_language": text(nullable=True),
            "kind": codes(PlaceKind.choices),
            "country": text(nullable=True),
            "api_url": uri(),
        }
    ),
}


# A cited source's fields, in the order ``source_json`` reads them (``values_list`` rows give them in this order).
SOURCE_FIELDS = (
    "id",
    "kind",
    "title",
    "publisher",
    "author",
    "published_on",
    "published_precision",
    "url",
    "archived_url",
    "language",
    "cites",
)


def source_json(values, links):
    """A cited source from its ``SOURCE_FIELDS`` values: a model's or a ``values_list`` row's."""
    pk, kind, title, publisher, author, published_on, precision, url, archived_url, language, cites = values
    return {
        "id": pk,
        "api_url": links.url("api:source_detail", pk),
        "html_url": links.url("heritage:source_detail", pk),
        "kind": kind,
        "title": title,
        "publisher": publisher,
        "author": author,
        "published_on": iso(published_on),
        "published_precision": precision,
        "url": url,
        "archived_url": archived_url,
        "language": language,
        "cites": cites,
    }


def source_data(source, links):
    return source_json([getattr(source, name) for name in SOURCE_FIELDS], links)


def record_json(slug, name, name_language, url):
    """A ``RecordRef`` from its values: a model's (``record_ref``) or a ``values()`` row's."""
    return {"slug": slug, "name": name, "name_language": or_none(name_language), "api_url": url}


def record_ref(record, viewname, links):
    return record_json(record.slug, record.name, record.name_language, links.url(viewname, record.slug))


def named_json(slug, name, name_language):
    """A topic or a monument type: slug, name and the name's language (null when not recorded)."""
    return {"slug": slug, "name": name, "name_language": or_none(name_language)}


def named_ref(record):
    return named_json(record.slug, record.name, record.name_language)


def place_json(slug, name, name_language, kind, country, links):
    """A reference to a place from its values: a model's (``place_ref``) or a ``values()`` row's."""
    return {
        "slug": slug,
        "name": name,
        "name_language": or_none(name_language),
        "kind": kind,
        "country": or_none(country),
        "api_url": links.url("api:place_detail", slug),
    }


def place_ref(place, links):
    if place is None:
        return None
    return place_json(place.slug, place.name, place.name_language, place.kind, place.country.code, links)


def published_ref(record, viewname, links):
    """A reference to a related record, or ``None`` while that record is a draft: drafts stay private."""
    record = public_or_none(record)
    return record_ref(record, viewname, links) if record else None


def sources_data(record, links):
    return [source_data(source, links) for source in record.sources.all()]


# --- Resources ------------------------------------------------------------------------------------------------------

BY_ID = KeysetOrder("id", ("id",))


@dataclass
class Resource:
    """One kind of record in the API: ``/api/v1/<name>/`` and ``/api/v1/<name>/<key>/``."""

    name: str
    model: type
    lookup: str  # "slug" or "pk"
    schema_name: str
    filterset_class: type
    orders: dict = field(default_factory=lambda: {None: BY_ID})
    summary: str = ""
    example_filters: str = ""
    example_key: str = ""

    def queryset(self):
        raise NotImplementedError

    def for_page(self, queryset):
        """``queryset`` with what ``data`` reads of each record loaded in a few queries per page."""
        return queryset

    def page_data(self, rows, links):
        """The JSON of ``rows``, a page (or the one record) of ``for_page``'s queryset."""
        return [self.data(row, links) for row in rows]

    def data(self, record, links):
        raise NotImplementedError

    def schema(self):
        raise NotImplementedError

    def order_for(self, filterset):
        sort = filterset.form.cleaned_data.get("sort") if "sort" in filterset.filters else None
        return self.orders.get(sort or None, self.orders[None])

    def prepare(self, queryset, order):
        return queryset

    @property
    def list_view(self):
        return f"api:{self.schema_name.lower()}_list"

    @property
    def detail_view(self):
        return f"api:{self.schema_name.lower()}_detail"
