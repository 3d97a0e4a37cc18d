"""Places get phonetic search keys (``search_keys`` on SQLite, weight D of ``search_vector`` on PostgreSQL), so
that ``Shusha`` finds Şuşa; the existing records' search data is recomputed (``heritage.search.backfill``)."""

from django.db import migrations, models

from heritage.search import backfill


class Migration(migrations.Migration):

    dependencies = [
        ('heritage', '0010_source_kind_database'),
    ]

    operations = [
        migrations.AddField(
            model_name='place',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(backfill('heritage'), migrations.RunPython.noop, elidable=True),
    ]
