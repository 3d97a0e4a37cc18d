"""`manage.py import_assessments FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from monuments.importers import AssessmentImport


class Command(ImportCommand):
    help = "Import assessments from a CSV or XLSX file, all rows or none."
    importer_class = AssessmentImport
