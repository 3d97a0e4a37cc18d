"""The shared body of the ``import_*`` commands: stream a CSV/XLSX file through a ``TableImport``, all or nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from heritage.models import Source
from heritage.progress import Progress
from heritage.transfer.files import read_rows
from heritage.transfer.results import INVALID

SHOWN_ERRORS = 50


class ImportCommand(BaseCommand):
    importer_class = None

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="a .csv (UTF-8), .xlsx or .geojson file; the template in the admin lists the columns"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row and report, save nothing")
        parser.add_argument(
            "--user",
            help=(
                "username the import is recorded under; their permissions apply: an Editor cannot publish, and their "
                "rows that change published records become proposals for a Publisher. Without --user the import is "
                "the operator's and may publish"
            ),
        )
        parser.add_argument("--source", type=int, help="id of a source every imported record cites")
        parser.add_argument("--sheet", help="the sheet of an .xlsx workbook to read (default: its first)")

    def handle(self, *args, file, dry_run, user, source, verbosity, sheet=None, **options):
        if user:
            try:
                user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"No user {user!r}.") from exc
        if source is not None:
            source = Source.objects.filter(pk=source).first()
            if source is None:
                raise CommandError("No such source.")
        importer = self.importer_class(user=user or None, cite_source=source)
        try:
            handle = open(file, "rb")  # noqa: SIM115 - closed below, after the generator is consumed
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}") from exc

        # The shared report of long commands: a bar on a terminal, plain lines in a log (heritage.progress).
        report = Progress(_("rows"), None, self.stderr if verbosity else None)

        def progress(rows, seconds):
            report.step(rows - report.done)

        workbook = {}
        with handle:
            try:
                result = importer.run(
                    read_rows(handle, file, sheet=sheet, info=workbook), dry_run=dry_run, progress=progress
                )
            except DatabaseError as exc:
                if not importer.connection_lost():
                    raise
                # Not a fault of the file or of this program: one line, not a traceback (--traceback shows it).
                report.finish()
                raise CommandError(importer.lost_connection_message()) from exc
        report.finish()
        if workbook.get("sheet"):
            others = ", ".join(f"“{n}”" for n in workbook["other_sheets"])
            self.stdout.write(
                _("Read the sheet “%(sheet)s”.") % {"sheet": workbook["sheet"]}
                + (" " + _("Other sheets (--sheet NAME): %(sheets)s.") % {"sheets": others} if others else "")
            )
        for message in result.file_errors:
            self.stderr.write(self.style.ERROR(message))
        for name, names in result.to_create.items():
            self.stdout.write(
                _("To be created, %(what)s (%(count)s): %(names)s")
                % {"what": name, "count": len(names), "names": ", ".join(names)}
            )
        for row in result.invalid[:SHOWN_ERRORS]:
            self.stderr.write(self.style.ERROR(f"row {row.number} {row.key}: " + "; ".join(row.errors)))
        noted = [row for row in result.rows if row.notes][:SHOWN_ERRORS]
        for row in noted:
            self.stdout.write(f"row {row.number} {row.key}: " + "; ".join(row.notes))
        if result.noted > len(noted):
            self.stdout.write(f"… and {result.noted - len(noted)} more rows with notes")
        if result.counts[INVALID] > SHOWN_ERRORS:
            self.stderr.write(f"… and {result.counts[INVALID] - SHOWN_ERRORS} more invalid rows")
        summary = ", ".join(
            f"{result.counts[k]} {k}"
            for k in ("new", "changed", "proposed", "unchanged", "invalid")
            if k != "proposed" or result.counts[k]
        )
        summary += f" in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)"
        if result.has_errors:
            raise CommandError(f"Nothing imported: {summary}.")
        verb = "Checked (dry run, nothing saved)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary}."))
