"""Spreadsheet import and export for every model: CSV/XLSX streaming, dry-run preview, all-or-nothing bulk writes.

One ``TableImport`` subclass per model (in each app's ``services.py``) says which columns it reads and how rows
match existing records. A ``pipelined`` importer (monuments) checks the next chunk in a second thread while the
previous one is written, all SQL on one connection in one transaction. The admin, the ``import_*`` commands and
the tests all call ``TableImport.run()``.
Every write of an import goes through ``TableImport.write_objects()``; ``TableImport.update_search()`` then keeps the
search data of each written chunk current (``heritage.search.update_search_index``).
"""

import contextlib
import csv
import datetime
import functools
import gc
import io
import json
import operator
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import timezone, translation
from django.utils.encoding import force_str, is_protected_type
from django.utils.translation import gettext as _
from django_countries.fields import CountryField

from heritage.exports import neutralise_text, restore_text
from heritage.pagecache import invalidate as invalidate_cached_pages
from heritage.transliteration import legacy_slugify, slugify

NEW, CHANGED, UNCHANGED, INVALID = "new", "changed", "unchanged", "invalid"
PREVIEW_ROWS = 500  # rows kept for the preview table; the counts cover every row
MAX_REPORTED_ERRORS = 1000
TRUE_WORDS = {"1", "true", "yes", "y", "t", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n", "f"}
LIST_SEPARATOR = ";"


class ProcessWide:
    """A process-wide setting changed while any import runs, and put back when the last one ends.

    Imports in the threads of one web worker overlap: if each saved the value it found and put it back when it
    ended, the one that started second would save the first one's value and, ending last, leave it behind for
    good. So the count of running imports is kept under a lock: the first one in saves the original value and
    sets the import's, the last one out restores the original. ``get``/``set``: the setting's accessors.
    """

    def __init__(self, get, set):
        self.get, self.set = get, set
        self.lock = threading.Lock()
        self.users = 0
        self.original = None

    @contextlib.contextmanager
    def changed_to(self, value, enabled=True):
        if not enabled:
            yield
            return
        with self.lock:
            if self.users == 0:
                self.original = self.get()
                self.set(value)
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    self.set(self.original)


def _collector_enabled(enabled):
    if enabled:
        gc.enable()
    else:
        gc.disable()


# Looked up on each use, not bound here, so that a test can watch the calls.
COLLECTOR = ProcessWide(lambda: gc.isenabled(), _collector_enabled)
SWITCH_INTERVAL = ProcessWide(lambda: sys.getswitchinterval(), lambda value: sys.setswitchinterval(value))


def collector_paused():
    """Python's cycle collector off for the length of an import: rows make no reference cycles (reference
    counting frees them), but each collection scans the chunk's thousands of objects; a fifth of the import's
    time went there. Process-wide, so counted (``ProcessWide``): it comes back on when the last import ends."""
    return COLLECTOR.changed_to(False)


def quick_thread_switches(enabled=True, interval=0.0005):
    """A pipelined import hands the GIL between its two threads every ``interval`` seconds instead of Python's 5 ms.

    The writing thread waits for PostgreSQL with the GIL released, and when the answer comes it must wait for the
    checking thread to give the GIL back: up to one switch interval per query, dozens of queries per chunk. With
    5 ms that waiting cost a fifth of the wall clock (20,000 rows into 100,000 monuments on 2 idle cores: 4.3 s
    at 5 ms, 3.6 s at 0.5 ms; bench/README.md).

    The interval is process-wide. In a threaded web worker two admin imports may overlap, so the change is
    reference-counted (``ProcessWide``): the original interval comes back when the last running import ends,
    whatever order they end in. Counted rather than left alone in web workers, because an admin import of a
    large file gains the same fifth there; the price, while an import runs, is that the worker's other threads
    switch more often too (more, cheap switches; the interval decides only when a thread must let go).
    """
    return SWITCH_INTERVAL.changed_to(interval, enabled)


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


class RowError(Exception):
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class RowResult:
    number: int
    status: str
    key: str = ""
    errors: list = field(default_factory=list)


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    def add(self, row):
        self.counts[row.status] += 1
        if len(self.rows) < PREVIEW_ROWS:
            self.rows.append(row)
        if row.status == INVALID and len(self.invalid) < MAX_REPORTED_ERRORS:
            self.invalid.append(row)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def has_errors(self):
        return bool(self.counts[INVALID] or self.file_errors)

    @property
    def rows_per_second(self):
        return self.total / self.seconds if self.seconds else 0.0


# Reading -------------------------------------------------------------------------------------------------------


def file_format(name):
    name = (name or "").lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


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


def read_rows(fileobj, name):
    """Yield ``(row number as the spreadsheet shows it, {column: text})`` for each data row, streaming.

    The header is row 1. Blank rows are skipped. The first sheet of a workbook is the data; others (such as the
    template's column notes) are ignored.
    """
    kind = file_format(name)
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
        rows = book.worksheets[0].iter_rows(values_only=True)
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


# Writing files -------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    """CSV text line by line, for a streaming response. Starts with a BOM so spreadsheet programs read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        # No cell may run as a spreadsheet formula (CSV injection); read_rows takes the guard off again.
        yield writer.writerow([neutralise_text(cell) if isinstance(cell, str) else cell for cell in row])


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


def format_value(value):
    """How a value is written to a file; ``parse_field`` reads it back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return force_str(value)


def split_list(text):
    return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


def join_list(items):
    return f"{LIST_SEPARATOR} ".join(str(i) for i in items)


@functools.lru_cache(maxsize=20_000)
def cached_slugify(text):
    """Each new record's name is slugified twice per import (the chunk's slug query, then the slug itself)."""
    return slugify(text)


@functools.lru_cache(maxsize=20_000)
def slugs_for_name(text):
    """The slugs a record a file names by ``text`` may have: its transliterated slug, and the slug made before
    transliteration, which records created then keep ("İçərişəhər": "icherisheher", "icrishr")."""
    return tuple(dict.fromkeys([cached_slugify(text), legacy_slugify(text)]))


def quick_parser(model_field):
    """A function turning non-empty cell text into the field's value, raising ValidationError (without a useful
    message) when it is not valid: ``parse_field`` without the calls that cannot apply to a non-empty value of a
    field with no choices. None for fields that need the whole of ``parse_field``."""
    parser = model_field.__dict__.get("quick_parser", quick_parser)
    if parser is not quick_parser:
        return parser
    kind = type(model_field)
    validators = model_field.validators
    to_python = model_field.to_python
    parser = None
    if (
        model_field.choices
        or isinstance(model_field, models.BooleanField | CountryField)
        or kind.validate is not models.Field.validate
        or kind.run_validators is not models.Field.run_validators
    ):
        pass
    elif kind.to_python in (models.CharField.to_python, models.TextField.to_python) and all(
        type(v) in (MaxLengthValidator, ProhibitNullCharactersValidator) for v in validators
    ):
        limit = model_field.max_length

        def parser(raw):
            if (limit is None or len(raw) <= limit) and "\x00" not in raw:
                return raw
            raise ValidationError("")
    else:

        def parser(raw):
            value = to_python(raw)
            if value is None or value == "":
                raise ValidationError("")
            for validator in validators:
                validator(value)
            return value

    model_field.quick_parser = parser  # made once per field
    return parser


def parse_field(model_field, raw, column):
    """Turn cell text into the model field's Python value, or raise RowError naming the column."""
    if raw and (quick := quick_parser(model_field)) is not None:
        try:
            return quick(raw)
        except ValidationError:
            pass  # the whole way below says what is wrong
    if isinstance(model_field, models.BooleanField):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise RowError([_("%(column)s: “%(value)s” is not yes or no.") % {"column": column, "value": raw}])
    if raw == "":
        if model_field.null:
            return None
        # An empty cell clears a text that may be blank; a field that may not be blank takes its default (an
        # empty status is a draft, an empty precision a day), as the admin's form would start it.
        if model_field.has_default() and not (
            isinstance(model_field, models.CharField | models.TextField) and model_field.blank
        ):
            return model_field.get_default()
        return ""
    if isinstance(model_field, CountryField):
        raw = raw.upper()
    try:
        value = model_field.to_python(raw)
        model_field.validate(value, None)
        model_field.run_validators(value)
    except ValidationError as exc:
        raise RowError([f"{column}: {m}" for m in exc.messages]) from exc
    return value


