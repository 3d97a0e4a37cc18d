"""The map grid engine: the pre-counted cells (MapCell) the unfiltered public map reads, and their upkeep.

The model belongs to the monuments app (``monuments.models`` imports it, so migrations see it there). Monument
is imported inside the functions that query it, as ``monuments.models`` imports this module.
"""

from django.db import connections, models, transaction
from django.db.models import Case, Count, OuterRef, Subquery, Sum, When
from django.utils.translation import gettext_lazy as _

# The map's grid: a cell is about 60 screen pixels, and a 256-pixel tile spans 360 / 2**zoom degrees, so a cell
# at zoom z is MAP_CELL_DEGREES / 2**z degrees wide and high, and each cell splits into 2 × 2 cells one zoom deeper.
MAP_CELL_DEGREES = 360.0 * 60 / 256
# Zooms whose cells are counted ahead (MapCell) for the unfiltered map; a deeper zoom shows a small area.
MAP_CELL_MAX_ZOOM = 10
# Public points are summed in millionths of a degree (their stored precision), as exact integers.
MICRODEGREES = 1_000_000


def map_cell_size(zoom):
    return MAP_CELL_DEGREES / 2**zoom


class MapCellQuerySet(models.QuerySet):
    """The pre-counted map grid: what the unfiltered map shows at zooms up to MAP_CELL_MAX_ZOOM.

    Kept exact on every path that changes which monuments are published or where: saves and deletes one at a
    time (``MapCellTracker``, from the signals in monuments.apps, as django-reversion's "revert" and "recover"
    save without ``Monument.save()``), imports (``MonumentImport.write``) and ``rebuild()`` after writes in raw
    SQL (sample data).
    """

    def in_view(self, zoom, cells=None):
        """The non-empty cells at ``zoom`` (within ``(x0, y0, x1, y1)`` when given), largest first, each with the
        name and slug of its monument when it holds one (its ``id_sum`` is then that monument's id)."""
        rows = self.filter(zoom=zoom, count__gt=0)
        if cells:
            x0, y0, x1, y1 = cells
            rows = rows.filter(x__range=(x0, x1), y__range=(y0, y1))
        from monuments.models import Monument

        single = Monument.objects.published().filter(pk=OuterRef("id_sum")).order_by()
        return rows.annotate(
            slug=Case(When(count=1, then=Subquery(single.values("slug")))),
            name=Case(When(count=1, then=Subquery(single.values("name")))),
        ).order_by("-count", "x", "y")

    def apply(self, before, after):
        """Move the contributions of some monuments from ``before`` to ``after`` (``Monument.map_point_rows()``
        rows), at every counted zoom, in one statement per 500 cells; cells that net to nothing are not written."""
        deltas = {}
        for sign, points in ((-1, before), (1, after)):
            for pk, x, y, latitude, longitude in points:
                for zoom in range(MAP_CELL_MAX_ZOOM + 1):
                    shift = MAP_CELL_MAX_ZOOM - zoom  # a cell one zoom out holds 2 × 2: floor halving, ints
                    delta = deltas.setdefault((zoom, x >> shift, y >> shift), [0, 0, 0, 0])
                    delta[0] += sign
                    delta[1] += sign * latitude
                    delta[2] += sign * longitude
                    delta[3] += sign * pk
        # In key order: two saves that touch the same cells lock them in the same order, and so cannot deadlock.
        rows = sorted((*key, *delta) for key, delta in deltas.items() if any(delta))
        connection = connections[self.db]
        table, columns = self._table(connection)
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns[3:])
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "
                    f"ON CONFLICT (zoom, x, y) DO UPDATE SET {updates}",
                    [value for row in batch for value in row],
                )

    def rebuild(self, progress=None):
        """Count every cell again from the monuments table: after bulk writes that send no signals.

        One GROUP BY over the published monuments for the deepest counted zoom, then each zoom out from the one
        below it. On PostgreSQL the table is locked first, so a save that runs meanwhile applies its change after
        the rebuild, to the new counts (and a save committed before it is counted by it). ``progress(1)``, when
        given, is called after each of the ``MAP_CELL_MAX_ZOOM + 1`` zoom levels is counted.
        """
        from monuments.models import Monument

        progress = progress or (lambda n: None)
        connection = connections[self.db]
        table, columns = self._table(connection)
        finest = (
            Monument.objects.using(self.db)
            .map_points()
            .values("cell_x", "cell_y")
            .annotate(n=Count("pk"), lat_sum=Sum("micro_latitude"), lon_sum=Sum("micro_longitude"), id_sum=Sum("pk"))
        )
        sql, params = finest.query.sql_with_params()
        names = ", ".join(connection.ops.quote_name(n) for n in ("cell_x", "cell_y", "n", "lat_sum", "lon_sum"))
        insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT %s, "
        sums = ", ".join(f"SUM({c})" for c in columns[3:])
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                # The hash of about a million points in memory, not spilled to disk (for this transaction only).
                cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"{insert}{names}, {connection.ops.quote_name('id_sum')} FROM ({sql}) finest",
                (MAP_CELL_MAX_ZOOM, *params),
            )
            progress(1)
            for zoom in range(MAP_CELL_MAX_ZOOM - 1, -1, -1):
                cursor.execute(
                    f"{insert}x >> 1, y >> 1, {sums} FROM {table} WHERE zoom = %s GROUP BY x >> 1, y >> 1",
                    (zoom, zoom + 1),
                )
                progress(1)
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {table}")  # the planner's estimates of a table just refilled

    def _table(self, connection):
        quote = connection.ops.quote_name
        names = ("zoom", "x", "y", "count", "latitude_sum", "longitude_sum", "id_sum")
        return quote(self.model._meta.db_table), [quote(n) for n in names]


