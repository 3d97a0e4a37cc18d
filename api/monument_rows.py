"""The API's monuments, read as rows: a page is one ``values()`` query of the monuments with their type and place,
then one ``values_list`` query each for their registrations, assessments, sources and risk listings, with the ids
of the monuments as one array parameter, and one query of the sources these cite (six queries, whatever the page
size). No model instance is made and each cited source's JSON is made once per page, however many rows cite it: a
harvester walking the million monuments by cursor gets pages of 1,000 several times faster than from model
instances and prefetches (bench/RESULTS.md, issue 18).

The JSON is the same as a model-backed resource would give, field for field; ``tests/api`` pins it.
"""

from django.utils import timezone

from api.base import (
    NAME_SCHEMA,
    Resource,
    array,
    boolean,
    codes,
    date,
    datetime_,
    integer,
    iso,
    named_json,
    number,
    obj,
    or_none,
    ref,
    text,
    uri,
)
from api.paging import KeysetOrder
from api.rows import PLACE_COLUMNS, by_record, cited_by_record, page_sources, place_from_row
from heritage.models import DatePrecision, split_names
from heritage.names import NAME_FIELDS, names_by_language
from monuments.geo import public_point
from monuments.models import (
    BUILT_YEAR,
    Condition,
    ConditionAssessment,
    EvidenceKind,
    Monument,
    Registration,
    ReligiousAffiliation,
    RiskListing,
    Significance,
)
from monuments.risk import listed_now

MONUMENT_COLUMNS = (
    "id",
    "slug",
    "name",
    "name_language",
    *NAME_FIELDS,
    "alternative_names",
    "religious_affiliation",
    "latitude",
    "longitude",
    "location_sensitive",
    "built_from_year",
    "built_to_year",
    "built_approximate",
    "description",
    "current_condition",
    "updated_at",
    "monument_type__slug",
    "monument_type__name",
    "monument_type__name_language",
    *PLACE_COLUMNS,
)

MONUMENT_ORDERS = {
    None: KeysetOrder("name", ("name", "id")),
    "name": KeysetOrder("name", ("name", "id")),
    "-updated": KeysetOrder("-updated", ("updated_at", "id"), descending=True),
    "built": KeysetOrder("built", ("built_key", "name", "id"), nullable_first=True),
}


class MonumentResource(Resource):
    def queryset(self):
        return Monument.objects.published()

    def prepare(self, queryset, order):
        # The same expression as the (status, built year, name, id) index, so sort=built pages by index.
        return queryset.annotate(built_key=BUILT_YEAR) if order.name == "built" else queryset

    def for_page(self, queryset):
        # The selected annotations too: an order's key may be one (``built_key``), and the cursor reads it from the row.
        return queryset.values(*MONUMENT_COLUMNS, *queryset.query.annotation_select)

    def page_data(self, rows, links):
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        registrations = by_record(
            "monument_id",
            Registration.objects.all(),
            ids,
            ("registry", "number"),
            "registry",
            "number",
            "significance",
            "registered_on",
            "registered_precision",
            "source_id",
        )
        # Approved assessments only, as the record page shows (ReviewedQuerySet.public).
        assessments = by_record(
            "monument_id",
            ConditionAssessment.objects.public(),
            ids,
            ("-observed_on", "-id"),
            "observed_on",
            "observed_precision",
            "condition",
            "evidence_kind",
            "description",
            "assessed_by",
            "source_id",
        )
        cited = cited_by_record("monument_id", Monument.sources.through, ids)
        risk_listings = by_record(
            "monument_id",
            RiskListing.objects.public(),
            ids,
            ("listed_from", "id"),
            "risk_list__slug",
            "risk_list__name",
            "listed_from",
            "listed_from_precision",
            "listed_until",
            "listed_until_precision",
            "source_id",
        )
        sources = page_sources((registrations, assessments, cited, risk_listings), links)
        today = timezone.localdate()
        data = []
        for m in rows:
            pk = m["id"]
            point = public_point(m)
            place = place_from_row(m, links)
            data.append(
                {
                    "slug": m["slug"],
                    "api_url": links.url("api:monument_detail", m["slug"]),
                    "html_url": links.url("monuments:monument_detail", m["slug"]),
                    "name": m["name"],
                    "names": names_by_language(m["name"], m["name_language"], m.__getitem__),
                    "name_language": or_none(m["name_language"]),
                    "alternative_names": split_names(m["alternative_names"]),
                    "type": named_json(
                        m["monument_type__slug"], m["monument_type__name"], m["monument_type__name_language"]
                    ),
                    "religious_affiliation": or_none(m["religious_affiliation"]),
                    "place": place,
                    "country": place["country"] if place else None,
                    "latitude": point[0] if point else None,
                    "longitude": point[1] if point else None,
                    "coordinates_approximate": bool(point and m["location_sensitive"]),
                    "built_from_year": m["built_from_year"],
                    "built_to_year": m["built_to_year"],
                    "built_approximate": m["built_approximate"],
                    "description": m["description"],
                    "current_condition": m["current_condition"],
                    "registrations": [
                        {
                            "registry": r[1],
                            "number": r[2],
                            "significance": r[3],
                            "registered_on": iso(r[4]),
                            "registered_precision": r[5],
                            "source": sources.get(r[6]),
                        }
                        for r in registrations.get(pk, ())
                    ],
                    "assessments": [
                        {
                            "observed_on": iso(a[1]),
                            "observed_precision": a[2],
                            "condition": a[3],
                            "evidence_kind": a[4],
                            "description": a[5],
                            "assessed_by": a[6],
                            "source": sources.get(a[7]),
                        }
                        for a in assessments.get(pk, ())
                    ],
                    "sources": [sources[s[1]] for s in cited.get(pk, ())],
                    "updated_at": iso(m["updated_at"]),
                    # Added after the first release (docs/developers/api.md).
                    "risk_listings": [
                        {
                            "list": {"slug": r[1], "name": r[2]},
                            "listed_from": iso(r[3]),
                            "listed_from_precision": r[4],
                            "listed_until": iso(r[5]),
                            "listed_until_precision": r[6],
                            "current": listed_now(r[3], r[5], today),
                            "source": sources.get(r[7]),
                        }
                        for r in risk_listings.get(pk, ())
                    ],
                }
            )
        return data

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
