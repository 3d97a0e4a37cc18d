"""``manage.py rebuild_map_cells``: count the map's grid cells (MapCell) again from the monuments."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from heritage.progress import Progress
from monuments.mapgrid import MAP_CELL_MAX_ZOOM, MapCell


class Command(BaseCommand):
    help = (
        "Count the pre-counted cells of the unfiltered map again from the published monuments. Saves, deletes, "
        "imports and sample data keep them current; run it after writing monuments in SQL by hand. "
        "Progress (zoom levels counted, the deepest first and slowest) goes to stderr."
    )

    def handle(self, *args, verbosity, **options):
        progress = Progress(_("zoom levels"), MAP_CELL_MAX_ZOOM + 1, self.stderr if verbosity else None)
        MapCell.objects.rebuild(progress=progress.step)
        progress.finish()
        cells = MapCell.objects.filter(count__gt=0).count()
        self.stdout.write(self.style.SUCCESS(f"Map cells counted: {cells} non-empty cells."))
