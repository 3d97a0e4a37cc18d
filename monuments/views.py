"""Public pages of the monument register: the filtered list, the record, the map and its data, the exports."""

import datetime
import math

from django.conf import settings
from django.db.models import Avg, Count, JSONField, Min, OuterRef, Prefetch, Subquery
from django.db.models.functions import JSONObject
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from heritage.exports import (
    CHUNK_SIZE,
    invalid_filters_response,
    rows_in_a_transaction,
    stream_csv,
    stream_geojson,
    stream_json,
)
from heritage.listing import FilteredListView, filter_data, filter_errors
from monuments.filters import MonumentFilterSet
from monuments.geo import COARSE_STEP, public_point
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
        properties = {"count": row["n"]}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
        "properties": properties,
    }


def map_data(request):
    """GeoJSON for the map, clustered on the server on a grid that shrinks as the zoom grows.

    Each grid cell that the bounding box touches and that holds monuments is one feature, with the number of
    monuments in the whole cell (a cluster at the edge of the view keeps its count) and their mean position; a
    cell holding a single monument also carries its name and link. Everything works on the public coordinates
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
            "meta": {"zoom": zoom, "truncated": len(rows) > limit},
        }
    )


# The export's columns, in order. Provenance travels with the condition: when, who, on what evidence, from where.
EXPORT_FIELDS = [
    ("slug", "slug"),
    ("url", None),
    ("name", "name"),
    ("alternative_names", "alternative_names"),
    ("type", "monument_type__name"),
    ("religious_affiliation", "religious_affiliation"),
    ("place", "place__name"),
    ("country", "place__country"),
    ("latitude", None),
    ("longitude", None),
    ("coordinates_approximate", None),
    ("built_from_year", "built_from_year"),
    ("built_to_year", "built_to_year"),
    ("built_approximate", "built_approximate"),
    ("current_condition", "current_condition"),
    ("condition_observed_on", "condition_observed_on"),
    ("condition_observed_precision", "condition_observed_precision"),
    ("condition_reported_by", "condition_reported_by"),
    ("condition_evidence", "condition_evidence_kind"),
    ("condition_source_title", "condition_source_title"),
    ("condition_source_url", "condition_source_url"),
    ("registered", "registered"),
    ("registration_registry", "registration_registry"),
    ("registration_number", "registration_number"),
    ("registration_significance", "registration_significance"),
    ("updated_at", "updated_at"),
]


# Columns read from the latest assessment, fetched per chunk of monuments (``ConditionAssessment.latest_by_monument``).
PROVENANCE_FIELDS = CONDITION_PROVENANCE
PUBLIC_POINT_FIELDS = ("latitude", "longitude", "location_sensitive")
REGISTRATION_FIELDS = {
    "registration_registry": "registry",
    "registration_number": "number",
    "registration_significance": "significance",
}


def _first_registration():
    # One correlated sub-query per row (the registration's monument index) that carries all three fields, instead
    # of one per field: the registry, number and significance of the first registration by registry and number.
    first = Registration.objects.filter(monument=OuterRef("pk")).order_by("registry", "number")
    return Subquery(first.values(json=JSONObject(**REGISTRATION_FIELDS))[:1], output_field=JSONField())


def export_rows(queryset, request):
    """The export rows as dicts in EXPORT_FIELDS order, streamed from the database in chunks.

    The monuments stream in the list's order from one query; the condition's provenance comes from one query per
    chunk of CHUNK_SIZE monuments (not eleven correlated sub-queries per row, which took 52 s for 100,000 rows).
    """
    computed = {"registered", *PROVENANCE_FIELDS, *REGISTRATION_FIELDS}
    columns = [field for _, field in EXPORT_FIELDS if field and field not in computed]
    monuments = queryset.annotate(first_registration=_first_registration()).values(
        "pk", *columns, "first_registration", *PUBLIC_POINT_FIELDS
    )
    # reverse() once, not per row: the record's URL with the slug put in (slugs need no quoting).
    url = request.build_absolute_uri("/").rstrip("/") + reverse("monuments:monument_detail", args=["SLUG"])
    url = url.replace("{", "{{").replace("}", "}}").replace("SLUG", "{}")
    rows = rows_in_a_transaction(queryset.db, monuments.iterator(chunk_size=CHUNK_SIZE))
    for chunk in _chunks(rows, CHUNK_SIZE):
        ids = [row["pk"] for row in chunk]
        latest = ConditionAssessment.objects.latest_by_monument(ids, *PROVENANCE_FIELDS.values())
        for row in chunk:
            yield _export_row(row, latest.get(row["pk"]), url)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _export_row(row, assessment, url):
    point = public_point(row)
    registration = row["first_registration"]
    row["url"] = url.format(row["slug"])
    row["latitude"], row["longitude"] = point if point else (None, None)
    row["coordinates_approximate"] = bool(point and row["location_sensitive"])
    row["country"] = row.pop("place__country") or ""
    row["registered"] = registration is not None
    for column, field in PROVENANCE_FIELDS.items():
        row[column] = assessment[field] if assessment else None
    for column in REGISTRATION_FIELDS:
        row[column] = registration[column] if registration else None
    out = {}
    for column, field in EXPORT_FIELDS:
        out[column] = row[column] if field is None or column == "country" else row[field]
    return out


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
    header = [column for column, _field in EXPORT_FIELDS]
    rows = ([row[c] for c in header] for row in export_rows(filterset.qs, request))
    return stream_csv(_filename("csv"), header, rows)


def export_json(request):
    filterset, errors = _filtered_or_error(request)
    if errors:
        return invalid_filters_response(errors)
    return stream_json(_filename("json"), export_rows(filterset.qs, request), meta=_meta(request))


def export_geojson(request):
    filterset, errors = _filtered_or_error(request)
    if errors:
        return invalid_filters_response(errors)

    def features():
        for row in export_rows(filterset.qs, request):
            lat, lon = row.pop("latitude"), row.pop("longitude")
            geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
            yield {"type": "Feature", "geometry": geometry, "properties": row}

    return stream_geojson(_filename("geojson"), features(), meta=_meta(request))
