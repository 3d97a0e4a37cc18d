"""Monuments get phonetic search keys (``search_keys`` on SQLite, weight D of ``search_vector`` on PostgreSQL), so
that ``Shusha`` finds Şuşa; the existing records' search data is recomputed (``heritage.search.backfill``)."""

from django.db import migrations, models

from heritage.search import backfill


class Migration(migrations.Migration):

    dependencies = [
        ('heritage', '0011_place_phonetic_search_keys'),
        ('monuments', '0014_identifiers_significance_optional'),
    ]

    operations = [
        migrations.AddField(
            model_name='monument',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(backfill('monuments'), migrations.RunPython.noop, elidable=True),
    ]