def comparable(model_field, value):
    if isinstance(model_field, CountryField):
        return force_str(value or "")
    return value


# The importer --------------------------------------------------------------------------------------------------


@dataclass
class Pending:
    """One valid row waiting to be written, with what to do after its record is saved."""

    obj: models.Model
    is_new: bool
    m2m: dict = field(default_factory=dict)  # relation name -> ids to add
    extra: dict = field(default_factory=dict)


@dataclass
class Checked:
    """A checked chunk: each row's result, the rows to write (with their numbers) and new rows' search texts."""

    rows: list = field(default_factory=list)
    pendings: list = field(default_factory=list)
    numbers: list = field(default_factory=list)
    search: list | None = None
    copies: dict = field(default_factory=dict)  # model -> CopyData of its new records (copy_ahead)
    versions: dict = field(default_factory=dict)  # model -> (pks, COPY lines of their versions without revision)


def _no_queries(execute, sql, params, many, context):
    raise RuntimeError(f"An import's checking thread may not query the database; load it in prepare(): {sql}")


class TableImport:
    """Base class: subclasses set ``model``, ``key``, ``fields``, ``foreign_keys``, ``many_to_many``."""

    model = None
    key = "slug"
    fields = ()  # model fields read and written directly under their own names
    foreign_keys = {}  # column -> (related model, lookup field)
    many_to_many = {}  # column -> (related model, lookup field); listed records are added, never removed
    readonly = ()  # exported columns that an import ignores
    help = {}  # column -> what it means, for the template and the import page
    required = ()
    chunk_size = 1000
    # Check the next chunk in a second thread while this one is written (``_checked_in_parallel``). Only for
    # importers whose ``prepare()`` loads everything ``build()`` reads, and whose rows never refer to records
    # the previous chunk writes (the next chunk is prepared before the previous one is written).
    pipelined = False

    def __init__(self, user=None, cite_source=None):
        self.user = user
        self.cite_source = cite_source
        self.seen_keys = {}
        self.slugs_taken = set()
        self.slugs_in_use = set()
        self.revision = None
        self.lookup_cache = {}
        self.templates = {}
        self.parsed = {}
        self._unchecked = None
        self.fields_to_clean, self.valid_values = {}, set()
        self.checking_thread = None  # the thread that checks chunks (``pipelined``), where nothing may query
        self.copy_ahead = False  # the checking thread makes the COPY text of new rows (``copy_new``)
        self.reserved, self.copies, self.versions = {}, {}, {}
        # Where the import is, for the message when its database connection is lost (lost_connection_message).
        self.reached, self.writing, self.committing = 1, None, False  # last row read; rows being written
        self.connection = None  # the database connection the import's transaction runs on (connection_lost)
        self.can_publish = user is None or user.has_perm(
            f"{self.model._meta.app_label}.publish_{self.model._meta.model_name}"
        )

    @property
    def offline(self):
        """True in the checking thread: caches hold all there is (``prepare()``), and no query may be made."""
        return self.checking_thread == threading.get_ident()

    # columns ----------------------------------------------------------------------------------------------------

    @classmethod
    def columns(cls):
        names = [cls.key, *cls.fields, *cls.foreign_keys, *cls.many_to_many, *cls.extra_columns(), *cls.readonly]
        return list(dict.fromkeys(names))

    @classmethod
    def extra_columns(cls):
        return []

    @classmethod
    def column_notes(cls):
        """(column, required, meaning) for the template and the import page."""
        notes = []
        for name in cls.columns():
            meaning = cls.help.get(name)
            if meaning is None:
                try:
                    model_field = cls.model._meta.get_field(name)
                    meaning = str(model_field.verbose_name)
                    if model_field.choices:
                        meaning += " (" + ", ".join(str(c[0]) for c in model_field.choices if c[0]) + ")"
                except Exception:
                    meaning = ""
            if name in cls.foreign_keys:
                meaning = f"{meaning} — {cls.foreign_keys[name][1]}"
            if name in cls.many_to_many:
                meaning = f"{meaning} — {cls.many_to_many[name][1]}, " + _("separated by “;”")
            if name in cls.readonly:
                meaning = f"{meaning} — " + _("exported only, ignored on import")
            required = _("yes") if name in cls.required else ""
            notes.append([name, required, str(meaning)])
        return notes

    # export -----------------------------------------------------------------------------------------------------

    def export_queryset(self, queryset):
        return queryset.select_related(*self.foreign_keys).prefetch_related(*self.many_to_many)

    def export_row(self, obj):
        return [*self.export_basic(obj), *self.export_extra(obj)]

    def export_extra(self, obj):
        """Values of ``extra_columns()`` and ``readonly``, in that order."""
        return [format_value(getattr(obj, name)) for name in self.readonly]

    def export_basic(self, obj):
        row = [format_value(getattr(obj, self.key))]
        for name in self.fields:
            row.append(format_value(getattr(obj, name)))
        for name, (_model, lookup) in self.foreign_keys.items():
            related = getattr(obj, name)
            row.append(format_value(getattr(related, lookup)) if related is not None else "")
        for name, (_model, lookup) in self.many_to_many.items():
            row.append(join_list(sorted(format_value(getattr(r, lookup)) for r in getattr(obj, name).all())))
        return row

    def export_rows(self, queryset, chunk_size=2000):
        for obj in self.export_queryset(queryset).iterator(chunk_size=chunk_size):
            yield self.export_row(obj)

    # import -----------------------------------------------------------------------------------------------------

    def run(self, rows, dry_run=True, progress=None):
        """Read every row, write the valid ones inside one transaction, and keep them only if all rows are valid.

        Rows are written even in a dry run (then rolled back), so rows that depend on earlier rows of the same
        file and the database's own constraints are checked exactly as in the real import.
        """
        result = ImportResult()
        started = time.monotonic()
        try:
            header = next(rows)
        except StopIteration:
            result.file_errors.append(_("The file is empty."))
            return result
        except ImportFileError as exc:
            result.file_errors.append(str(exc))
            return result
        unknown = [h for h in header if h and h not in self.columns()]
        if unknown:
            result.file_errors.append(
                _("Unknown column(s): %(columns)s. The template lists the columns.") % {"columns": ", ".join(unknown)}
            )
            return result
        self.header = set(header)
        self.copy_ahead = self.pipelined and connections[router.db_for_write(self.model)].vendor == "postgresql"
        with transaction.atomic(), collector_paused(), quick_thread_switches(self.pipelined):
            self.connection = connections[router.db_for_write(self.model)].connection
            try:
                checked_chunks = self._checked_in_parallel(rows) if self.pipelined else self._checked_in_turn(rows)
                try:
                    for checked in checked_chunks:
                        self._write_checked(checked, result)
                        if progress:
                            progress(result.total, time.monotonic() - started)
                finally:
                    checked_chunks.close()  # a failed write: the checking thread ends before the transaction
                self.finish()
            except ImportFileError as exc:
                result.file_errors.append(str(exc))
            committed = not dry_run and not result.has_errors
            if not committed:
                transaction.set_rollback(True)
            self.committing = committed
        self.committing = False
        result.committed = committed
        result.seconds = time.monotonic() - started
        return result

    def _read_chunk(self, rows):
        chunk = list(islice(rows, self.chunk_size))
        if chunk:
            self.reached = chunk[-1][0]
        return chunk

    def connection_lost(self):
        """Whether the connection the import ran on is gone: ask on a DatabaseError from ``run()``.

        Closed by the server (a restart), or dropped by Django when it could not roll back; once the transaction
        is over Django may have opened a new one already. Other database errors (a timeout, a deadlock, a row
        the database refused) leave the import's connection open."""
        current = connections[router.db_for_write(self.model)].connection
        return self.connection is not None and (
            current is not self.connection or bool(getattr(self.connection, "closed", False))
        )

    def lost_connection_message(self):
        """One line for whoever ran an import whose database connection was lost, saying where it was."""
        if self.committing:
            return _(
                "The database connection was lost while the import was being committed: it may or may not have been "
                "saved. Look for the imported records before running it again."
            )
        if self.writing:
            where = _("while writing rows %(first)s–%(last)s") % {"first": self.writing[0], "last": self.writing[1]}
        else:
            where = _("after row %(row)s was read") % {"row": self.reached}
        return _(
            "The database connection was lost %(where)s: nothing was saved (an import saves all rows or none). "
            "Run the import again when the database is back."
        ) % {"where": where}

    def _checked_in_turn(self, rows):
        while chunk := self._read_chunk(rows):
            self.prepare(chunk)
            yield self.check(chunk)

    def _checked_in_parallel(self, rows):
        """Check chunk N+1 in a second thread while this one writes chunk N (``pipelined``).

        All SQL stays on this thread's connection, in the import's one transaction: the checking thread gets
        only what ``prepare()`` loaded, and a query there is refused (``_no_queries``). It also reads the next
        chunk of the file. psycopg2 lets go of the GIL while it waits for PostgreSQL, so reading and checking
        run while the database writes, on the second core.
        """
        alias = router.db_for_write(self.model)
        language = translation.get_language()

        def check_then_read(chunk):
            self.checking_thread = threading.get_ident()
            with connections[alias].execute_wrapper(_no_queries), translation.override(language):
                return self.check(chunk), self._read_chunk(rows)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as pool:
            chunk = self._read_chunk(rows)
            future = None
            if chunk:
                self.prepare(chunk)
                future = pool.submit(check_then_read, chunk)
            while future is not None:
                checked, chunk = future.result()
                future = None
                if chunk:
                    self.prepare(chunk)
                    future = pool.submit(check_then_read, chunk)
                yield checked  # written by the caller while the next chunk is checked

    def check(self, chunk):
        """Build every row of a prepared chunk: the rows' results and what to write. No SQL needed."""
        checked = Checked()
        for number, raw in chunk:
            key = raw.get(self.key, "")
            try:
                pending, changed = self.build(raw, number)
            except RowError as exc:
                checked.rows.append(RowResult(number, INVALID, key, exc.messages))
                continue
            status = NEW if pending.is_new else CHANGED if changed else UNCHANGED
            checked.rows.append(RowResult(number, status, key or format_value(getattr(pending.obj, self.key))))
            if status != UNCHANGED:
                checked.pendings.append(pending)
                checked.numbers.append(number)
        self.stamp(checked.pendings)
        new = [p for p in checked.pendings if p.is_new]
        checked.search = self.search_data([p.obj for p in new])
        if self.copy_ahead:
            links = {name: [sorted(p.m2m.get(name, ())) for p in new] for name in self.many_to_many}
            self.copy_new(checked, self.model, [p.obj for p in new], checked.search, links)
            self.copy_new_extra(checked)
        return checked

    def copy_new_extra(self, checked):
        """``copy_new()`` for the new records ``write_extra()`` writes."""

    def stamp(self, pendings):
        """Who wrote the rows and when, as the admin records it."""
        now = timezone.now()
        for pending in pendings:
            obj = pending.obj
            if pending.is_new and hasattr(obj, "created_by_id"):
                obj.created_by = self.user
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = self.user
                obj.updated_at = now

    def reserve(self, model, count):
        """In ``prepare()`` (``copy_ahead``): keys for up to ``count`` new ``model`` records of the chunk."""
        self.reserved[model] = reserve_ids(model, count)
        ContentType.objects.get_for_model(model)  # cached for the checking thread's versions

    def copy_new(self, checked, model, objects, search=None, links=None):
        """In the checking thread (``copy_ahead``): give new records the keys ``reserve()`` took, and make the
        COPY text of their rows and of their versions, so that writing them is sending text. ``links``:
        many-to-many name -> the ids each record will be linked to, in order."""
        if not objects:
            return
        for obj, pk in zip(objects, self.reserved.pop(model), strict=False):
            obj.pk = pk
        data = copy_data(model, objects, search)
        if data is None:  # written the usual way
            for obj in objects:
                obj.pk = None
            return
        checked.copies[model] = data
        lines = self.version_lines(model, objects, links or {})
        if lines is not None:
            checked.versions[model] = ({obj.pk for obj in objects}, lines)

    def _write_checked(self, checked, result):
        for row in checked.rows:
            result.add(row)
        if not checked.pendings:
            return
        self.copies, self.versions = checked.copies, checked.versions
        self.writing = (checked.rows[0].number, checked.rows[-1].number)
        try:
            with transaction.atomic():
                self.write(checked.pendings, search=checked.search)
        except (DatabaseError, ValidationError) as exc:
            if isinstance(exc, DatabaseError) and self.connection_lost():
                raise  # not the rows' fault: the import cannot go on (lost_connection_message)
            message = _("The database refused rows %(first)s–%(last)s: %(error)s") % {
                "first": checked.numbers[0],
                "last": checked.numbers[-1],
                "error": str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__,
            }
            result.add(RowResult(checked.numbers[0], INVALID, "", [message]))
        self.writing = None

    def prepare(self, chunk):
        """Load, in a few queries, the existing records and related records this chunk refers to."""
        if self.copy_ahead:
            self.reserve(self.model, len(chunk))
        self.prefetch_slugs(chunk)
        keys = [raw.get(self.key) for _number, raw in chunk if raw.get(self.key)]
        self.existing = self.load_existing(keys)
        self._m2m_cache = {}
        pks = [obj.pk for obj in self.existing.values()]
        for name in self.many_to_many:
            relation = self.model._meta.get_field(name)
            through = relation.remote_field.through
            source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
            current = self._m2m_cache[name] = {}
            if pks:
                for pk, other in through._default_manager.filter(**{f"{source}__in": pks}).values_list(source, target):
                    current.setdefault(pk, set()).add(other)
        for column, (model, lookup) in {**self.foreign_keys, **self.many_to_many}.items():
            wanted = set()
            for _number, raw in chunk:
                value = raw.get(column, "")
                wanted.update(split_list(value) if column in self.many_to_many else [value] if value else [])
            if lookup == "slug":  # resolve() tries a name's slugs too
                wanted |= {slug for text in wanted for slug in slugs_for_name(text)}
            self.cache_lookup(model, lookup, wanted)
            if column in self.foreign_keys:
                self.prefetch_related_records(column, wanted)

    def prefetch_related_records(self, column, wanted):
        """Load the related records new rows' search data reads (``search_select_related``), for the checking
        thread (``pipelined``; otherwise ``search_data()`` reads what it lacks)."""
        from heritage.models import Searchable

        if not self.pipelined or not issubclass(self.model, Searchable) or self.model.search_prefetch:
            return
        paths = [p for p in self.model.search_select_related if p.partition("__")[0] == column]
        if paths:
            model, lookup = self.foreign_keys[column]
            cache = self.lookup_cache.get((model, lookup), {})
            self.related_records(column, {cache[w] for w in wanted if w in cache})

    def load_existing(self, keys):
        return self.model._default_manager.in_bulk(keys, field_name=self.key) if keys else {}

    def cache_lookup(self, model, lookup, wanted):
        cache = self.lookup_cache.setdefault((model, lookup), {})
        missing = {w for w in wanted if w not in cache}
        if missing and not self.offline:  # offline, prepare() has loaded all there is
            if lookup == "pk":
                missing = {w for w in missing if w.isdigit()}
            for pk, value in model._default_manager.filter(**{f"{lookup}__in": missing}).values_list("pk", lookup):
                cache[force_str(value)] = pk
        return cache

    def resolve(self, column, text):
        model, lookup = {**self.foreign_keys, **self.many_to_many}[column]
        pk = self.cache_lookup(model, lookup, {text}).get(text)
        if pk is None and lookup == "slug":
            # Spreadsheets name things ("Mosque", "Baku"); their slug is usually the slugified name.
            for slug in slugs_for_name(text):
                if pk is None and slug != text:
                    pk = self.cache_lookup(model, lookup, {slug}).get(slug)
        if pk is None:
            raise RowError(
                [
                    _("%(column)s: no %(model)s with %(lookup)s “%(value)s”.")
                    % {"column": column, "model": model._meta.verbose_name, "lookup": lookup, "value": text}
                ]
            )
        return pk

    @classmethod
    def required_message(cls, column, absent):
        """What a row lacking a required column is told: the column, and what a valid value is."""
        if absent:
            text = _("%(column)s: required for a new record, but the file has no “%(column)s” column.")
        else:
            text = _("%(column)s: required, but the cell is empty.")
        text %= {"column": column}
        model_field = cls.model._meta.get_field(column)
        if column in cls.foreign_keys:
            model, lookup = cls.foreign_keys[column]
            hint = _("Give the %(lookup)s of a %(model)s.") % {
                "lookup": _("number") if lookup == "pk" else lookup,
                "model": model._meta.verbose_name,
            }
        elif model_field.choices:
            hint = _("One of: %(values)s.") % {"values": ", ".join(str(value) for value, _label in model_field.choices)}
        elif isinstance(model_field, models.DateField):
            hint = _("Give a date, YYYY-MM-DD.")
        else:
            return text
        return f"{text} {hint}"

    def new_object(self, raw):
        return self.instantiate(self.model)

    def instantiate(self, model, **values):
        """``model(**values)`` at a fraction of the cost: a copy of a fresh instance's attributes.

        ``Model.__init__`` resolves every field's default for each row, the largest single cost of a big import.
        Only for models whose defaults are constants of immutable types (the copy shares them); others use
        ``model()``.
        """
        template = self.templates.get(model)
        if template is None:
            fresh = model()
            template = {k: v for k, v in fresh.__dict__.items() if k != "_state"}
            # A callable default (a date, a new dict) must run for each row.
            if any(f.has_default() and callable(f.default) for f in model._meta.concrete_fields) or not all(
                isinstance(v, IMMUTABLE) for v in template.values()
            ):
                template = False
            self.templates[model] = template
        if template is False:
            return model(**values)
        obj = model.__new__(model)
        obj.__dict__.update(template)
        obj._state = ModelState()
        for name, value in values.items():
            setattr(obj, name, value)
        return obj

    def parse(self, model_field, raw, column):
        """``parse_field`` remembering valid values: a file repeats statuses, types, years and boilerplate."""
        key = (id(model_field), raw)  # a field's own hash is computed on every call
        value = self.parsed.get(key, self.parsed)
        if value is self.parsed:
            value = parse_field(model_field, raw, column)
            if len(self.parsed) > 100_000:
                self.parsed.clear()
            self.parsed[key] = value
        return value

    def build(self, raw, number):
        """Apply one row to a new or existing record. Returns (Pending, changed) or raises RowError."""
        key = raw.get(self.key, "")
        if key:
            if key in self.seen_keys:
                raise RowError(
                    [
                        _("%(key)s “%(value)s” is already in row %(row)s.")
                        % {"key": self.key, "value": key, "row": self.seen_keys[key]}
                    ]
                )
            self.seen_keys[key] = number
        obj = self.find_existing(raw)
        is_new = obj is None
        if is_new:
            obj = self.new_object(raw)
            if key and self.key == "slug":
                obj.slug = self.claim_slug(key)
        # A required column must have a value in a new record's row, and may not be emptied in an existing one's.
        errors = [
            self.required_message(c, c not in raw) for c in self.required if not raw.get(c) and (is_new or c in raw)
        ]
        changed = False
        guarded = hasattr(self.model, "publishing_changes")
        stored = self.model.publishing_snapshot(None if is_new else obj) if guarded else None
        for name in self.fields:
            if name not in raw:
                continue
            model_field = self.model._meta.get_field(name)
            try:
                value = self.parse(model_field, raw[name], name)
            except RowError as exc:
                errors += exc.messages
                continue
            if comparable(model_field, getattr(obj, model_field.attname)) != comparable(model_field, value):
                setattr(obj, model_field.attname, value)
                changed = True
        for name in self.foreign_keys:
            if name not in raw:
                continue
            model_field = self.model._meta.get_field(name)
            try:
                pk = self.resolve(name, raw[name]) if raw[name] else None
            except RowError as exc:
                errors += exc.messages
                continue
            if getattr(obj, model_field.attname) != pk:
                setattr(obj, model_field.attname, pk)
                changed = True
        pending = Pending(obj, is_new)
        for name in self.many_to_many:
            if name not in raw:
                continue
            wanted = set()
            for text in split_list(raw[name]):
                try:
                    wanted.add(self.resolve(name, text))
                except RowError as exc:
                    errors += exc.messages
            pending.m2m[name] = wanted
        if self.cite_source is not None and "sources" in self.many_to_many:
            pending.m2m.setdefault("sources", set()).add(self.cite_source.pk)
        try:
            changed |= self.build_extra(raw, pending)
        except RowError as exc:
            errors += exc.messages
        if errors:
            raise RowError(errors)
        if guarded:
            self.check_publishing(stored, obj)
        if is_new and hasattr(obj, "slug") and not obj.slug:
            obj.slug = self.allocate_slug(getattr(obj, getattr(obj, "slug_source", "name")))
        self.validate(obj, parsed=[name for name in self.fields if name in raw])
        for name, wanted in pending.m2m.items():
            if wanted - self.current_m2m(obj, name):
                changed = True
        return pending, changed

    def find_existing(self, raw):
        key = raw.get(self.key, "")
        return self.existing.get(int(key) if self.key == "id" and key.isdigit() else key) if key else None

    def current_m2m(self, obj, name):
        if obj.pk is None:
            return set()
        cache = getattr(self, "_m2m_cache", {}).get(name)
        if cache is not None:
            return cache.get(obj.pk, set())
        return set(getattr(obj, name).values_list("pk", flat=True))

    def build_extra(self, raw, pending):
        """Columns a subclass handles itself. Returns whether they change the record."""
        return False

    def check_publishing(self, stored, obj):
        """Without the publish permission, a row may not make a change that only a Publisher may make (the model's
        ``publishing_changes``: publishing, unpublishing, a published monument's sensitive location)."""
        if self.can_publish:
            return
        new = {name: getattr(obj, name) for name in self.model.publishing_fields}
        if changes := self.model.publishing_changes(stored, new):
            raise RowError([f"{name}: {message}" for name, message in changes.items()])

    def validate(self, obj, parsed=()):
        # parse_field() validated the columns of the file; clean_fields() checks the rest (a new record's required
        # fields). Constraints are checked by the database when the chunk is written, since checking them here
        # would cost a query per row.
        try:
            self.clean_fields(obj, parsed)
            obj.clean()
            if hasattr(obj, "latitude") and (obj.latitude is None) != (obj.longitude is None):
                raise ValidationError(_("latitude and longitude: give both or neither."))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise RowError([f"{name}: {m}" for name, ms in exc.message_dict.items() for m in ms]) from exc
            raise RowError(exc.messages) from exc

    def clean_fields(self, obj, parsed):
        """``obj.clean_fields()`` for the fields not read from the file, skipped for values already found valid
        (a new record's defaults are the same on every row)."""
        exclude = {*self.unchecked_fields(), *parsed}
        key = tuple(parsed)
        fields = self.fields_to_clean.get(key)
        if fields is None:
            fields = self.fields_to_clean[key] = [f.attname for f in self.model._meta.fields if f.name not in exclude]
        try:
            values = (key, *(getattr(obj, name) for name in fields))
            known = values in self.valid_values
        except TypeError:  # an unhashable value: check it every time
            values, known = None, False
        if not known:
            obj.clean_fields(exclude=exclude)
            if values is not None:
                self.valid_values.add(values)

    def unchecked_fields(self):
        # Foreign keys were resolved to existing rows above; validating them again costs a query per row.
        # Fields staff never edit (search data, derived condition, stamps) are not validated, as in the admin.
        if self._unchecked is None:
            derived = [f.name for f in self.model._meta.fields if not f.editable]
            self._unchecked = {*self.foreign_keys, *derived, *(["slug"] if hasattr(self.model, "slug") else [])}
        return self._unchecked

    @staticmethod
    def base_slug(text, fallback):
        return (cached_slugify(text) or fallback)[:190].strip("-")

    def prefetch_slugs(self, chunk):
        """Which slugs this chunk's new rows would take are in use already: one query, not one per row."""
        if not hasattr(self.model, "slug"):
            return
        source = getattr(self.model, "slug_source", "name")
        fallback = self.model._meta.model_name  # as allocate_slug() makes them
        bases = Counter(self.base_slug(raw.get(source, ""), fallback) for _n, raw in chunk if not raw.get("slug"))
        manager = self.model._default_manager
        self.slugs_in_use = set(manager.filter(slug__in=bases).values_list("slug", flat=True))
        if self.pipelined:
            # allocate_slug() numbers a base that is taken ("name-2"…) in the checking thread, which cannot ask the
            # database: load the numbered slugs of every base that may need a number.
            numbered = sorted(b for b, n in bases.items() if n > 1 or b in self.slugs_in_use or b in self.slugs_taken)
            for start in range(0, len(numbered), 100):
                prefixes = (Q(slug__startswith=f"{base}-") for base in numbered[start : start + 100])
                found = manager.filter(functools.reduce(operator.or_, prefixes)).values_list("slug", flat=True)
                self.slugs_in_use.update(found)

    def claim_slug(self, slug):
        """A new record named by its slug in the file keeps that slug, so other files can refer to it."""
        value = parse_field(self.model._meta.get_field("slug"), slug, "slug")
        if value in self.slugs_taken:
            raise RowError([_("slug: “%(slug)s” is already given to an earlier row.") % {"slug": slug}])
        self.slugs_taken.add(value)
        return value

    def allocate_slug(self, text):
        base = self.base_slug(text, self.model._meta.model_name)
        manager = self.model._default_manager
        candidate, n = base, 2
        while (
            candidate in self.slugs_taken
            or candidate in self.slugs_in_use
            or (candidate != base and not self.pipelined and manager.filter(slug=candidate).exists())
        ):
            candidate = f"{base}-{n}"
            n += 1
        self.slugs_taken.add(candidate)
        return candidate

    # writing ----------------------------------------------------------------------------------------------------

    def write(self, pendings, search=None):
        """Write one chunk of valid rows: the records, their relations, search data and versions for history.

        ``search``: the new records' search texts, from ``search_data()`` when the chunk was checked.
        """
        new = [p.obj for p in pendings if p.is_new]
        old = [p.obj for p in pendings if not p.is_new]
        # New records get their search data in the same write (one COPY on PostgreSQL) when it can be computed
        # from the record and the records it points to; anything else is indexed after the chunk is written.
        indexed = self.write_objects(
            self.model, new, old, self.update_fields(), search=search, data=self.copies.get(self.model)
        )
        for name in self.many_to_many:
            self.add_m2m(name, [(p.obj.pk, p.m2m[name]) for p in pendings if p.m2m.get(name)])
        self.write_extra(pendings)
        self.update_search([p.obj.pk for p in pendings if not (indexed and p.is_new)])
        self.record_versions([p.obj for p in pendings])

    def search_data(self, objects):
        """Search columns of new, unsaved records as ``save()`` would store them; None where that needs rows
        written later in the chunk (a meeting's participants and topics).

        Sets ``search_names`` and ``search_text`` on each object and returns the normalised (A, B, C) texts the
        PostgreSQL vector is made of. Related records (type, place and its parent…) are read once per import.
        """
        from heritage.models import Searchable
        from heritage.search import is_postgresql, search_columns

        if not objects or not issubclass(self.model, Searchable) or self.model.search_prefetch:
            return None
        if not self.attach_related(objects, self.model.search_select_related):
            return None  # indexed after they are written (update_search)
        postgres = is_postgresql(router.db_for_write(self.model))
        texts = []
        for obj in objects:
            columns = search_columns(obj.search_document())
            obj.search_names, obj.search_text = columns["search_names"], "" if postgres else columns["search_text"]
            texts.append((columns["a"], columns["b"], columns["c"]))
        return texts

    def attach_related(self, objects, paths):
        """Give ``objects`` their related records named in ``paths`` ("place", "place__parent") from a cache.

        Returns False when some are not loaded and cannot be (in the checking thread)."""
        for name in dict.fromkeys(path.partition("__")[0] for path in paths):
            model_field = self.model._meta.get_field(name)
            cache = self.related_records(name, {getattr(obj, model_field.attname) for obj in objects} - {None})
            for obj in objects:
                pk = getattr(obj, model_field.attname)
                if pk is not None:
                    if pk not in cache:
                        return False
                    model_field.set_cached_value(obj, cache[pk])
        return True

    def related_records(self, name, pks):
        """The records the relation ``name`` points to, by pk, with what ``search_select_related`` follows from
        them ("place__parent"); each is read once per import."""
        model_field = self.model._meta.get_field(name)
        cache = self.lookup_cache.setdefault(("related", name), {})
        missing = set(pks) - set(cache)
        if missing and not self.offline:
            prefix = f"{name}__"
            deeper = [p[len(prefix) :] for p in self.model.search_select_related if p.startswith(prefix)]
            related = model_field.related_model._base_manager.select_related(*deeper)
            cache.update(related.in_bulk(missing))
        return cache

    def update_search(self, pks):
        """Index records written without their search data (changed rows, meetings), after their relations
        (participants, topics) are written: ``heritage.search.update_search_index``."""
        from heritage.models import Searchable
        from heritage.search import update_search_index

        if issubclass(self.model, Searchable) and pks:
            update_search_index(self.model._base_manager.filter(pk__in=pks))
        # A renamed or (un)published person, organization or event changes what its meetings are found by.
        meetings_naming = getattr(self.model, "meetings_naming", None)
        if meetings_naming and pks:
            update_search_index(meetings_naming(pks))

    def update_fields(self):
        names = [*self.fields, *self.foreign_keys]
        if hasattr(self.model, "updated_by_id"):
            names += ["updated_by", "updated_at"]
        return names

    @staticmethod
    def write_objects(model, new, changed, update_fields, search=None, data=None):
        """The one place imports write records in bulk (no save(): see ``search_data()`` and ``update_search()``).

        ``search``: the (A, B, C) texts of each new object's search vector, for PostgreSQL. ``data``: the new
        rows' COPY text made when they were checked (``copy_new``). Returns whether the new records were written
        with all their search data.
        """
        invalidate_cached_pages()  # bulk writes send no signals
        copied = bool(new) and copy_insert(model, new, search=search, data=data)
        if new and not copied:
            model._default_manager.bulk_create(new, batch_size=1000)
        if changed:
            model._default_manager.bulk_update(changed, update_fields, batch_size=1000)
        return search is not None and (copied or connections[router.db_for_write(model)].vendor != "postgresql")

    def add_m2m(self, name, pairs):
        relation = self.model._meta.get_field(name)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        links = [through(**{f"{source}_id": pk, f"{target}_id": other}) for pk, others in pairs for other in others]
        through._default_manager.bulk_create(links, ignore_conflicts=True, batch_size=1000)
        invalidate_cached_pages()

    def write_extra(self, pendings):
        pass

    def finish(self):
        pass

    def record_versions(self, objects):
        """Keep a version of each written record in one revision per import, as the admin would for a save.

        Built in bulk: reversion's own add_to_revision follows relations with queries per object.
        """
        from reversion.models import Revision, Version
        from reversion.revisions import _get_options, is_registered

        if not objects or not is_registered(type(objects[0])):
            return
        if self.revision is None:
            self.revision = Revision.objects.create(
                date_created=timezone.now(),
                user=self.user if self.user and self.user.pk else None,
                comment=_("Imported %(model)s from a file") % {"model": self.model._meta.verbose_name_plural},
            )
        model = type(objects[0])
        ready = self.versions.pop(model, None)
        if ready is not None:  # made by the checking thread (copy_new), all but the revision
            pks, lines = ready
            prefix = f"{self.revision.pk},"
            copy_text(Version, VERSION_COLUMNS, "".join(prefix + line for line in lines))
            objects = [obj for obj in objects if obj.pk not in pks]
            if not objects:
                return
        options = _get_options(model)
        content_type = ContentType.objects.get_for_model(model)
        db = router.db_for_write(model)
        many = [f for f in model._meta.local_many_to_many if f.name in options.fields]
        plain = [name for name in options.fields if name not in {f.name for f in many}]
        if options.format == "json" and self.versions_in_database(model, objects, plain, many, content_type, db):
            return
        # The serializer would query each record's many-to-many relations one by one; read them per chunk.
        links = {}
        for relation in many:
            through = relation.remote_field.through
            source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
            linked = links[relation.name] = {}
            pks = [obj.pk for obj in objects]
            for pk, other in through._default_manager.filter(**{f"{source}__in": pks}).values_list(source, target):
                linked.setdefault(pk, []).append(other)
        values = [(self.revision.pk, *row) for row in version_values(model, objects, links)]
        if not copy_rows(Version, VERSION_COLUMNS, values):
            versions = [Version(**dict(zip(VERSION_COLUMNS, row, strict=True))) for row in values]
            Version.objects.bulk_create(versions, batch_size=1000)

    def version_lines(self, model, objects, links):
        """COPY lines (CSV, without the leading revision) of the versions of new records whose relations are
        ``links`` (name -> {record: ids}); None if the model keeps no history or a value cannot be copied."""
        from reversion.revisions import is_registered

        if not is_registered(model):
            return None
        linked = {name: {obj.pk: ids for obj, ids in zip(objects, lists, strict=True)} for name, lists in links.items()}
        # Every text quoted (a quoted \N is text, not null), with its quotes doubled, as the csv module would.
        return [
            f"{content_type},{pk},{quoted(db)},{quoted(format)},{quoted(data)},{quoted(text)}\n"
            for content_type, pk, db, format, data, text in version_values(model, objects, linked)
        ]

    def versions_in_database(self, model, objects, names, many, content_type, db):
        """PostgreSQL writes the versions itself, serialising the rows just written with ``json_build_object``.

        The same JSON as Django's serializer gives, field for field (decimals as text, dates and times in ISO
        8601), made in one statement per chunk instead of in Python. The search vector, derived data that
        ``save()`` recomputes, is kept as null. Returns False, having done nothing, for other databases and for
        fields it does not know how to write.
        """
        connection = connections[db]
        if connection.vendor != "postgresql":
            return False
        quote = connection.ops.quote_name
        pairs, params = [], []
        for name in names:
            model_field = model._meta.get_field(name)
            if not model_field.serialize:
                continue
            column = f"t.{quote(model_field.column)}"
            if isinstance(model_field, SearchVectorField):
                value = "NULL"
            elif isinstance(model_field, models.DecimalField):
                value = f"{column}::text"
            elif isinstance(model_field, models.DateTimeField):
                value = f"date_trunc('milliseconds', {column})"  # DjangoJSONEncoder keeps milliseconds
            elif model_field.remote_field is not None or type(model_field) in VERSION_FIELDS:
                value = column
            else:
                return False
            pairs.append(f"%s, {value}")
            params.append(name)
        for relation in many:
            through = relation.remote_field.through
            source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
            pairs.append(
                f"%s, coalesce((SELECT json_agg(m.{quote(target)} ORDER BY m.{quote(target)}) "
                f"FROM {quote(through._meta.db_table)} m WHERE m.{quote(source)} = t.{quote(model._meta.pk.column)}), "
                "'[]'::json)"
            )
            params.append(relation.name)
        if len(pairs) > 50:  # json_build_object takes at most 100 arguments
            return False
        table, pk = quote(model._meta.db_table), f"t.{quote(model._meta.pk.column)}"
        fields = ", ".join(pairs)
        sql = (
            "INSERT INTO reversion_version "
            "(revision_id, content_type_id, object_id, db, format, serialized_data, object_repr) "
            f"SELECT %s, %s, {pk}::text, %s, 'json', "
            f"json_build_array(json_build_object('model', %s, 'pk', {pk}, 'fields', json_build_object({fields})))"
            "::text, "
            f"u.repr FROM unnest(%s::bigint[], %s::text[]) AS u(id, repr) JOIN {table} t ON {pk} = u.id"
        )
        ids = [obj.pk for obj in objects]
        reprs = [force_str(obj)[:191] for obj in objects]
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.revision.pk, content_type.pk, db, model._meta.label_lower, *params, ids, reprs])
        return True


