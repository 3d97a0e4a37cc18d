"""Spreadsheet import for every model: dry-run preview and all-or-nothing bulk writes (``TableImport``).

One ``TableImport`` subclass per model (in each app's ``importers.py``) says which columns it reads and how rows
match existing records. A ``pipelined`` importer (monuments) checks the next chunk in a second thread while the
previous one is written, all SQL on one connection in one transaction (``heritage.transfer.pipeline``). The admin,
the ``import_*`` commands and the tests all call ``TableImport.run()``.
Every write of an import goes through ``TableImport.write_objects()`` (``heritage.transfer.bulk``);
``TableImport.update_search()`` then keeps the search data of each written chunk current
(``heritage.search.update_search_index``), and ``record_versions()`` their history (``heritage.transfer.versions``).
"""

import datetime
import time
from collections import namedtuple
from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from heritage.pagecache import invalidate as invalidate_cached_pages
from heritage.transfer import versions
from heritage.transfer.bulk import copy_insert, copy_update
from heritage.transfer.exports import rows_in_a_transaction
from heritage.transfer.files import ImportFileError
from heritage.transfer.pipeline import Pipeline
from heritage.transfer.preview import RowPreview, header_key
from heritage.transfer.process import collector_paused, quick_thread_switches
from heritage.transfer.proposing import ProposedRows
from heritage.transfer.relations import RelationLookup
from heritage.transfer.results import (
    CHANGED,
    INVALID,
    NEW,
    PROPOSED,
    UNCHANGED,
    Checked,
    ImportResult,
    Pending,
    RowError,
    RowResult,
)
from heritage.transfer.slugs import SlugAllocation, slugs_for_name
from heritage.transfer.values import (
    PRECISION_RANK,
    comparable,
    format_value,
    join_list,
    parse_field,
    parse_partial_date,
    split_list,
)

# What ``TableImport.write_objects`` wrote with its search data: the new records, the changed ones.
Indexed = namedtuple("Indexed", ["new", "changed"])
# Values an instance template may share between rows (``TableImport.instantiate``), and ``parse`` may remember.
IMMUTABLE = (type(None), str, int, float, bool, Decimal, datetime.date, datetime.time)


