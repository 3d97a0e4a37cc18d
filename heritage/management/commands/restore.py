"""``manage.py restore FILE``: replace the whole database with a backup made by ``manage.py backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage import backup


class Command(BaseCommand):
    help = "Replace the whole database with a backup file made by `manage.py backup`. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, file, database="default", interactive=True, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        if interactive:
            answer = input(
                f"This replaces everything in the database '{database}' with {path}.\nType 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            backup.restore(path, database)
        except backup.BackupError as error:
            raise CommandError(f"{error} Nothing changed.") from error
        self.stdout.write(self.style.SUCCESS(f"Database restored from {path}."))