def quoted(text):
    """A CSV field that is always text."""
    return '"' + text.replace('"', '""') + '"'


VERSION_COLUMNS = ["revision_id", "content_type_id", "object_id", "db", "format", "serialized_data", "object_repr"]


def version_values(model, objects, links):
    """reversion's version columns after ``revision_id`` for each object, serialised in Python as reversion does;
    ``links``: many-to-many name -> {pk: related ids}."""
    from reversion.revisions import _get_options

    options = _get_options(model)
    content_type = ContentType.objects.get_for_model(model)
    db = router.db_for_write(model)
    many = [f for f in model._meta.local_many_to_many if f.name in options.fields]
    plain = [name for name in options.fields if name not in {f.name for f in many}]
    data = serialize(model, objects, plain)
    for relation in many:
        linked = links.get(relation.name, {})
        for obj, item in zip(objects, data, strict=True):
            item["fields"][relation.name] = sorted(linked.get(obj.pk, []))
    return [
        (content_type.pk, force_str(obj.pk), db, options.format, json.dumps([item]), force_str(obj)[:191])
        for obj, item in zip(objects, data, strict=True)
    ]


def serialize(model, objects, names):
    """What Django's "python" serializer gives for reversion's versions, without its per-object overhead."""
    fields = [model._meta.get_field(name) for name in names]
    fields = [f for f in fields if f.serialize and not f.many_to_many]
    label = model._meta.label_lower
    # Dates, times and decimals as DjangoJSONEncoder writes them, once per distinct value, so that json.dumps()
    # gets only plain values and stays in its fast path.
    encoder, encoded = DjangoJSONEncoder(), {}

    def encode(value):
        if isinstance(value, Decimal):
            return str(value)
        key = (value, getattr(value, "tzinfo", None))  # the same instant in two zones is written twice
        text = encoded.get(key)
        if text is None:
            text = encoded[key] = encoder.default(value)
        return text

    # Plain fields are read straight from the instance; others (countries…) through the field, as the serializer.
    plain = [f.remote_field is not None or type(f) in PLAIN_FIELDS for f in fields]
    other = [(i, f) for i, f in enumerate(fields) if not plain[i]]
    # Columns whose values are dates, times or decimals: the only ones that need encoding.
    encoded_types = (models.DecimalField, models.DateField, models.TimeField)
    typed = [i for i, f in enumerate(fields) if isinstance(f, encoded_types) or not plain[i]]
    keys = [f.name for f in fields]
    values_of = operator.itemgetter(*[f.attname for f in fields])
    data = []
    for obj in objects:
        values = list(values_of(obj.__dict__)) if len(fields) > 1 else [values_of(obj.__dict__)]
        for i, model_field in other:
            value = model_field.value_from_object(obj)
            values[i] = value if is_protected_type(value) else model_field.value_to_string(obj)
        for i in typed:
            value = values[i]
            if value is not None and isinstance(value, Decimal | datetime.date | datetime.time):
                values[i] = encode(value)
        data.append({"model": label, "pk": obj.pk, "fields": dict(zip(keys, values, strict=True))})
    return data


