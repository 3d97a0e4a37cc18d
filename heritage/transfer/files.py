"""Reading and writing spreadsheet files: CSV and XLSX (and GeoJSON, read as a table of features), with the one
formula guard every CSV cell goes through.

``csv_lines`` is the project's one CSV writer: the staff files (admin exports and templates, read back by
``read_rows``) and the public exports (``heritage.transfer.exports.stream_csv``) both stream through it. What it
writes in a cell comes from the formula guard (CSV injection), one family of functions here: ``csv_safe`` and
``csv_cells`` for files that are never read back (public exports), ``neutralise_text`` and ``restore_text``
(``staff_cells``) for files that are (a quote taken off again exactly once on import).
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

from django.utils.translation import gettext as _

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


def staff_cells(row):
    """A row of a file that is read back (staff exports): text through ``neutralise_text``, other cells as they are."""
    return [neutralise_text(cell) if isinstance(cell, str) else cell for cell in row]


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


# Reading -------------------------------------------------------------------------------------------------------


def file_format(name):
    name = (name or "").lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    if name.endswith((".geojson", ".json")):
        return "geojson"
    raise ImportFileError(_("Upload a .csv, .xlsx or .geojson file."))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(fileobj, name, sheet=None, info=None):
    """Yield ``(row number as the spreadsheet shows it, {column: text})`` for each data row, streaming.

    The header is row 1. Blank rows are skipped. A workbook's data is the sheet named ``sheet``, by default its
    first; ``info`` (a dict), when given, is told which sheet was read (``"sheet"``) and the workbook's others
    (``"other_sheets"``), for the preview to say so and offer them.
    """
    kind = file_format(name)
    if kind == "geojson":
        yield from read_geojson_rows(fileobj)
        return
    if kind == "csv":
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                raise ImportFileError(_("The file is empty."))
            header = [h.strip() for h in header]
            yield header
            for number, values in enumerate(reader, start=2):
                values = [v.strip() for v in values]
                if any(values):
                    # Our own exports put a ' before formula-like text (csv_lines); it is not part of the value.
                    values = [restore_text(v) if v[:1] == "'" else v for v in values]
                    yield number, dict(zip(header, values, strict=False))
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from exc
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
        return
    from openpyxl import load_workbook

    try:
        book = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError(_("The file is not a readable .xlsx workbook.")) from exc
    try:
        rows = _sheet(book, sheet, info).iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        header = [_cell_text(h) for h in header]
        while header and not header[-1]:
            header.pop()
        yield header
        for number, values in enumerate(rows, start=2):
            texts = [_cell_text(v) for v in values[: len(header)]]
            if any(texts):
                yield number, dict(zip(header, texts, strict=False))
    finally:
        book.close()


def _sheet(book, name, info):
    """The sheet of ``book`` called ``name`` (case aside), or its first; unknown: an error listing the sheets."""
    names = book.sheetnames
    if name:
        found = [n for n in names if n == name] or [n for n in names if n.casefold() == name.strip().casefold()]
        if not found:
            raise ImportFileError(
                _("The workbook has no sheet “%(sheet)s”; its sheets: %(sheets)s.")
                % {"sheet": name, "sheets": ", ".join(f"“{n}”" for n in names)}
            )
        name = found[0]
    else:
        name = names[0]
    if info is not None:
        info["sheet"], info["other_sheets"] = name, [n for n in names if n != name]
    return book[name]


def _property_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_property_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return _cell_text(value)


def read_geojson_rows(fileobj):
    """``read_rows`` for a GeoJSON FeatureCollection: a row per feature, its properties as columns (in the order
    they first appear), and a Point's coordinates as ``latitude`` and ``longitude`` (GeoJSON writes longitude
    first). Row numbers count the features from 1. A feature without geometry has empty coordinates; other
    geometries than Point are refused, naming the feature, since a monument is one point here."""
    try:
        data = json.load(io.TextIOWrapper(fileobj, encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not UTF-8 text.")) from exc
    except ValueError as exc:
        raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        raise ImportFileError(_("The file is not a GeoJSON FeatureCollection (no “features” list)."))
    if not features:
        raise ImportFileError(_("The file is empty."))
    rows, header = [], {}
    for number, feature in enumerate(features, start=1):
        properties = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        row = {key.strip(): _property_text(value) for key, value in properties.items()}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry:
            coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
            if not (isinstance(coordinates, list) and len(coordinates) >= 2):
                raise ImportFileError(
                    _("Feature %(number)s: a %(type)s; only Point features (or none) can be imported.")
                    % {"number": number, "type": geometry.get("type") or _("geometry without a type")}
                )
            row["longitude"], row["latitude"] = _property_text(coordinates[0]), _property_text(coordinates[1])
        header.update(dict.fromkeys(row))
        rows.append((number, row))
    yield list(header)
    yield from rows


# Writing files -------------------------------------------------------------------------------------------------


def csv_lines(header, rows, cells=staff_cells, rows_per_piece=500):
    """CSV text for a streaming response: a BOM (so spreadsheet programs read UTF-8) and the header as the first
    piece, then ``rows_per_piece`` lines a piece (each piece a response yields is encoded and sent on its own:
    one row at a time cost about a second per 100,000 rows). Every row goes through ``cells``, the formula guard
    (``staff_cells`` for files read back, ``csv_cells`` for public ones). Nothing is read before the first piece
    is taken, and rows are read as the pieces are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def taken():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(header)
    yield taken()
    pending = 0
    for row in rows:
        writer.writerow(cells(row))
        pending += 1
        if pending == rows_per_piece:
            yield taken()
            pending = 0
    if pending:
        yield taken()


def _text_cell(sheet, value):
    # openpyxl stores a string starting with "=" as a formula; typed as a string it stays text (no injection).
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(target, header, rows, notes=None):
    """Write a workbook: the data sheet first, then (for templates) a sheet describing the columns."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("data"))
    sheet.append(header)
    for row in rows:
        sheet.append([_text_cell(sheet, value) if isinstance(value, str) else value for value in row])
    if notes:
        about = book.create_sheet(_("columns"))
        about.append([_("column"), _("required"), _("meaning")])
        for row in notes:
            about.append(row)
    book.save(target)


# Values --------------------------------------------------------------------------------------------------------
