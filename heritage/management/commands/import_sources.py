"""`manage.py import_sources FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from heritage.services import SourceImport


class Command(ImportCommand):
    help = "Import sources from a CSV or XLSX file, all rows or none."
    importer_class = SourceImport
