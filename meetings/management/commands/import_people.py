"""`manage.py import_people FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from meetings.importers import PersonImport


class Command(ImportCommand):
    help = "Import people from a CSV or XLSX file, all rows or none."
    importer_class = PersonImport
