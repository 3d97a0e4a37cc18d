"""`manage.py import_monument_types FILE [--dry-run] [--user NAME] [--sheet NAME]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from monuments.importers import MonumentTypeImport


class Command(ImportCommand):
    help = "Import monument types from a CSV or XLSX file, all rows or none."
    importer_class = MonumentTypeImport
