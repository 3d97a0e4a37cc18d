"""Public pages of the monument register: the filtered list, the record, the map and its data, the exports."""

import datetime
from itertools import islice

from django.conf import settings
from django.db.models import Avg, Count, F, Min, Prefetch
from django.db.models.functions import Floor
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from heritage.exports import (
    invalid_filters_response,
    rows_in_a_transaction,
    stream_csv,
    stream_geojson,
    stream_json,
)
from heritage.listing import FilteredListView, filter_data, filter_errors
from meetings.models import Meeting
from monuments.filters import MonumentFilterSet
from monuments.geo import COARSE_STEP, point_for_public, public_coordinates, public_point
from monuments.models import ConditionAssessment, Monument, MonumentImage, Registration, Restoration


def published_monuments():
    return Monument.objects.published()


class MonumentListView(FilteredListView):
    template_name = "monuments/monument_list.html"
    filterset_class = MonumentFilterSet

    def base_queryset(self):
        # The capped count selects only primary keys, so these annotations cost nothing when counting.
        return (
            published_monuments()
            .with_related()
            .with_condition_provenance()
            .prefetch_related(Prefetch("registrations", queryset=Registration.objects.order_by("registry")))
        )


class MonumentDetailView(DetailView):
    template_name = "monuments/monument_detail.html"

    def get_queryset(self):
        return (
            published_monuments()
            .with_related()
            .prefetch_related(
                "registrations",
                "assessments__source",
                Prefetch(
                    "restorations",
                    queryset=Restoration.objects.select_related("executing_organization").prefetch_related("sources"),
                ),
                Prefetch("images", queryset=MonumentImage.objects.select_related("source")),
                "sources",
                Prefetch("meetings", queryset=Meeting.objects.published().select_related("event").order_by("-date")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["point"] = public_point(self.object)
        context["permalink"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["accessed_on"] = timezone.localdate()
        context["map_tile_url"] = settings.MAP_TILE_URL
        context["map_tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


class MonumentMapView(TemplateView):
    """The map page. The markers come from ``map_data`` with the same query string, so the filters carry over."""

    template_name = "monuments/monument_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = MonumentFilterSet(filter_data(self.request), queryset=published_monuments())
        filterset.is_valid()
        query = self.request.GET.copy()
        context["filterset"] = filterset
        context["data_url"] = reverse("monuments:map_data") + ("?" + query.urlencode() if query else "")
        context["list_url"] = reverse("monuments:monument_list") + ("?" + query.urlencode() if query else "")
        context["map_tile_url"] = settings.MAP_TILE_URL
        context["map_tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


def _parse_bbox(text):
    """``west,south,east,north`` in degrees, clamped to the world; ``None`` when not given or not understood."""
    try:
        west, south, east, north = (float(part) for part in (text or "").split(","))
    except ValueError:
        return None
    if any(v != v for v in (west, south, east, north)):  # NaN
        return None
    west, east = max(-180.0, min(180.0, west)), max(-180.0, min(180.0, east))
    south, north = max(-90.0, min(90.0, south)), max(-90.0, min(90.0, north))
    if west > east or south > north:
        return None
    return west, south, east, north


def _parse_zoom(text):
    try:
        return max(0, min(20, int(text)))
    except (TypeError, ValueError):
        return 2


def map_data(request):
    """GeoJSON for the map, clustered on the server on a grid that shrinks as the zoom grows.

    One GROUP BY over the filtered monuments inside the bounding box: each grid cell is one feature with its
    count and mean position; a cell holding a single monument also carries its name and link. The response
    never holds more than ``MAP_MAX_FEATURES`` features.
    """
    filterset = MonumentFilterSet(filter_data(request), queryset=published_monuments())
    if errors := filter_errors(filterset):
        return invalid_filters_response(errors)
    # Everything below works on the public coordinates (coarsened for sensitive locations), never the exact
    # ones: a bounding box or a cluster's mean over exact points would let anyone narrow a hidden location down.
    monuments = filterset.qs.filter(latitude__isnull=False, longitude__isnull=False).annotate(**public_coordinates())
    bbox = _parse_bbox(request.GET.get("bbox"))
    if bbox:
        west, south, east, north = bbox
        # A public point lies within one grid square of the stored one, so this slightly wider box on the stored,
        # indexed columns finds the candidates by index; the public-point test below then decides exactly.
        margin = float(COARSE_STEP)
        monuments = monuments.filter(
            longitude__gte=west - margin,
            longitude__lte=east + margin,
            latitude__gte=south - margin,
            latitude__lte=north + margin,
            public_longitude__gte=west,
            public_longitude__lte=east,
            public_latitude__gte=south,
            public_latitude__lte=north,
        )
    zoom = _parse_zoom(request.GET.get("zoom"))
    # About 60 screen pixels per cell: a 256-pixel tile spans 360 / 2**zoom degrees of longitude.
    cell = 360.0 / (2**zoom) * 60 / 256
    limit = settings.MAP_MAX_FEATURES
    cells = (
        monuments.order_by()
        .annotate(cell_x=Floor(F("public_longitude") / cell), cell_y=Floor(F("public_latitude") / cell))
        .values("cell_x", "cell_y")
        .annotate(
            n=Count("id"),
            lat=Avg("public_latitude"),
            lon=Avg("public_longitude"),
            slug=Min("slug"),
            name=Min("name"),
        )
        .order_by("-n")[: limit + 1]
    )
    features = []
    for row in cells:
        if row["n"] == 1:
            # A single monument's mean is its public point, already coarsened in SQL when sensitive.
            point = (round(row["lat"], 6), round(row["lon"], 6))
            properties = {
                "count": 1,
                "name": row["name"],
                "url": reverse("monuments:monument_detail", args=[row["slug"]]),
            }
        else:
            point = (round(row["lat"], 4), round(row["lon"], 4))
            properties = {"count": row["n"]}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
                "properties": properties,
            }
        )
    truncated = len(features) > limit
    return JsonResponse(
        {"type": "FeatureCollection", "features": features[:limit], "meta": {"zoom": zoom, "truncated": truncated}}
    )


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
)
# … and, per chunk of monuments, the latest assessment's fields and the first registration's, in column order.
PROVENANCE_FIELDS = (
    "observed_on",
    "observed_precision",
    "assessed_by",
    "evidence_kind",
    "source__title",
    "source__url",
)
NO_PROVENANCE = (None,) * len(PROVENANCE_FIELDS)
REGISTRATION_FIELDS = ("registry", "number", "significance")
NOT_REGISTERED = (False,) + (None,) * len(REGISTRATION_FIELDS)


def export_rows(queryset, request):
    """The export's rows as tuples in EXPORT_COLUMNS order, streamed from the database in chunks.

    The monuments stream in the list's order from one query; each chunk of CHUNK_SIZE monuments then takes two
    queries, its latest assessments and its first registrations (not correlated sub-queries per row: eleven of
    them took 52 s for 100,000 rows). Plain tuples all the way to the CSV writer: no dict per row.
    """
    monuments = queryset.values_list(*MONUMENT_FIELDS)
    # reverse() once, not per row: the record's URL around the slug (slugs need no quoting).
    url = request.build_absolute_uri("/").rstrip("/") + reverse("monuments:monument_detail", args=["SLUG"])
    url_start, url_end = url.split("SLUG")
    rows = rows_in_a_transaction(queryset.db, monuments.iterator(chunk_size=CHUNK_SIZE))
    for chunk in _chunks(rows, CHUNK_SIZE):
        ids = [row[0] for row in chunk]
        latest = ConditionAssessment.objects.latest_by_monument(ids, *PROVENANCE_FIELDS)
        first = Registration.objects.first_by_monument(ids, *REGISTRATION_FIELDS)
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
        ) in chunk:
            point = point_for_public(latitude, longitude, sensitive)
            registration = first.get(pk)
            yield (
                slug,
                url_start + slug + url_end,
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
            )


def export_dicts(queryset, request):
    """``export_rows`` as dicts keyed by column, for the JSON and GeoJSON exports."""
    for row in export_rows(queryset, request):
        yield dict(zip(EXPORT_COLUMNS, row, strict=True))


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _filtered_or_error(request):
    filterset = MonumentFilterSet(filter_data(request), queryset=published_monuments())
    errors = filter_errors(filterset)
    return filterset, errors


def _meta(request):
    return {
        "generated_at": timezone.now(),
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
