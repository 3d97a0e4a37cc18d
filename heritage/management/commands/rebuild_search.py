"""``manage.py rebuild_search``: recompute the stored search data of every searchable record."""

import difflib

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from heritage.models import searchable_models
from heritage.progress import Progress
from heritage.search import update_search_index


class Command(BaseCommand):
    help = (
        "Recompute the stored search data (normalised names, full-text vectors) of every searchable record. "
        "Run it after changing how records are indexed, or after renaming places or monument types. "
        "Progress goes to stderr (about 2.5 minutes per million records)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "models", nargs="*", help="Only these models, as app_label.ModelName (e.g. monuments.Monument)."
        )

    def handle(self, *args, models, verbosity, **options):
        searchable = {model._meta.label.lower(): model for model in searchable_models()}
        unknown = [name for name in models if name.lower() not in searchable]
        if unknown:
            raise CommandError(self.unknown_message(unknown, [m._meta.label for m in searchable.values()]))
        wanted = {name.lower() for name in models} or set(searchable)
        for label, model in searchable.items():
            if label not in wanted:
                continue
            records = model._base_manager.all()
            progress = Progress(model._meta.label, records.count(), self.stderr if verbosity else None)
            written = update_search_index(records, progress=progress.step)
            progress.finish()
            self.stdout.write(f"{model._meta.label}: {written} records indexed")
        self.stdout.write(self.style.SUCCESS("Search data rebuilt."))

    @staticmethod
    def unknown_message(unknown, labels):
        """Name each unknown label (with the likeliest meant one) and list the valid ones; nothing was rebuilt."""
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name.lower(), [label.lower() for label in labels], n=1)
            meant = next((label for label in labels if close and label.lower() == close[0]), None)
            if meant:
                parts.append(_("%(name)r (did you mean %(meant)s?)") % {"name": name, "meant": meant})
            else:
                parts.append(repr(name))
        return _("Not a searchable model: %(names)s. Nothing was rebuilt. Searchable models: %(labels)s.") % {
            "names": ", ".join(parts),
            "labels": ", ".join(labels),
        }
