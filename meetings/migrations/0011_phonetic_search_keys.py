"""Events, meetings, people and organizations get phonetic search keys (``search_keys`` on SQLite, weight D of ``search_vector`` on PostgreSQL), so
that ``Shusha`` finds Şuşa; the existing records' search data is recomputed (``heritage.search.backfill``)."""

from django.db import migrations, models

from heritage.search import backfill


class Migration(migrations.Migration):

    dependencies = [
        ('heritage', '0011_place_phonetic_search_keys'),
        ('meetings', '0010_external_identifiers'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='meeting',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='organization',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='search_keys',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(backfill('meetings'), migrations.RunPython.noop, elidable=True),
    ]
