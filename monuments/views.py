"""Public pages of the monument register: the filtered list, the record, the map and its data, the exports."""

import datetime
import math

from django.conf import settings
from django.db.models import Avg, Count, Min, Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from heritage.exports import (
    chunks,
    invalid_filters_response,
    record_url,
    rows_in_a_transaction,
    stream_csv,
    stream_geojson,
    stream_json,
)
from heritage.listing import FilteredListView, filter_data, filter_errors
from monuments.filters import MonumentFilterSet
from monuments.geo import COARSE_STEP, point_for_public, public_point
from monuments.models import (
    CONDITION_PROVENANCE,
    MAP_CELL_MAX_ZOOM,
    MICRODEGREES,
    ConditionAssessment,
    MapCell,
    Monument,
    Registration,
    map_cell_size,
)


def published_monuments():
    return Monument.objects.published()


class MonumentListView(FilteredListView):
    template_name = "monuments/monument_list.html"
    filterset_class = MonumentFilterSet

    def base_queryset(self):
        # The capped count selects only primary keys, so these annotations cost nothing when counting.
        return (
            published_monuments()
            .as_items()
            .prefetch_related(Prefetch("registrations", queryset=Registration.objects.order_by("registry")))
        )


class MonumentDetailView(DetailView):
    template_name = "monuments/monument_detail.html"

    def get_queryset(self):
        return published_monuments().with_related().with_optional_relations_flags()

    def get_object(self, queryset=None):
        return super().get_object(queryset).load_record()

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


def _cell_range(bbox, zoom):
    """The grid cells ``(x0, y0, x1, y1)`` at ``zoom`` that the box touches, or ``None`` for the whole world."""
    if not bbox:
        return None
    size = map_cell_size(zoom)
    west, south, east, north = bbox
    return math.floor(west / size), math.floor(south / size), math.floor(east / size), math.floor(north / size)


def _is_filtered(request, filterset):
    """Whether any filter is given a value (an order is no filter): then the counted cells do not apply."""
    return any(value.strip() for name in filterset.filters if name != "sort" for value in request.GET.getlist(name))


def _live_cells(monuments, zoom, cells):
    """Group the (filtered) monuments by grid cell in one query: the filtered map and the deep zooms."""
    monuments = monuments.on_map_grid(zoom)
    if cells:
        x0, y0, x1, y1 = cells
        size = map_cell_size(zoom)
        # A public point lies within one coarse square of the stored one, so this slightly wider box on the stored,
        # indexed columns finds the candidates by index; the cell test then decides exactly.
        margin = float(COARSE_STEP)
        monuments = monuments.filter(
            longitude__gte=x0 * size - margin,
            longitude__lte=(x1 + 1) * size + margin,
            latitude__gte=y0 * size - margin,
            latitude__lte=(y1 + 1) * size + margin,
            cell_x__range=(x0, x1),
            cell_y__range=(y0, y1),
        )
    rows = (
        monuments.order_by()
        .values("cell_x", "cell_y")
        .annotate(
            n=Count("id"),
            lat=Avg("public_latitude"),
            lon=Avg("public_longitude"),
            slug=Min("slug"),
            name=Min("name"),
        )
        .order_by("-n")[: settings.MAP_MAX_FEATURES + 1]
    )
    return list(rows)


def _counted_cells(zoom, cells):
    """The same rows from the pre-counted cells (MapCell) of the unfiltered published set."""
    rows = MapCell.objects.in_view(zoom, cells)[: settings.MAP_MAX_FEATURES + 1]
    return [
        {
            "cell_x": cell.x,
            "cell_y": cell.y,
            "n": cell.count,
            "lat": cell.latitude_sum / cell.count / MICRODEGREES,
            "lon": cell.longitude_sum / cell.count / MICRODEGREES,
            "slug": cell.slug,
            "name": cell.name,
        }
        for cell in rows
    ]


def _feature(row):
    if row["n"] == 1 and row["slug"]:
        # A single monument's mean is its public point, already coarsened in SQL when sensitive.
        point = (round(row["lat"], 6), round(row["lon"], 6))
        properties = {
            "count": 1,
            "name": row["name"],
            "url": reverse("monuments:monument_detail", args=[row["slug"]]),
        }
    else:
        point = (round(row["lat"], 4), round(row["lon"], 4))
        # The grid cell (column, row) the cluster stands for: the map draws its marker inside it (static/js/map.js).
        properties = {"count": row["n"], "cell": [row["cell_x"], row["cell_y"]]}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
        "properties": properties,
    }


def map_data(request):
    """GeoJSON for the map, clustered on the server on a grid that shrinks as the zoom grows.

    Each grid cell that the bounding box touches and that holds monuments is one feature, with the number of
    monuments in the whole cell (a cluster at the edge of the view keeps its count) and their mean position; a
    cell holding a single monument also carries its name and link, a cluster its cell's column and row
    (``cell``: the cell spans ``column × meta.cell_size`` to the next column in longitude, likewise rows in
    latitude), so that the map can keep its marker inside it. Everything works on the public coordinates
    (coarsened for sensitive locations), never the exact ones: a bounding box or a cluster's mean over exact
    points would let anyone narrow a hidden location down. The unfiltered map at zooms up to MAP_CELL_MAX_ZOOM
    reads the pre-counted cells (MapCell); filters and deeper zooms group the monuments in one query. The
    response never holds more than ``MAP_MAX_FEATURES`` features, the largest cells first.
    """
    filterset = MonumentFilterSet(filter_data(request), queryset=published_monuments())
    if errors := filter_errors(filterset):
        return invalid_filters_response(errors)
    zoom = _parse_zoom(request.GET.get("zoom"))
    cells = _cell_range(_parse_bbox(request.GET.get("bbox")), zoom)
    if zoom <= MAP_CELL_MAX_ZOOM and not _is_filtered(request, filterset):
        rows = _counted_cells(zoom, cells)
    else:
        rows = _live_cells(filterset.qs, zoom, cells)
    limit = settings.MAP_MAX_FEATURES
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [_feature(row) for row in rows[:limit]],
            "meta": {"zoom": zoom, "cell_size": map_cell_size(zoom), "truncated": len(rows) > limit},
        }
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
PROVENANCE_FIELDS = tuple(CONDITION_PROVENANCE.values())
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
    url = record_url(request, "monuments:monument_detail")
    rows = rows_in_a_transaction(queryset.db, monuments.iterator(chunk_size=CHUNK_SIZE))
    for chunk in chunks(rows, CHUNK_SIZE):
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
