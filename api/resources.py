"""What the API serves of each kind of record: which records are public, how a page of them is loaded, the JSON
each becomes and that JSON's schema. The schema and the serializer sit side by side, and the OpenAPI description
(``api.openapi``) is made from these same declarations and the lists' FilterSets, so it cannot drift from what the
views answer; the tests (and schemathesis) check every response against it, with no extra fields allowed.

Published records only, and only their published relations; coordinates through ``monuments.geo.public_point``,
the function the pages and exports use. The monuments and meetings, which harvesters walk in bulk, are read as rows
in ``api.monument_rows`` and ``api.meeting_rows``.
"""

from django.utils.translation import gettext_lazy as _

from api import filters as api_filters
from api.base import (
    NAME_SCHEMA,
    SCHEMAS,
    Resource,
    array,
    codes,
    date,
    datetime_,
    integer,
    iso,
    name_data,
    named_ref,
    number,
    obj,
    or_none,
    place_ref,
    published_ref,
    ref,
    source_data,
    sources_data,
    text,
    uri,
)
from api.meeting_rows import MeetingResource
from api.monument_rows import MONUMENT_ORDERS, MonumentResource
from api.paging import KeysetOrder
from heritage.models import DatePrecision, Place, PlaceKind, Source, split_names
from meetings.filters import MeetingFilterSet
from meetings.models import (
    Event,
    EventKind,
    Meeting,
    Organization,
    OrganizationKind,
    Person,
)
from monuments.filters import MonumentFilterSet
from monuments.models import Condition, FigureQualifier, Monument, ReportedFigure


class PersonResource(Resource):
    def queryset(self):
        return Person.objects.published()

    def data(self, p, links):
        return {
            "slug": p.slug,
            "api_url": links.url("api:person_detail", p.slug),
            "html_url": links.url("meetings:person_detail", p.slug),
            "name": p.name,
            **name_data(p),
            "alternative_names": split_names(p.alternative_names),
            "country": or_none(p.country.code),
            "description": p.description,
            "updated_at": iso(p.updated_at),
        }

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "html_url": uri(),
                "name": text(),
                **NAME_SCHEMA,
                "alternative_names": array(text()),
                "country": text(nullable=True),
                "description": text(),
                "updated_at": datetime_(),
            }
        )


class OrganizationResource(Resource):
    def queryset(self):
        return Organization.objects.published()

    def for_page(self, queryset):
        return queryset.select_related("parent")

    def data(self, o, links):
        return {
            "slug": o.slug,
            "api_url": links.url("api:organization_detail", o.slug),
            "html_url": links.url("meetings:organization_detail", o.slug),
            "name": o.name,
            **name_data(o),
            "acronym": o.acronym,
            "alternative_names": split_names(o.alternative_names),
            "kind": o.kind,
            "country": or_none(o.country.code),
            "parent": published_ref(o.parent, "api:organization_detail", links),
            "website": o.url,
            "description": o.description,
            "updated_at": iso(o.updated_at),
        }

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "html_url": uri(),
                "name": text(),
                **NAME_SCHEMA,
                "acronym": text(),
                "alternative_names": array(text()),
                "kind": codes(OrganizationKind.choices),
                "country": text(nullable=True),
                "parent": ref("RecordRef", nullable=True),
                "website": text(),
                "description": text(),
                "updated_at": datetime_(),
            }
        )


class EventResource(Resource):
    def queryset(self):
        return Event.objects.published()

    def for_page(self, queryset):
        return queryset.select_related("place", "organizer").prefetch_related("sources")

    def data(self, e, links):
        return {
            "slug": e.slug,
            "api_url": links.url("api:event_detail", e.slug),
            "html_url": links.url("meetings:event_detail", e.slug),
            "name": e.name,
            **name_data(e),
            "short_name": e.short_name,
            "kind": e.kind,
            "start_date": iso(e.start_date),
            "end_date": iso(e.end_date),
            "date_precision": e.date_precision,
            "place": place_ref(e.place, links),
            "organizer": published_ref(e.organizer, "api:organization_detail", links),
            "website": e.url,
            "description": e.description,
            "sources": sources_data(e, links),
            "updated_at": iso(e.updated_at),
        }

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "html_url": uri(),
                "name": text(),
                **NAME_SCHEMA,
                "short_name": text(),
                "kind": codes(EventKind.choices),
                "start_date": date(nullable=True),
                "end_date": date(nullable=True),
                "date_precision": codes(DatePrecision.choices),
                "place": ref("PlaceRef", nullable=True),
                "organizer": ref("RecordRef", nullable=True),
                "website": text(),
                "description": text(),
                "sources": array(ref("CitedSource")),
                "updated_at": datetime_(),
            }
        )


