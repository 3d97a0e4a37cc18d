"""`manage.py import_monuments FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from monuments.importers import MonumentImport


class Command(ImportCommand):
    help = "Import monuments from a CSV or XLSX file, all rows or none."
    importer_class = MonumentImport
