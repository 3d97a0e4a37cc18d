"""Streamed CSV, JSON and GeoJSON responses: rows are written as the database yields them, so memory stays flat."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

CHUNK_SIZE = 2000
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV cell that no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading '.

    Numbers are left as numbers: a negative longitude or a BCE year is data, not a formula.
    """
    if type(value) is str:  # most cells: the same rule as at the end, without the type checks (exports per cell)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# A number as a spreadsheet reads it; "-12.5" is data, "-1+2" is a formula.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def neutralise_text(text):
    """A text cell for a file that must also be read back (staff exports and imports): see ``restore_text``.

    A leading ' goes before any text that would start with a formula character once its own leading quotes are
    removed, so that ``restore_text`` can take exactly one off again; plain numbers are left alone.
    """
    if PLAIN_NUMBER.fullmatch(text) or not text.lstrip("'").startswith(FORMULA_PREFIXES):
        return text
    return "'" + text


def restore_text(text):
    """The inverse of ``neutralise_text``, for cells read from a CSV file."""
    if text.startswith("'") and neutralise_text(text[1:]) == text:
        return text[1:]
    return text


# Rows handed to the response at a time. Each piece a StreamingHttpResponse yields is encoded and sent on its
# own, which one row at a time cost about a second per 100,000 rows; 500 CSV lines are some 100 kB.
ROWS_PER_PIECE = 500
_PLAIN_CELL_TYPES = frozenset({int, float, Decimal})
_DATE_TYPES = frozenset({datetime.date, datetime.datetime})


def csv_cells(row):
    """``[csv_safe(cell) for cell in row]``, with the same rule inlined for the common types (a call per cell
    cost a third of the export's Python time)."""
    return [
        ("'" + cell if cell.startswith(FORMULA_PREFIXES) else cell)
        if (kind := type(cell)) is str
        else ""
        if cell is None
        else cell
        if kind in _PLAIN_CELL_TYPES
        else ("yes" if cell else "no")
        if kind is bool
        else cell.isoformat()
        if kind in _DATE_TYPES
        else csv_safe(cell)
        for cell in row
    ]


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stream_csv(filename, header, rows):
    """``rows`` yields sequences in ``header`` order; every cell goes through ``csv_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def taken():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def pieces():
        buffer.write("\ufeff")  # a BOM, so spreadsheets read the file as UTF-8
        writer.writerow(header)
        yield taken()
        pending = 0
        for row in rows:
            writer.writerow(csv_cells(row))
            pending += 1
            if pending == ROWS_PER_PIECE:
                yield taken()
                pending = 0
        if pending:
            yield taken()

    return _attachment(StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8"), filename)


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
