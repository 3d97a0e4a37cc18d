"""pg_trgm and trigram indexes on folded names, for likely-duplicate suggestions. Nothing happens on SQLite.

The indexed expression must be the one ``heritage.duplicates.Folded`` builds, letter for letter.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from heritage.duplicates import FOLD_FROM, FOLD_TO

TABLES = ("heritage_place", "meetings_person", "meetings_organization", "monuments_monument")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("name", "alternative_names"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f"USING gin ((translate(lower({column}), %s, %s)) gin_trgm_ops)",
                [FOLD_FROM, FOLD_TO],
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("name", "alternative_names"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0002_pg_trgm"),
        ("meetings", "0003_search_data"),
        ("monuments", "0003_search_data"),
    ]

    operations = [
        # CreateExtension itself does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
