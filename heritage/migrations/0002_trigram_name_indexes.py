"""pg_trgm and trigram indexes on names, for likely-duplicate suggestions. Nothing happens on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLES = ("heritage_place", "meetings_person", "meetings_organization", "monuments_monument")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} USING gin (name gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0001_initial"),
        ("meetings", "0002_initial"),
        ("monuments", "0001_initial"),
    ]

    operations = [
        # CreateExtension itself does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