class MapCell(models.Model):
    """How many published monuments have their public point in one cell of the map's grid at one zoom.

    Derived data, never edited: the unfiltered map at zooms up to MAP_CELL_MAX_ZOOM reads these instead of
    grouping a million monuments. The sums are of public points (coarsened when sensitive) in millionths of a
    degree, so a cluster's mean never reveals an exact hidden point; ``id_sum`` of a cell holding one monument is
    that monument's id (for its name and link).
    """

    zoom = models.PositiveSmallIntegerField(_("zoom"))
    x = models.IntegerField(_("column"))
    y = models.IntegerField(_("row"))
    count = models.IntegerField(_("number of monuments"), default=0)
    latitude_sum = models.BigIntegerField(_("sum of latitudes (millionths of a degree)"), default=0)
    longitude_sum = models.BigIntegerField(_("sum of longitudes (millionths of a degree)"), default=0)
    id_sum = models.BigIntegerField(_("sum of monument ids"), default=0)

    objects = MapCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        ordering = ["zoom", "x", "y"]
        constraints = [models.UniqueConstraint(fields=["zoom", "x", "y"], name="map_cell_unique")]

    def __str__(self):
        return f"{self.zoom}/{self.x}/{self.y}: {self.count}"


class MapCellTracker:
    """Keep MapCell right across a write of these monuments: ``begin()`` reads their points before it, ``end()``
    after it, and moves the counts by the difference (nothing written when nothing that the map shows changed).

    ``lock``: read the rows ``FOR UPDATE`` first (inside a transaction), so that two saves of one monument
    cannot both subtract its old point.
    """

    def __init__(self, monument_ids, using="default", lock=False):
        self.ids, self.using, self.lock = list(monument_ids), using, lock

    def points(self):
        from monuments.models import Monument

        if not self.ids:
            return []
        return list(Monument.objects.using(self.using).filter(pk__in=self.ids).map_point_rows())

    def begin(self):
        from monuments.models import Monument

        if self.lock and self.ids and connections[self.using].in_atomic_block:
            # Whatever the status or position (a draft being published is not among the points).
            list(Monument.objects.using(self.using).filter(pk__in=self.ids).select_for_update().values_list("pk"))
        self.before = self.points()
        return self

    def end(self, monument_ids=None):
        """Apply the difference; ``monument_ids``: the written monuments when new ones have their ids only now."""
        if monument_ids is not None:
            self.ids = list(monument_ids)
        MapCell.objects.using(self.using).apply(self.before, self.points())


# What a monument contributes to the map: the fields a save must touch to change it.
MAP_FIELDS = {"status", "latitude", "longitude", "location_sensitive"}


def map_cells_before_write(sender, instance, update_fields=None, using="default", **kwargs):
    """Derived-data upkeep (pre_save, pre_delete; monuments.apps): note the monument's point before the write."""
    if update_fields is not None and not MAP_FIELDS & set(update_fields):
        return
    tracker = MapCellTracker([instance.pk] if instance.pk is not None else [], using=using, lock=True)
    instance._map_cells = tracker.begin()


def map_cells_after_write(sender, instance, using="default", **kwargs):
    """post_save, post_delete: move the map counts from the point before the write to the one after it."""
    tracker = instance.__dict__.pop("_map_cells", None)
    if tracker is not None:
        tracker.end([instance.pk])
