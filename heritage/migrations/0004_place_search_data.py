"""Places get search data like the records, so likely duplicates of a place are found on its indexed names."""

import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models

import heritage.models
from heritage.search import VECTOR_SQL, search_columns


def fill_search_data(apps, schema_editor):
    """Existing places' columns as ``Place.search_document()`` gives them (the historical model has no methods)."""
    Place = apps.get_model("heritage", "Place")
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    names = dict(Place.objects.values_list("pk", "name"))
    places = list(Place.objects.only("pk", "name", "alternative_names", "parent_id"))
    for start in range(0, len(places), 1000):
        batch = places[start : start + 1000]
        rows = []
        for place in batch:
            columns = search_columns({"A": [place.name, place.alternative_names], "B": [names.get(place.parent_id)]})
            place.search_names = columns["search_names"]
            place.search_text = "" if postgres else columns["search_text"]
            rows.append((place.pk, columns["a"], columns["b"], columns["c"]))
        Place.objects.bulk_update(batch, ["search_names", "search_text"])
        if postgres:
            values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
            vector = VECTOR_SQL.format(a="v.a", b="v.b", c="v.c")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE heritage_place AS t SET search_vector = {vector} "
                    f"FROM (VALUES {values}) AS v(id, a, b, c) WHERE t.id = v.id",
                    [value for row in rows for value in row],
                )


class Migration(migrations.Migration):

    dependencies = [
        ('heritage', '0003_trigram_name_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='place',
            name='search_names',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='place',
            name='search_text',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='place',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='place',
            index=heritage.models.PostgresOnlyGinIndex(fields=['search_vector'], name='place_search_vector'),
        ),
        migrations.AddIndex(
            model_name='place',
            index=heritage.models.PostgresOnlyGinIndex(fields=['search_names'], name='place_search_names_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.RunPython(fill_search_data, migrations.RunPython.noop, elidable=True),
    ]