class TableImport(ProposedRows, Pipeline, SlugAllocation, RelationLookup, RowPreview):
    """Base class: subclasses set ``model``, ``key``, ``fields``, ``foreign_keys``, ``many_to_many``."""

    model = None
    key = "slug"
    fields = ()  # model fields read and written directly under their own names
    foreign_keys = {}  # column -> (related model, lookup field)
    many_to_many = {}  # column -> (related model, lookup field); listed records are added, never removed
    readonly = ()  # exported columns that an import ignores
    help = {}  # column -> what it means, for the template and the import page
    required = ()
    # A date column -> the field of its precision: "1998" is a year, "2003-05" a month (``parse_partial_date``).
    partial_dates = {}
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
        self.written = {}  # column -> its header as the file writes it, where they differ ("Monument type")
        self.notes, self.changes = [], []  # of the row being built (``build``)
        self._decimal_places = None
        self.checking_thread = None  # the thread that checks chunks (``pipelined``), where nothing may query
        self.copy_ahead = False  # the checking thread makes the COPY text of new rows (``copy_new``)
        self.reserved, self.copies, self.versions, self.changed_search = {}, {}, {}, None
        # Where the import is, for the message when its database connection is lost (lost_connection_message).
        self.reached, self.writing, self.committing = 1, None, False  # last row read; rows being written
        self.connection = None  # the database connection the import's transaction runs on (connection_lost)
        self.can_publish = user is None or user.has_perm(
            f"{self.model._meta.app_label}.publish_{self.model._meta.model_name}"
        )

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
        # In a transaction, like the public exports: streamed as it is read, and safe behind a pooler in
        # transaction mode, where a cursor kept open between transactions may be on another server connection.
        queryset = self.export_queryset(queryset)
        for obj in rows_in_a_transaction(queryset.db, queryset.iterator(chunk_size=chunk_size)):
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
        columns = set(self.columns())
        renamed = {h: header_key(h) for h in header if h and h not in columns and header_key(h) in columns}
        unknown = [h for h in header if h and h not in columns and h not in renamed]
        if unknown:
            result.file_errors.append(
                _("Unknown column(s): %(columns)s. The template lists the columns.") % {"columns": ", ".join(unknown)}
            )
            return result
        if renamed:
            self.written = {column: h for h, column in renamed.items()}
            rows = ((number, {renamed.get(k, k): v for k, v in raw.items()}) for number, raw in rows)
            header = [renamed.get(h, h) for h in header]
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
                self.describe_changes(result.rows)
                result.to_create = {label: names for label, names in self.to_create().items() if names}
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

    def check(self, chunk):
        """Build every row of a prepared chunk: the rows' results and what to write. No SQL needed."""
        checked = Checked()
        for number, raw in chunk:
            key = raw.get(self.key, "")
            try:
                pending, changed = self.build(raw, number)
            except RowError as exc:
                checked.rows.append(RowResult(number, INVALID, key, self.as_written(exc.messages)))
                continue
            status = NEW if pending.is_new else CHANGED if changed else UNCHANGED
            if status == CHANGED and self.proposes(pending):
                status = PROPOSED
            row = RowResult(number, status, key or format_value(getattr(pending.obj, self.key)))
            if self.notes:
                row.notes = self.as_written(self.notes)
            if status in (CHANGED, PROPOSED):
                row.changes = [(self.written.get(c, c), old, new) for c, old, new in self.changes]
            checked.rows.append(row)
            if status == PROPOSED:
                checked.proposed.append(pending)
            elif status != UNCHANGED:
                checked.pendings.append(pending)
                checked.numbers.append(number)
        self.stamp(checked.pendings)
        new = [p for p in checked.pendings if p.is_new]
        checked.search = self.search_data([p.obj for p in new])
        if self.copy_ahead:
            # Changed records' search data too, written with their fields (copy_update): not a second update of
            # every row re-reading it with its type and place (update_search).
            checked.changed_search = self.search_data([p.obj for p in checked.pendings if not p.is_new])
            links = {name: [sorted(p.m2m.get(name, ())) for p in new] for name in self.many_to_many}
            self.copy_new(checked, self.model, [p.obj for p in new], checked.search, links)
            self.copy_new_extra(checked)
        return checked

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

    def _write_checked(self, checked, result):
        for row in checked.rows:
            result.add(row)
        if not checked.pendings and not checked.proposed:
            return
        self.copies, self.versions, self.changed_search = checked.copies, checked.versions, checked.changed_search
        self.writing = (checked.rows[0].number, checked.rows[-1].number)
        try:
            with transaction.atomic():
                if checked.pendings:
                    self.write(checked.pendings, search=checked.search)
                if checked.proposed:
                    self.write_proposals(checked.proposed)
                self.check_deferred_constraints()
        except (DatabaseError, ValidationError) as exc:
            if isinstance(exc, DatabaseError) and self.connection_lost():
                raise  # not the rows' fault: the import cannot go on (lost_connection_message)
            first, last = (checked.numbers[0], checked.numbers[-1]) if checked.numbers else self.writing
            message = _("The database refused rows %(first)s–%(last)s: %(error)s") % {
                "first": first,
                "last": last,
                "error": str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__,
            }
            result.add(RowResult(first, INVALID, "", [message]))
        self.writing = None

    def check_deferred_constraints(self):
        """On PostgreSQL, check the chunk's foreign keys now rather than at COMMIT, where Django defers them: a
        violation is then the chunk's, reported with its row numbers like any refused row (at COMMIT it would end
        the import with a traceback naming no row), and the checks run while the next chunk is being checked
        instead of in one long wait at the end. Elsewhere (SQLite) Django's check scans whole tables: the
        database checks at COMMIT as before."""
        connection = connections[router.db_for_write(self.model)]
        if connection.vendor == "postgresql":
            connection.check_constraints()

    def prepare(self, chunk):
        """Load, in a few queries, the existing records and related records this chunk refers to."""
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
            found = self.cache_lookup(model, lookup, wanted)
            if lookup == "slug" and any(
                text not in found and not any(s in found for s in slugs_for_name(text)) for text in wanted
            ):
                self.names_of(model)  # read here: the checking thread matches names and lists known values
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

    def prefetch_search_related(self, records):
        """Load the related records the search data of existing ``records`` reads, for the checking thread to
        make the search data of those the chunk changes (``changed_search``)."""
        from heritage.models import Searchable

        if not issubclass(self.model, Searchable) or self.model.search_prefetch:
            return
        for name in dict.fromkeys(path.partition("__")[0] for path in self.model.search_select_related):
            attname = self.model._meta.get_field(name).attname
            self.related_records(name, {getattr(obj, attname) for obj in records} - {None})

    def names_existing(self, raw):
        """Whether the row names a record by a natural key (an identifier, a registration number) that
        ``prepare()`` found: such a row is that record and needs no new slug (``prefetch_slugs``)."""
        return False

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
        return self.find_related(column, model, lookup, text)

    def find_related(self, column, model, lookup, text):
        """The pk of the ``model`` record ``text`` names: by ``lookup`` (slug or pk), by a name's slugs, then by
        its name (``match_name``); else a RowError naming the value and the known ones."""
        pk = self.cache_lookup(model, lookup, {text}).get(text)
        if pk is None and lookup == "slug":
            # Spreadsheets name things ("Mosque", "Baku"); their slug is usually the slugified name.
            for slug in slugs_for_name(text):
                if pk is None and slug != text:
                    pk = self.cache_lookup(model, lookup, {slug}).get(slug)
            if pk is None:
                pk = self.match_name(column, model, text)
        if pk is None:
            raise RowError([self.unknown_message(column, model, lookup, text)])
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
            if lookup == "slug":
                hint = _("Give the name or slug of a %(model)s.") % {"model": model._meta.verbose_name}
            else:
                hint = _("Give the %(lookup)s of a %(model)s.") % {
                    "lookup": _("number") if lookup == "pk" else lookup,
                    "model": model._meta.verbose_name,
                }
        elif model_field.choices:
            hint = _("One of: %(values)s.") % {"values": ", ".join(str(value) for value, _label in model_field.choices)}
        elif isinstance(model_field, models.DateField) and column in cls.partial_dates:
            hint = _("Give a date: YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known.")
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
        self.notes, self.changes = [], []
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
        written_precision = {}  # precision field -> the coarsest precision a date column is written with
        partial_dates, decimals = self.partial_dates, self.decimal_places()
        for name in self.fields:
            if name not in raw:
                continue
            model_field = self.model._meta.get_field(name)
            text = raw[name]
            partial = parse_partial_date(text) if name in partial_dates else None
            try:
                if partial is not None:
                    value, precision = partial
                    field_name = partial_dates[name]
                    if PRECISION_RANK[precision] < PRECISION_RANK[written_precision.get(field_name, "day")]:
                        written_precision[field_name] = precision
                else:
                    value = self.parse(model_field, self.rounded(name, text) if name in decimals else text, name)
            except RowError as exc:
                errors += exc.messages
                continue
            old = getattr(obj, model_field.attname)
            if comparable(model_field, old) != comparable(model_field, value):
                if not is_new:
                    self.noted_change(name, old, value)
                setattr(obj, model_field.attname, value)
                changed = True
        for field_name, precision in written_precision.items():
            changed |= self.apply_precision(obj, field_name, precision, raw, errors, is_new)
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
                if not is_new:
                    self.noted_change(name, getattr(obj, model_field.attname), pk, related=model_field.related_model)
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
            if added := wanted - self.current_m2m(obj, name):
                if not is_new:
                    related = self.model._meta.get_field(name).related_model
                    self.noted_change(name, self.current_m2m(obj, name), self.current_m2m(obj, name) | added, related)
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

    def write(self, pendings, search=None):
        """Write one chunk of valid rows: the records, their relations, search data and versions for history.

        ``search``: the new records' search texts, from ``search_data()`` when the chunk was checked.
        """
        new = [p.obj for p in pendings if p.is_new]
        old = [p.obj for p in pendings if not p.is_new]
        # New records get their search data in the same write (one COPY on PostgreSQL) when it can be computed
        # from the record and the records it points to, and so do changed ones when the checking thread made it
        # (``changed_search``); anything else is indexed after the chunk is written.
        changed_search, self.changed_search = self.changed_search, None
        indexed = self.write_objects(
            self.model,
            new,
            old,
            self.update_fields(),
            search=search,
            data=self.copies.get(self.model),
            changed_search=changed_search,
        )
        for name in self.many_to_many:
            self.add_m2m(name, [(p.obj.pk, p.m2m[name]) for p in pendings if p.m2m.get(name)])
        self.write_extra(pendings)
        self.update_search([p.obj.pk for p in pendings if not (indexed.new if p.is_new else indexed.changed)])
        self.record_versions([p.obj for p in pendings])

    def search_data(self, objects):
        """Search columns of new, unsaved records as ``save()`` would store them; None where that needs rows
        written later in the chunk (a meeting's participants and topics).

        Sets ``search_names``, ``search_text`` and ``search_keys`` on each object and returns the (A, B, C, D)
        texts the PostgreSQL vector is made of. Related records (type, place and its parent…) are read once per import.
        """
        from heritage.models import Searchable
        from heritage.search import is_postgresql, search_columns, vector_texts

        if not objects or not issubclass(self.model, Searchable) or self.model.search_prefetch:
            return None
        if not self.attach_related(objects, self.model.search_select_related):
            return None  # indexed after they are written (update_search)
        postgres = is_postgresql(router.db_for_write(self.model))
        texts = []
        for obj in objects:
            columns = search_columns(obj.search_document())
            obj.search_names, obj.search_text = columns["search_names"], "" if postgres else columns["search_text"]
            obj.search_keys = "" if postgres else columns["search_keys"]
            texts.append(vector_texts(columns))
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
    def write_objects(model, new, changed, update_fields, search=None, data=None, changed_search=None):
        """The one place imports write records in bulk (no save(): see ``search_data()`` and ``update_search()``).

        ``search``: the (A, B, C, D) texts of each new object's search vector, for PostgreSQL; ``changed_search``
        the same for the changed objects (PostgreSQL only). ``data``: the new rows' COPY text made when they were
        checked (``copy_new``). Returns whether the new records (``.new``) and the changed ones (``.changed``)
        were written with all their search data.
        """
        invalidate_cached_pages()  # bulk writes send no signals
        copied = bool(new) and copy_insert(model, new, search=search, data=data)
        if new and not copied:
            model._default_manager.bulk_create(new, batch_size=1000)
        updated = bool(changed) and copy_update(model, changed, update_fields, search=changed_search)
        if changed and not updated:
            model._default_manager.bulk_update(changed, update_fields, batch_size=1000)
        postgres = connections[router.db_for_write(model)].vendor == "postgresql"
        return Indexed(
            new=search is not None and (copied or not postgres), changed=changed_search is not None and updated
        )

    def add_m2m(self, name, pairs):
        relation = self.model._meta.get_field(name)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        links = [through(**{f"{source}_id": pk, f"{target}_id": other}) for pk, others in pairs for other in others]
        through._default_manager.bulk_create(links, ignore_conflicts=True, batch_size=1000)
        invalidate_cached_pages()

    def write_extra(self, pendings):
        pass

    @staticmethod
    def extra_to_write(pendings, key, fk):
        """The related rows a chunk's rows carry in ``pending.extra[key]`` (registrations, risk listings) as
        ``(new, changed)``; the new ones are given their record's key (``fk``, an attname) first."""
        new, changed = [], []
        for pending in pendings:
            for obj in pending.extra.get(key, ()):
                if obj._state.adding:
                    setattr(obj, fk, pending.obj.pk)
                    new.append(obj)
                else:
                    changed.append(obj)
        return new, changed

    def finish(self):
        pass

    def to_create(self):
        """What the import creates besides its rows, for the preview to list first: {plural label: [names]}."""
        return {}

    def record_versions(self, objects):
        """Keep a version of each written record in one revision per import, as the admin would for a save
        (``heritage.transfer.versions``)."""
        if not objects or not versions.is_registered(type(objects[0])):
            return
        if self.revision is None:
            self.revision = versions.new_revision(
                self.user, _("Imported %(model)s from a file") % {"model": self.model._meta.verbose_name_plural}
            )
        model = type(objects[0])
        versions.record_versions(self.revision, model, objects, ready=self.versions.pop(model, None))
