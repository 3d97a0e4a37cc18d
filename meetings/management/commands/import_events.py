"""`manage.py import_events FILE [--dry-run] [--user NAME] [--source ID] [--sheet NAME]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from meetings.importers import EventImport


class Command(ImportCommand):
    help = "Import events from a CSV or XLSX file, all rows or none."
    importer_class = EventImport
