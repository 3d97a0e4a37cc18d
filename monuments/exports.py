"""The public exports of the monument register: the filtered list as CSV, JSON and GeoJSON, streamed."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from heritage.listing import filter_data, filter_errors
from heritage.names import NAME_COLUMNS
from heritage.transfer.exports import (
    chunks,
    invalid_filters_response,
    record_url,
    rows_in_a_transaction,
    stream_csv,
    stream_geojson,
    stream_json,
)
from monuments.filters import MonumentFilterSet
from monuments.geo import point_for_public
from monuments.models import (
    CONDITION_PROVENANCE,
    ConditionAssessment,
    MonumentIdentifier,
    Registration,
    RiskListing,
)
from monuments.views import published_monuments

# Monuments per fetch and per provenance query of the export. Its rows are small tuples, so a bigger chunk than
# the shared CHUNK_SIZE costs little memory (peak 16 MB against 11 MB at 2,000) and saves round trips and query
# overhead (PostgreSQL's CPU time per 100,000 rows: 1.5 s against 1.8 s).
CHUNK_SIZE = 5000

# The export's columns, in order. Provenance travels with the condition: when, who, on what evidence, from where.
EXPORT_COLUMNS = [
    "slug",
    "url",
    "name",
    "alternative_names",
    "type",
    "religious_affiliation",
    "place",
    "country",
    "latitude",
    "longitude",
    "coordinates_approximate",
    "built_from_year",
    "built_to_year",
    "built_approximate",
    "current_condition",
    "condition_observed_on",
    "condition_observed_precision",
    "condition_reported_by",
    "condition_evidence",
    "condition_source_title",
    "condition_source_url",
    "registered",
    "registration_registry",
    "registration_number",
    "registration_significance",
    "updated_at",
    # Added after the first release: new columns go last, so a script reading by position keeps working.
    "identifiers",
    "risk_listings",
    # The name in each language and the language of the original name (heritage.names).
    *NAME_COLUMNS,
    # The languages the type's and the place's names (the columns "type" and "place") are written in.
    "type_name_language",
    "place_name_language",
]
# What ``export_rows`` reads: the monument's own row, in this order (unpacked by name there)…
MONUMENT_FIELDS = (
    "pk",
    "slug",
    "name",
    "alternative_names",
    "monument_type__name",
    "religious_affiliation",
    "place__name",
    "place__country",
    "latitude",
    "longitude",
    "location_sensitive",
    "built_from_year",
    "built_to_year",
    "built_approximate",
    "current_condition",
    "updated_at",
    *NAME_COLUMNS,
    "monument_type__name_language",
    "place__name_language",
)
# … and, per chunk of monuments, the latest assessment's fields and the first registration's, in column order.
PROVENANCE_FIELDS = tuple(CONDITION_PROVENANCE.values())
NO_PROVENANCE = (None,) * len(PROVENANCE_FIELDS)
REGISTRATION_FIELDS = ("registry", "number", "significance")
NOT_REGISTERED = (False,) + (None,) * len(REGISTRATION_FIELDS)


def export_rows(queryset, request):
    """The export's rows as tuples in EXPORT_COLUMNS order, streamed from the database in chunks.

    The monuments stream in the list's order from one query; each chunk of CHUNK_SIZE monuments then takes two
    queries, its latest assessments and its first registrations, one for its identifiers ("wikidata:Q754560;
    commons:Ateshgah of Baku") and one for its public risk listings ("unesco-world-heritage-in-danger:2003/", list
    slug, then since/until as partial ISO dates) (not correlated sub-queries per row: eleven of
    them took 52 s for 100,000 rows). Plain tuples all the way to the CSV writer: no dict per row.
    """
    monuments = queryset.values_list(*MONUMENT_FIELDS)
    url = record_url(request, "monuments:monument_detail")
    rows = rows_in_a_transaction(queryset.db, monuments.iterator(chunk_size=CHUNK_SIZE))
    for chunk in chunks(rows, CHUNK_SIZE):
        ids = [row[0] for row in chunk]
        latest = ConditionAssessment.objects.public().latest_by_monument(ids, *PROVENANCE_FIELDS)
        first = Registration.objects.first_by_monument(ids, *REGISTRATION_FIELDS)
        identifiers = MonumentIdentifier.objects.listed_by_monument(ids)
        listings = RiskListing.objects.listed_by_monument(ids)
        for (
            pk,
            slug,
            name,
            alternative_names,
            type_name,
            religious_affiliation,
            place,
            country,
            latitude,
            longitude,
            sensitive,
            built_from_year,
            built_to_year,
            built_approximate,
            current_condition,
            updated_at,
            *names_and_languages,
        ) in chunk:
            point = point_for_public(latitude, longitude, sensitive)
            registration = first.get(pk)
            yield (
                slug,
                url(slug),
                name,
                alternative_names,
                type_name,
                religious_affiliation,
                place,
                country or "",
                *(point or (None, None)),
                bool(point and sensitive),
                built_from_year,
                built_to_year,
                built_approximate,
                current_condition,
                *latest.get(pk, NO_PROVENANCE),
                *((True, *registration) if registration else NOT_REGISTERED),
                updated_at,
                identifiers.get(pk),
                listings.get(pk),
                *names_and_languages,
            )


def export_dicts(queryset, request):
    """``export_rows`` as dicts keyed by column, for the JSON and GeoJSON exports."""
    for row in export_rows(queryset, request):
        yield dict(zip(EXPORT_COLUMNS, row, strict=True))


def _filtered_or_error(request):
    filterset = MonumentFilterSet(filter_data(request), queryset=published_monuments())
    errors = filter_errors(filterset)
    return filterset, errors


def _meta(request):
    return {
        "generated_at": timezone.now(),
        # The language of the note below; each name says its own (name_language, type_name_language…).
        "language": get_language(),
        "query": request.GET.urlencode(),
        "licence_note": _("Each condition is as reported by the source named with it; the register endorses none."),
    }


def _filename(ext):
    return f"monuments-{datetime.date.today().isoformat()}.{ext}"


def export_csv(request):
    filterset, errors = _filtered_or_error(request)
    if errors:
        return invalid_filters_response(errors)
    return stream_csv(_filename("csv"), EXPORT_COLUMNS, export_rows(filterset.qs, request))


def export_json(request):
    filterset, errors = _filtered_or_error(request)
    if errors:
        return invalid_filters_response(errors)
    return stream_json(_filename("json"), export_dicts(filterset.qs, request), meta=_meta(request))


def export_geojson(request):
    filterset, errors = _filtered_or_error(request)
    if errors:
        return invalid_filters_response(errors)

    def features():
        for row in export_dicts(filterset.qs, request):
            lat, lon = row.pop("latitude"), row.pop("longitude")
            geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
            yield {"type": "Feature", "geometry": geometry, "properties": row}

    return stream_geojson(_filename("geojson"), features(), meta=_meta(request))
