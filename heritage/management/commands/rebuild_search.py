"""``manage.py rebuild_search``: recompute the stored search data of every searchable record."""

from django.core.management.base import BaseCommand

from heritage.search import searchable_models, update_search_index


class Command(BaseCommand):
    help = (
        "Recompute the stored search data (normalised names, full-text vectors) of every searchable record. "
        "Run it after changing how records are indexed, or after renaming places or monument types."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "models", nargs="*", help="Only these models, as app_label.ModelName (e.g. monuments.Monument)."
        )

    def handle(self, *args, **options):
        wanted = {name.lower() for name in options["models"]}
        for model in searchable_models():
            label = model._meta.label
            if wanted and label.lower() not in wanted:
                continue
            written = update_search_index(model._base_manager.all())
            self.stdout.write(f"{label}: {written} records indexed")
        self.stdout.write(self.style.SUCCESS("Search data rebuilt."))
