"""Reading a page's relations as rows, for the resources a harvester walks in bulk (``api.monument_rows``,
``api.meeting_rows``): one ``values_list`` query per relation for the whole page, grouped by the record it belongs
to, and the sources all those rows cite in one more query."""

from collections import defaultdict

from django.db.models import F

from api.base import SOURCE_FIELDS, place_json, source_json
from heritage.models import AnyOf, Source

# A row's place, joined in by ``values()``: what ``place_from_row`` reads.
PLACE_COLUMNS = ("place__slug", "place__name", "place__name_language", "place__kind", "place__country")


def place_from_row(row, links):
    """The ``PlaceRef`` of a ``values()`` row with ``PLACE_COLUMNS``, ``None`` when the record has no place."""
    if row["place__slug"] is None:
        return None
    return place_json(*(row[column] for column in PLACE_COLUMNS), links)


def by_record(key, queryset, ids, order, *columns):
    """The rows of ``queryset`` whose ``key`` (``"monument_id"``…) is one of ``ids``, as ``values_list`` rows of
    ``key`` and ``columns`` in ``order``, grouped by ``key``."""
    groups = defaultdict(list)
    if not ids:
        return groups
    # One array parameter (``AnyOf``), not a placeholder per id: Django prepares a thousand of those one by one.
    rows = queryset.filter(AnyOf(F(key), ids)).order_by(key, *order).values_list(key, *columns)
    for row in rows:
        groups[row[0]].append(row)
    return groups


def cited_by_record(key, through, ids):
    """The ids of the sources each record cites (``through``: its ``sources`` M2M table), grouped by ``key``, in the
    sources' own order (``Source.Meta.ordering``), as the record pages list them."""
    return by_record(
        key, through.objects.all(), ids, ("-source__published_on", "source__title", "source_id"), "source_id"
    )


def page_sources(groups, links):
    """The JSON of each source cited in ``groups`` (``by_record`` groups whose rows end in a source id), by id, made
    once: sources are shared by many records, so the relation rows carry only the id and the sources come in one
    query (joining them into every row sent a 3 KB source a thousand times a page)."""
    ids = {row[-1] for group in groups for rows in group.values() for row in rows} - {None}
    if not ids:
        return {}
    rows = Source.objects.filter(AnyOf(F("id"), list(ids))).values_list(*SOURCE_FIELDS)
    return {values[0]: source_json(values, links) for values in rows}
