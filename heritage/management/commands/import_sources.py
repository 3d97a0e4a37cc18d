"""`manage.py import_sources FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.importers import SourceImport
from heritage.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import sources from a CSV or XLSX file, all rows or none."
    importer_class = SourceImport
