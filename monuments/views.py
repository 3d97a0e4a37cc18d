"""Public pages of the monument register: the filtered list, the record, the map and its data."""

import math

from django.conf import settings
from django.db.models import Avg, Count, Min, Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from heritage.charts import timeline
from heritage.facets import unfiltered_facet_counts
from heritage.listing import CleanQueryMixin, FilteredListView, filter_data, filter_errors
from heritage.transfer.exports import invalid_filters_response
from monuments.filters import MonumentFilterSet
from monuments.geo import COARSE_STEP, public_point
from monuments.linked_data import monument_json_ld
from monuments.models import (
    MAP_CELL_MAX_ZOOM,
    MICRODEGREES,
    Condition,
    MapCell,
    Monument,
    MonumentType,
    Registration,
    map_cell_size,
)


def published_monuments():
    return Monument.objects.published()


def list_url(**params):
    return reverse("monuments:monument_list") + "?" + urlencode(params)


def register_facets():
    """Published monuments by current condition, by type and by registration, each count with the address of its
    list: the unfiltered list page's own facet counts (``heritage.facets``, the same cached entry), so each count is
    the number of rows that list shows. Only choices with a published monument; the largest first."""
    counts = unfiltered_facet_counts(MonumentFilterSet, published_monuments())  # MonumentListView.facet_queryset
    labels = dict(Condition.choices)
    by_condition = [
        {"code": code, "label": labels[code], "n": n, "url": list_url(condition=code)}
        for code, n in counts["condition"].items()
        if n and code in labels
    ]
    types = MonumentType.objects.in_bulk([pk for pk, n in counts["type"].items() if n and pk is not None])
    by_type = [
        {"type": types[pk], "n": n, "url": list_url(type=types[pk].slug)}
        for pk, n in counts["type"].items()
        if pk in types
    ]
    return {
        "by_condition": sorted(by_condition, key=lambda row: -row["n"]),
        "by_type": sorted(by_type, key=lambda row: (-row["n"], row["type"].name)),
        "registered": counts["registered"].get("yes", 0),
        "not_registered": counts["registered"].get("no", 0),
        "total": sum(row["n"] for row in by_condition),
    }


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

    def facet_queryset(self):
        return published_monuments()


class MonumentDetailView(DetailView):
    template_name = "monuments/monument_detail.html"

    def get_queryset(self):
        return published_monuments().with_related().with_optional_relations_flags()

    def get_object(self, queryset=None):
        return super().get_object(queryset).load_record()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["point"] = public_point(self.object)
        context["json_ld"] = monument_json_ld(self.request, self.object, context["point"])
        context["condition_timeline"] = timeline(
            [
                (
                    a.observed_on,
                    _("%(date)s: %(condition)s, reported by %(who)s")
                    % {"date": a.observed_display, "condition": a.get_condition_display(), "who": a.assessed_by},
                    a.condition,
                )
                for a in self.object.assessments.all()
            ],
            _("Assessments of its condition over time"),
        )
        context["permalink"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["accessed_on"] = timezone.localdate()
        context["map_tile_url"] = settings.MAP_TILE_URL
        context["map_tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


class MonumentMapView(CleanQueryMixin, TemplateView):
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
