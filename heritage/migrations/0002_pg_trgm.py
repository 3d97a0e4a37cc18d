"""The pg_trgm extension on PostgreSQL, for the trigram fallback on names (TrigramExtension skips SQLite)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class KeepTrigramExtension(TrigramExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # other apps' migrations use the extension too; leaving it installed is harmless


class Migration(migrations.Migration):
    dependencies = [("heritage", "0001_initial")]

    operations = [KeepTrigramExtension()]
