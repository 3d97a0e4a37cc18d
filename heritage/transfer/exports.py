"""Streamed CSV, JSON and GeoJSON responses for the public exports: rows are written as the database yields
them, so memory stays flat. CSV text comes from the one writer and formula guard in ``heritage.transfer.files``."""

import json
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from heritage.transfer.files import csv_cells, csv_lines

CHUNK_SIZE = 2000  # rows per database fetch of an export
# Rows handed to the response at a time. Each piece a StreamingHttpResponse yields is encoded and sent on its
# own, which one row at a time cost about a second per 100,000 rows; 500 CSV lines are some 100 kB.
ROWS_PER_PIECE = 500


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stream_csv(filename, header, rows):
    """``rows`` yields sequences in ``header`` order; every cell goes through ``csv_cells`` (``csv_safe``), written
    by the project's one CSV writer, ``ROWS_PER_PIECE`` lines a piece."""
    pieces = csv_lines(header, rows, cells=csv_cells, rows_per_piece=ROWS_PER_PIECE)
    return _attachment(StreamingHttpResponse(pieces, content_type="text/csv; charset=utf-8"), filename)


def _json_items(items):
    """The items encoded, comma-separated, handed on ``ROWS_PER_PIECE`` at a time (see ``stream_csv``)."""
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    separator, piece = "", []
    for item in items:
        piece.append(encode(item))
        if len(piece) == ROWS_PER_PIECE:
            yield separator + ",\n".join(piece)
            separator, piece = ",\n", []
    if piece:
        yield separator + ",\n".join(piece)


def stream_json(filename, items, meta=None):
    """``{"meta": …, "results": [ … ]}`` written one item at a time."""

    def chunks():
        yield '{"meta": ' + json.dumps(meta or {}, cls=DjangoJSONEncoder, ensure_ascii=False) + ',\n"results": [\n'
        yield from _json_items(items)
        yield "\n]}\n"

    return _attachment(StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8"), filename)


def stream_geojson(filename, features, meta=None):
    """A GeoJSON FeatureCollection written one feature at a time (RFC 7946; foreign member "meta")."""

    def chunks():
        yield (
            '{"type": "FeatureCollection", "meta": '
            + json.dumps(meta or {}, cls=DjangoJSONEncoder, ensure_ascii=False)
            + ',\n"features": [\n'
        )
        yield from _json_items(features)
        yield "\n]}\n"

    return _attachment(StreamingHttpResponse(chunks(), content_type="application/geo+json; charset=utf-8"), filename)


def rows_in_a_transaction(using, rows):
    """``rows`` read inside a transaction, so that PostgreSQL's cursor hands rows out as it reads them.

    Outside a transaction Django's streaming cursor is WITH HOLD, which reads and stores the whole result before
    the first row (7 s for the monument export at a million). A reader who stops early (the response is closed)
    ends the transaction normally: nothing was written in it.
    """
    with transaction.atomic(using=using, savepoint=False):
        try:
            yield from rows
        except GeneratorExit:
            return


def chunks(rows, size):
    """``rows`` in lists of ``size``: an export reads each chunk's related rows in a few queries."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def record_url(request, viewname):
    """A function giving the absolute URL of the record page ``viewname`` for a slug: ``reverse()`` once per
    export, not per row (slugs need no quoting)."""
    start, end = request.build_absolute_uri(reverse(viewname, args=["SLUG"])).split("SLUG")
    return lambda slug: start + slug + end


def invalid_filters_response(names):
    """400 for an export or feed whose filters were not understood: it names the parameters, never their values."""
    message = _("These filters were not understood: %(names)s. Correct them and try again.") % {
        "names": ", ".join(names)
    }
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
