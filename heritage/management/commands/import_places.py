"""`manage.py import_places FILE [--dry-run] [--user NAME] [--sheet NAME]`: places with their parents, all or none."""

from heritage.importers import PlaceImport
from heritage.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import places (with their parents, given in earlier rows or already known) from a CSV or XLSX file."
    importer_class = PlaceImport
