"""Drop the trigram indexes on folded names: likely duplicates now use the stored, indexed ``search_names``.

Those indexes were on ``translate(lower(name), …)``, a second normalisation of the same names; the one
normalisation is ``heritage.search.normalize``.
"""

from django.db import migrations

from heritage.duplicates import FOLD_FROM, FOLD_TO

TABLES = ("heritage_place", "meetings_person", "meetings_organization", "monuments_monument")
COLUMNS = ("name", "alternative_names")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f"USING gin ((translate(lower({column}), %s, %s)) gin_trgm_ops)",
                [FOLD_FROM, FOLD_TO],
            )


class Migration(migrations.Migration):
    dependencies = [("heritage", "0004_place_search_data")]

    operations = [migrations.RunPython(drop_indexes, create_indexes, elidable=False)]
