"""`manage.py import_meetings FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from meetings.importers import MeetingImport


class Command(ImportCommand):
    help = "Import meetings from a CSV or XLSX file, all rows or none."
    importer_class = MeetingImport