class PlaceResource(Resource):
    def queryset(self):
        return Place.objects.all()

    def for_page(self, queryset):
        return queryset.select_related("parent")

    def data(self, p, links):
        return {
            "slug": p.slug,
            "api_url": links.url("api:place_detail", p.slug),
            "name": p.name,
            **name_data(p),
            "alternative_names": split_names(p.alternative_names),
            "kind": p.kind,
            "parent": place_ref(p.parent, links),
            "country": or_none(p.country.code),
            "latitude": float(p.latitude) if p.latitude is not None else None,
            "longitude": float(p.longitude) if p.longitude is not None else None,
            "updated_at": iso(p.updated_at),
        }

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "name": text(),
                **NAME_SCHEMA,
                "alternative_names": array(text()),
                "kind": codes(PlaceKind.choices),
                "parent": ref("PlaceRef", nullable=True),
                "country": text(nullable=True),
                "latitude": number(nullable=True, minimum=-90, maximum=90),
                "longitude": number(nullable=True, minimum=-180, maximum=180),
                "updated_at": datetime_(),
            }
        )


class SourceResource(Resource):
    def queryset(self):
        return Source.objects.cited()

    def data(self, s, links):
        return {**source_data(s, links), "updated_at": iso(s.updated_at)}

    def schema(self):
        source = SCHEMAS["CitedSource"]
        properties = {**source["properties"], "updated_at": datetime_()}
        return obj(properties)


class FigureResource(Resource):
    def queryset(self):
        return ReportedFigure.objects.published()

    def for_page(self, queryset):
        return queryset.select_related("monument_type", "reported_by", "source")

    def data(self, f, links):
        return {
            "id": f.pk,
            "api_url": links.url("api:figure_detail", f.pk),
            "statement": f.statement,
            "qualifier": f.qualifier,
            "count": f.count,
            "registered_count": f.registered_count,
            "condition": or_none(f.condition),
            "monument_type": named_ref(f.monument_type) if f.monument_type_id else None,
            "country": or_none(f.country.code),
            "as_of": iso(f.as_of),
            "as_of_precision": f.as_of_precision,
            "reported_by": published_ref(f.reported_by, "api:organization_detail", links),
            "source": source_data(f.source, links),
            "notes": f.notes,
            "updated_at": iso(f.updated_at),
        }

    def schema(self):
        return obj(
            {
                "id": integer(),
                "api_url": uri(),
                "statement": text(),
                "qualifier": codes(FigureQualifier.choices),
                "count": integer(minimum=0),
                "registered_count": integer(nullable=True, minimum=0),
                "condition": codes(Condition.choices, nullable=True),
                "monument_type": ref("NamedRef", nullable=True),
                "country": text(nullable=True),
                "as_of": date(nullable=True),
                "as_of_precision": codes(DatePrecision.choices),
                "reported_by": ref("RecordRef", nullable=True),
                "source": ref("CitedSource"),
                "notes": text(),
                "updated_at": datetime_(),
            }
        )


MEETING_ORDERS = {
    None: KeysetOrder("-date", ("date", "id"), descending=True),
    "-date": KeysetOrder("-date", ("date", "id"), descending=True),
    "date": KeysetOrder("date", ("date", "id")),
}

RESOURCES = [
    MonumentResource(
        "monuments",
        Monument,
        "slug",
        "Monument",
        MonumentFilterSet,
        MONUMENT_ORDERS,
        summary=_("Monuments, with their registrations, condition assessments and sources"),
        example_filters="country=AZ&condition=destroyed",
        example_key="agdam-juma-mosque",
    ),
    MeetingResource(
        "meetings",
        Meeting,
        "slug",
        "Meeting",
        MeetingFilterSet,
        MEETING_ORDERS,
        summary=_("Meetings, with their participants, topics, outcomes and sources"),
        example_filters="country=AZ&date_from=2022-01-01",
    ),
    PersonResource("people", Person, "slug", "Person", api_filters.PersonFilterSet, summary=_("People")),
    OrganizationResource(
        "organizations",
        Organization,
        "slug",
        "Organization",
        api_filters.OrganizationFilterSet,
        summary=_("Organizations"),
    ),
    EventResource(
        "events",
        Event,
        "slug",
        "Event",
        api_filters.EventFilterSet,
        summary=_("Events"),
        example_filters="kind=conference",
    ),
    PlaceResource(
        "places", Place, "slug", "Place", api_filters.PlaceFilterSet, summary=_("Places"), example_filters="country=AZ"
    ),
    SourceResource(
        "sources", Source, "pk", "Source", api_filters.SourceFilterSet, summary=_("Sources cited by published records")
    ),
    FigureResource(
        "figures",
        ReportedFigure,
        "pk",
        "Figure",
        api_filters.FigureFilterSet,
        summary=_("Reported figures, each attributed"),
    ),
]
RESOURCES_BY_NAME = {resource.name: resource for resource in RESOURCES}
