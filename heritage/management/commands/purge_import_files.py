"""``manage.py purge_import_files``: delete uploaded import files whose preview was never confirmed or cancelled."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heritage import import_files


class Command(BaseCommand):
    help = (
        "Delete uploaded import files older than IMPORT_FILES_MAX_AGE_HOURS (previews never confirmed or "
        "cancelled), and any import file an earlier version left in the media storage. Every upload does the same; "
        "run this from cron as well so that none outlives its age when nobody imports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="HOURS",
            help=f"age in hours above which a file is deleted (default: IMPORT_FILES_MAX_AGE_HOURS, "
            f"now {settings.IMPORT_FILES_MAX_AGE_HOURS:g})",
        )

    def handle(self, *args, older_than, **options):
        if older_than is not None and older_than < 0:
            raise CommandError(f"--older-than must be 0 or more hours, not {older_than:g}.")
        hours = settings.IMPORT_FILES_MAX_AGE_HOURS if older_than is None else older_than
        deleted = import_files.purge_expired(hours)
        self.stdout.write(f"Deleted {deleted} import file(s) older than {hours:g} hours.")
