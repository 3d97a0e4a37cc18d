"""``manage.py rebuild_map_cells``: count the map's grid cells (MapCell) again from the monuments."""

from django.core.management.base import BaseCommand

from monuments.models import MapCell


class Command(BaseCommand):
    help = (
        "Count the pre-counted cells of the unfiltered map again from the published monuments. Saves, deletes, "
        "imports and sample data keep them current; run it after writing monuments in SQL by hand."
    )

    def handle(self, *args, **options):
        MapCell.objects.rebuild()
        cells = MapCell.objects.filter(count__gt=0).count()
        self.stdout.write(self.style.SUCCESS(f"Map cells counted: {cells} non-empty cells."))