def copy_rows(model, columns, rows):
    """COPY plain value tuples into ``model``'s table on PostgreSQL (ids from the default). False elsewhere."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or any(v == NULL for row in rows for v in row):
        return False
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    copy_text(model, columns, buffer.getvalue())
    return True


def copy_text(model, columns, text):
    """Send CSV ``text`` (``NULL`` marks a null) to ``model``'s table with COPY (PostgreSQL)."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", io.StringIO(text))


@dataclass
class CopyData:
    """New rows of one model as COPY's CSV text, made before they are sent (``copy_data``, ``copy_insert``)."""

    model: type
    columns: list
    text: str
    search: bool  # the text ends with the (A, B, C) search texts of each row


def copy_data(model, objects, search=None):
    """The CSV text ``copy_insert`` sends for ``objects``, which have their primary keys. None when a value
    cannot go through COPY (text that reads as its NULL marker): then INSERT must write them.

    Pure Python (``connection`` only converts values), so an import's checking thread can make it.
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    if search is not None:
        fields = [f for f in fields if f.column != "search_vector"]
    # Plain values go to the file as they are; automatic dates are the same moment for every row (as one
    # bulk_create would nearly give); other fields (countries…) go through Django's conversion.
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    converted = [(i, f) for i, f in enumerate(fields) if type(f) not in PLAIN_FIELDS and f.attname not in stamped]
    values_of = operator.itemgetter(*[f.attname for f in fields])
    rows = []
    for obj in objects:
        values = obj.__dict__
        for attname in stamped:
            values[attname] = now
        row = list(values_of(values)) if len(fields) > 1 else [values_of(values)]
        for i, model_field in converted:
            row[i] = model_field.get_db_prep_save(model_field.pre_save(obj, True), connection=connection)
        if NULL in row:
            return None
        rows.append([NULL if value is None else value for value in row])
    if search is not None:
        for row, texts in zip(rows, search, strict=True):
            if NULL in texts:
                return None
            row.extend(texts)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return CopyData(model, [f.column for f in fields], buffer.getvalue(), search is not None)


def reserve_ids(model, count):
    """``count`` new primary keys from ``model``'s own sequence (PostgreSQL)."""
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_insert(model, objects, search=None, data=None):
    """Insert new rows with PostgreSQL's COPY, several times faster than INSERT for big imports.

    Ids come from the table's own sequence first, so the objects have their primary keys afterwards as with
    ``bulk_create``. Returns False (nothing done) on other databases, where the caller uses ``bulk_create``.
    Like ``bulk_create`` it sends no signals and calls no ``save()``. With ``search`` ((A, B, C) normalised texts
    per object) the rows go through a temporary table and get their search vector as they are inserted
    (``heritage.search.VECTOR_SQL``, as ``save()`` and ``update_search_index()`` make it). ``data``: the rows'
    text made beforehand by ``copy_data()`` (the objects have their keys already).
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql" or not objects:
        return False
    if data is None:
        for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
        data = copy_data(model, objects, search)
        if data is None:
            return False
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in data.columns)
    table = quote(model._meta.db_table)
    buffer = io.StringIO(data.text)
    # copy_expert is psycopg2's own: wrapped, its errors are Django's, as every other query's.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if not data.search:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        else:
            from heritage.search import VECTOR_SQL

            # Copied as they are, then inserted with the vector computed by the database: one write of each row.
            stage = quote(f"import_stage_{model._meta.db_table}")
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DROP")
            cursor.execute(
                f"ALTER TABLE {stage} ADD COLUMN IF NOT EXISTS search_a text, "
                "ADD COLUMN IF NOT EXISTS search_b text, ADD COLUMN IF NOT EXISTS search_c text"
            )
            cursor.execute(f"TRUNCATE {stage}")
            cursor.cursor.copy_expert(
                f"COPY {stage} ({columns}, search_a, search_b, search_c) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
            vector = VECTOR_SQL.format(a="search_a", b="search_b", c="search_c")
            cursor.execute(f"INSERT INTO {table} ({columns}, search_vector) SELECT {columns}, {vector} FROM {stage}")
    for obj in objects:
        obj._state.adding, obj._state.db = False, alias
    return True


PLAIN_FIELDS = {
    models.BigAutoField,
    models.AutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,  # parse_field() has checked the digits; PostgreSQL reads str(Decimal) as it is
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
}
NULL = "\\N"
# Field types whose column PostgreSQL's json_build_object writes as Django's serializer does.
VERSION_FIELDS = {
    models.BigAutoField,
    models.AutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.SmallIntegerField,
    models.TextField,
    models.URLField,
    CountryField,
}
# Values an instance template may share between rows (``TableImport.instantiate``), and ``parse`` may remember.
IMMUTABLE = (type(None), str, int, float, bool, Decimal, datetime.date, datetime.time)
