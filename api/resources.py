"""What the API serves of each kind of record: which records are public, how a page of them is loaded, the JSON
each becomes and that JSON's schema. The schema and the serializer sit side by side, and the OpenAPI description
(``api.openapi``) is made from these same declarations and the lists' FilterSets, so it cannot drift from what the
views answer; the tests (and schemathesis) check every response against it, with no extra fields allowed.

Published records only, and only their published relations; coordinates through ``monuments.geo.public_point``,
the function the pages and exports use.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from api import filters as api_filters
from api.paging import KeysetOrder
from heritage.models import DatePrecision, Place, PlaceKind, Source, SourceKind, public_or_none, split_names
from heritage.names import NAME_LANGUAGES
from meetings.filters import MeetingFilterSet
from meetings.models import (
    Event,
    EventKind,
    FollowUp,
    Meeting,
    MeetingFormat,
    Organization,
    OrganizationKind,
    Outcome,
    OutcomeKind,
    Participant,
    Person,
)
from monuments.filters import MonumentFilterSet
from monuments.geo import public_point
from monuments.models import (
    BUILT_YEAR,
    Condition,
    ConditionAssessment,
    EvidenceKind,
    FigureQualifier,
    Monument,
    Registration,
    ReligiousAffiliation,
    ReportedFigure,
    RiskListing,
    Significance,
)

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


def source_data(source, links):
    return {
        "id": source.pk,
        "api_url": links.url("api:source_detail", source.pk),
        "html_url": links.url("heritage:source_detail", source.pk),
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "published_on": iso(source.published_on),
        "published_precision": source.published_precision,
        "url": source.url,
        "archived_url": source.archived_url,
        "language": source.language,
        "cites": source.cites,
    }


def record_ref(record, viewname, links):
    return {
        "slug": record.slug,
        "name": record.name,
        "name_language": or_none(record.name_language),
        "api_url": links.url(viewname, record.slug),
    }


def named_ref(record):
    """A topic or a monument type: slug, name and the name's language (null when not recorded)."""
    return {"slug": record.slug, "name": record.name, "name_language": or_none(record.name_language)}


def place_ref(place, links):
    if place is None:
        return None
    return {
        "slug": place.slug,
        "name": place.name,
        "name_language": or_none(place.name_language),
        "kind": place.kind,
        "country": or_none(place.country.code),
        "api_url": links.url("api:place_detail", place.slug),
    }


def published_ref(record, viewname, links):
    """A reference to a related record, or ``None`` while that record is a draft: drafts stay private."""
    record = public_or_none(record)
    return record_ref(record, viewname, links) if record else None


def _sources(record, links):
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


class MonumentResource(Resource):
    def queryset(self):
        return Monument.objects.published()

    def prepare(self, queryset, order):
        # The same expression as the (status, built year, name, id) index, so sort=built pages by index.
        return queryset.annotate(built_key=BUILT_YEAR) if order.name == "built" else queryset

    def for_page(self, queryset):
        # Approved assessments only, as the record page shows (ReviewedQuerySet.public).
        return queryset.select_related("monument_type", "place").prefetch_related(
            Prefetch(
                "registrations", queryset=Registration.objects.select_related("source").order_by("registry", "number")
            ),
            Prefetch(
                "assessments",
                queryset=ConditionAssessment.objects.public().select_related("source").order_by("-observed_on", "-id"),
            ),
            "sources",
            Prefetch(
                "risk_listings",
                queryset=RiskListing.objects.public()
                .select_related("risk_list", "source")
                .order_by("listed_from", "id"),
            ),
        )

    def data(self, m, links):
        point = public_point(m)
        return {
            "slug": m.slug,
            "api_url": links.url("api:monument_detail", m.slug),
            "html_url": links.url("monuments:monument_detail", m.slug),
            "name": m.name,
            **name_data(m),
            "alternative_names": split_names(m.alternative_names),
            "type": named_ref(m.monument_type),
            "religious_affiliation": or_none(m.religious_affiliation),
            "place": place_ref(m.place, links),
            "country": or_none(m.place.country.code) if m.place_id else None,
            "latitude": point[0] if point else None,
            "longitude": point[1] if point else None,
            "coordinates_approximate": bool(point and m.location_sensitive),
            "built_from_year": m.built_from_year,
            "built_to_year": m.built_to_year,
            "built_approximate": m.built_approximate,
            "description": m.description,
            "current_condition": m.current_condition,
            "registrations": [
                {
                    "registry": r.registry,
                    "number": r.number,
                    "significance": r.significance,
                    "registered_on": iso(r.registered_on),
                    "registered_precision": r.registered_precision,
                    "source": source_data(r.source, links) if r.source_id else None,
                }
                for r in m.registrations.all()
            ],
            "assessments": [
                {
                    "observed_on": iso(a.observed_on),
                    "observed_precision": a.observed_precision,
                    "condition": a.condition,
                    "evidence_kind": a.evidence_kind,
                    "description": a.description,
                    "assessed_by": a.assessed_by,
                    "source": source_data(a.source, links),
                }
                for a in m.assessments.all()
            ],
            "sources": _sources(m, links),
            "updated_at": iso(m.updated_at),
            # Added after the first release (docs/developers/api.md).
            "risk_listings": [
                {
                    "list": {"slug": r.risk_list.slug, "name": r.risk_list.name},
                    "listed_from": iso(r.listed_from),
                    "listed_from_precision": r.listed_from_precision,
                    "listed_until": iso(r.listed_until),
                    "listed_until_precision": r.listed_until_precision,
                    "current": r.is_current,
                    "source": source_data(r.source, links) if r.source_id else None,
                }
                for r in m.risk_listings.all()
            ],
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
                "type": ref("NamedRef"),
                "religious_affiliation": codes(ReligiousAffiliation.choices, nullable=True),
                "place": ref("PlaceRef", nullable=True),
                "country": text(nullable=True),
                "latitude": number(nullable=True, minimum=-90, maximum=90),
                "longitude": number(nullable=True, minimum=-180, maximum=180),
                "coordinates_approximate": boolean(),
                "built_from_year": integer(nullable=True),
                "built_to_year": integer(nullable=True),
                "built_approximate": boolean(),
                "description": text(),
                "current_condition": codes(Condition.choices),
                "registrations": array(
                    obj(
                        {
                            "registry": text(),
                            "number": text(),
                            "significance": codes(Significance.choices),
                            "registered_on": date(nullable=True),
                            "registered_precision": codes(DatePrecision.choices),
                            "source": ref("CitedSource", nullable=True),
                        }
                    )
                ),
                "assessments": array(
                    obj(
                        {
                            "observed_on": date(),
                            "observed_precision": codes(DatePrecision.choices),
                            "condition": codes(Condition.choices),
                            "evidence_kind": codes(EvidenceKind.choices),
                            "description": text(),
                            "assessed_by": text(),
                            "source": ref("CitedSource"),
                        }
                    )
                ),
                "sources": array(ref("CitedSource")),
                "updated_at": datetime_(),
                "risk_listings": array(
                    obj(
                        {
                            "list": obj({"slug": text(), "name": text()}),
                            "listed_from": date(nullable=True),
                            "listed_from_precision": codes(DatePrecision.choices),
                            "listed_until": date(nullable=True),
                            "listed_until_precision": codes(DatePrecision.choices),
                            "current": boolean(),
                            "source": ref("CitedSource", nullable=True),
                        }
                    )
                ),
            }
        )


