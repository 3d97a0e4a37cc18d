"""`manage.py import_organizations FILE [--dry-run] [--user NAME] [--source ID]`: all rows or none."""

from heritage.management.import_command import ImportCommand
from meetings.importers import OrganizationImport


class Command(ImportCommand):
    help = "Import organizations from a CSV or XLSX file, all rows or none."
    importer_class = OrganizationImport
