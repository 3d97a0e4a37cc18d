"""``manage.py backup [--output FILE]``: write the whole database to one restorable file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heritage import backup


class Command(BaseCommand):
    help = "Back up the whole database: pg_dump custom format on PostgreSQL, a consistent file copy on SQLite."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: backups/heritage-<timestamp>.<ext>).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, output=None, database="default", **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "backups" / f"heritage-{stamp}.{backup.default_extension(database)}"
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.exists():
            raise CommandError(f"{output} exists; choose another file (backups are never overwritten).")
        try:
            backup.backup(output, database)
        except backup.BackupError as error:
            output.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output} ({output.stat().st_size} bytes)."))