class MeetingResource(Resource):
    def queryset(self):
        return Meeting.objects.published()

    def for_page(self, queryset):
        participants = Participant.objects.visible().select_related("person", "organization").order_by("order", "id")
        outcomes = (
            Outcome.objects.public()
            .order_by("id")
            .prefetch_related(Prefetch("parties", queryset=Organization.objects.published().order_by("name", "id")))
        )
        return queryset.select_related("event", "place").prefetch_related(
            Prefetch("topics"),
            Prefetch("participants", queryset=participants),
            Prefetch("outcomes", queryset=outcomes),
            Prefetch(
                "monuments",
                queryset=Monument.objects.published().order_by("name", "id").only("slug", "name", "name_language"),
            ),
            "sources",
        )

    def data(self, m, links):
        return {
            "slug": m.slug,
            "api_url": links.url("api:meeting_detail", m.slug),
            "html_url": links.url("meetings:meeting_detail", m.slug),
            "title": m.title,
            "title_language": or_none(m.title_language),
            "date": iso(m.date),
            "end_date": iso(m.end_date),
            "date_precision": m.date_precision,
            "event": published_ref(m.event, "api:event_detail", links),
            "place": place_ref(m.place, links),
            "format": or_none(m.format),
            "summary": m.summary,
            "account": m.account,
            "topics": [named_ref(t) for t in m.topics.all()],
            "participants": [
                {
                    "person": record_ref(p.person, "api:person_detail", links) if p.person_id else None,
                    "organization": published_ref(p.organization, "api:organization_detail", links),
                    "description": p.description,
                    "role": p.role,
                    "represented_country": or_none(p.represented_country.code),
                }
                for p in m.participants.all()
            ],
            "outcomes": [
                {
                    "kind": o.kind,
                    "text": o.text,
                    "parties": [record_ref(org, "api:organization_detail", links) for org in o.parties.all()],
                    "follow_up": o.follow_up,
                    "follow_up_notes": o.follow_up_notes,
                }
                for o in m.outcomes.all()
            ],
            "monuments": [record_ref(mon, "api:monument_detail", links) for mon in m.monuments.all()],
            "sources": _sources(m, links),
            "updated_at": iso(m.updated_at),
        }

    def schema(self):
        return obj(
            {
                "slug": text(),
                "api_url": uri(),
                "html_url": uri(),
                "title": text(),
                "title_language": text(nullable=True),
                "date": date(),
                "end_date": date(nullable=True),
                "date_precision": codes(DatePrecision.choices),
                "event": ref("RecordRef", nullable=True),
                "place": ref("PlaceRef", nullable=True),
                "format": codes(MeetingFormat.choices, nullable=True),
                "summary": text(),
                "account": text(),
                "topics": array(ref("NamedRef")),
                "participants": array(
                    obj(
                        {
                            "person": ref("RecordRef", nullable=True),
                            "organization": ref("RecordRef", nullable=True),
                            "description": text(),
                            "role": text(),
                            "represented_country": text(nullable=True),
                        }
                    )
                ),
                "outcomes": array(
                    obj(
                        {
                            "kind": codes(OutcomeKind.choices),
                            "text": text(),
                            "parties": array(ref("RecordRef")),
                            "follow_up": codes(FollowUp.choices),
                            "follow_up_notes": text(),
                        }
                    )
                ),
                "monuments": array(ref("RecordRef")),
                "sources": array(ref("CitedSource")),
                "updated_at": datetime_(),
            }
        )


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
            "sources": _sources(e, links),
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


MONUMENT_ORDERS = {
    None: KeysetOrder("name", ("name", "id")),
    "name": KeysetOrder("name", ("name", "id")),
    "-updated": KeysetOrder("-updated", ("updated_at", "id"), descending=True),
    "built": KeysetOrder("built", ("built_key", "name", "id"), nullable_first=True),
}
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
