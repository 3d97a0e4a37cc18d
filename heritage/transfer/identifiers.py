"""External identifiers in imports and exports: a column per scheme (``wikidata``, ``commons``…), and rows matched
to existing records by an identifier (a natural key) before their slug.

``IdentifierColumns`` is mixed into a ``TableImport`` whose model has an identifier table
(``heritage.identifiers``); it sets ``identifier_model``. Several values of one scheme go in one cell, separated
by “;”. Identifiers in a file are added to a record, never removed (as many-to-many columns are).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from heritage.identifiers import IdentifierScheme
from heritage.transfer.results import RowError
from heritage.transfer.values import join_list, split_list


class IdentifierColumns:
    """``TableImport`` mixin: identifier columns, natural-key matching and the identifiers' bulk write."""

    identifier_model = None  # the kind's ExternalIdentifier subclass

    @classmethod
    def identifier_columns(cls):
        """The codes of the schemes, each a column (a code that is also a field's name is left to the field)."""
        if cls.identifier_model is None:
            return []
        taken = {cls.key, *cls.fields, *cls.foreign_keys, *cls.many_to_many}
        return [code for code in IdentifierScheme.objects.by_code() if code not in taken]

    @classmethod
    def column_notes(cls):
        notes = super().column_notes()
        schemes = IdentifierScheme.objects.by_code() if cls.identifier_model is not None else {}
        for note in notes:
            if note[0] in schemes and not note[2]:
                scheme = schemes[note[0]]
                note[2] = _("identifier in %(scheme)s (e.g. %(pattern)s); several separated by “;”") % {
                    "scheme": scheme.name,
                    "pattern": scheme.url_pattern or scheme.code,
                }
        return notes

    # export ---------------------------------------------------------------------------------------------------

    def export_identifiers(self, obj):
        """One cell per ``identifier_columns()``: the record's values in that scheme (prefetched ``identifiers``)."""
        codes = self.identifier_columns()
        by_scheme = {}
        for identifier in obj.identifiers.all():
            by_scheme.setdefault(identifier.scheme_id, []).append(identifier.value)
        schemes = self.schemes_by_code()
        return [join_list(sorted(by_scheme.get(schemes[code].pk, ()))) for code in codes]

    def schemes_by_code(self):
        if getattr(self, "_schemes", None) is None:
            self._schemes = IdentifierScheme.objects.by_code()
        return self._schemes

    # import ---------------------------------------------------------------------------------------------------

    @property
    def identifier_field(self):
        return self.identifier_model.record_field

    def row_identifiers(self, raw):
        """``[(column, scheme id, value)]`` of a row's identifier cells, split once per chunk: an import reads them
        four times per row (``prepare_identifiers``, the slug look-ahead, matching, building)."""
        cells = tuple(raw.get(column, "") for column in self.identifier_columns_in_file)
        found = self.split_identifiers.get(cells)
        if found is None:
            schemes = self.schemes_by_code()
            found = self.split_identifiers[cells] = [
                (column, schemes[column].pk, value)
                for column, text in zip(self.identifier_columns_in_file, cells, strict=True)
                for value in split_list(text)
            ]
        return found

    def names_existing(self, raw):
        holders = self.identifier_holders
        named = any((scheme_id, value) in holders for _column, scheme_id, value in self.row_identifiers(raw))
        return named or super().names_existing(raw)

    def prepare_identifiers(self, chunk):
        """Before the chunk is checked: which record holds each identifier the chunk names (in a few queries).
        Returns the ids of those records, for the caller to load as existing records."""
        if not hasattr(self, "identifier_columns_in_file"):
            header = getattr(self, "header", set())
            self.identifier_columns_in_file = [c for c in self.identifier_columns() if c in header]
            self.identifiers_in_file = {}
        self.split_identifiers = {}  # row_identifiers(), for this chunk's rows
        wanted, cells = {}, 0
        for _number, raw in chunk:
            for _column, scheme_id, value in self.row_identifiers(raw):
                wanted.setdefault(scheme_id, set()).add(value)
                cells += 1
        self.identifier_holders = {}
        if wanted:
            condition = Q()
            for scheme_id, values in wanted.items():
                condition |= Q(scheme_id=scheme_id, value__in=values)
            found = self.identifier_model.objects.filter(condition)
            for scheme_id, value, record_id in found.values_list("scheme_id", "value", f"{self.identifier_field}_id"):
                self.identifier_holders[(scheme_id, value)] = record_id
        if self.copy_ahead:  # keys for the identifiers no record has yet
            self.reserve(self.identifier_model, cells - len(self.identifier_holders))
        return set(self.identifier_holders.values())

    def load_record_identifiers(self, record_ids):
        """The identifiers the chunk's existing records have already, to add only new ones."""
        self.identifiers_of = {}
        if record_ids:
            field = f"{self.identifier_field}_id"
            rows = self.identifier_model.objects.filter(**{f"{field}__in": list(record_ids)})
            for record_id, scheme_id, value in rows.values_list(field, "scheme_id", "value"):
                self.identifiers_of.setdefault(record_id, set()).add((scheme_id, value))

    def natural_holder(self, raw):
        """The id of the record the row's identifiers name, or None; a row naming two records is an error, and so
        is an identifier an earlier row of the file has (that row is the record already)."""
        holders = {}
        row = getattr(self, "row", None)
        for column, scheme_id, value in self.row_identifiers(raw):
            first = self.identifiers_in_file.get((scheme_id, value))
            if first is not None and row is not None and first != row:
                raise RowError(
                    [
                        _("%(column)s: %(value)s is already in row %(row)s.")
                        % {"column": column, "value": value, "row": first}
                    ]
                )
            holder = self.identifier_holders.get((scheme_id, value))
            if holder is not None:
                holders.setdefault(holder, f"{column} {value}")
        if len(holders) > 1:
            raise RowError(
                [
                    _("The identifiers of this row belong to different records: %(which)s. Correct the row.")
                    % {"which": "; ".join(holders.values())}
                ]
            )
        return next(iter(holders), None)

    def build_identifiers(self, raw, pending, number):
        """The row's identifiers the record lacks, as unsaved rows in ``pending.extra["identifiers"]``.
        Returns whether there are any."""
        obj = pending.obj
        have = self.identifiers_of.get(obj.pk, set()) if obj.pk else set()
        new, errors = [], []
        for column, scheme_id, value in self.row_identifiers(raw):
            key = (scheme_id, value)
            if len(value) > self.identifier_model._meta.get_field("value").max_length:
                errors.append(_("%(column)s: “%(value)s” is too long.") % {"column": column, "value": value[:50]})
                continue
            if key in have:
                self.identifiers_in_file.setdefault(key, number)
                continue
            holder = self.identifier_holders.get(key)
            if holder is not None and holder != obj.pk:
                errors.append(
                    _("%(column)s: %(value)s is already the identifier of another record.")
                    % {"column": column, "value": value}
                )
                continue
            if key in self.identifiers_in_file and self.identifiers_in_file[key] != number:
                errors.append(
                    _("%(column)s: %(value)s is already in row %(row)s.")
                    % {"column": column, "value": value, "row": self.identifiers_in_file[key]}
                )
                continue
            self.identifiers_in_file[key] = number
            scheme = self.schemes_by_code()[column]  # the object: a version names it (str())
            new.append(self.instantiate(self.identifier_model, scheme=scheme, value=value))
        if errors:
            raise RowError(errors)
        pending.extra["identifiers"] = new
        return bool(new)

    def proposed_identifiers(self, pending):
        """The row's new identifiers as a proposal's inline rows (``heritage.transfer.proposing``)."""
        return self.inline_group(self.identifier_model, self.identifier_field, pending.extra.get("identifiers", ()))

    def identifiers_to_write(self, pendings):
        """The chunk's new identifiers, given their record's key."""
        return self.extra_to_write(pendings, "identifiers", f"{self.identifier_field}_id")[0]

    def copy_new_identifiers(self, checked):
        """In the checking thread (``copy_ahead``): the COPY text and versions of the chunk's new identifiers,
        once their records have keys (a new record's is reserved; see ``copy_new_extra``)."""
        new = self.identifiers_to_write(checked.pendings)
        if all(getattr(identifier, f"{self.identifier_field}_id") for identifier in new):
            self.copy_new(checked, self.identifier_model, new)

    def write_identifiers(self, pendings):
        """Insert the new identifiers of a written chunk in one bulk write, each with its version in the import's
        revision, as the admin's inline would keep it (reverting the record restores them)."""
        new = self.identifiers_to_write(pendings)
        self.write_objects(self.identifier_model, new, [], [], data=self.copies.get(self.identifier_model))
        self.record_versions(new)


class IdentifierMatching(IdentifierColumns):
    """``IdentifierColumns`` wired into ``TableImport``'s hooks, for an importer with no other natural key (places,
    people, organizations): a row whose identifier a record has is that record, whatever its key cell says (a key
    naming another record is an error naming both); the row's new identifiers are added; the export writes them
    in their columns, between the importer's own extra columns and its read-only ones. ``MonumentImport`` wires
    the same methods itself, beside its registration numbers."""

    @classmethod
    def extra_columns(cls):
        return [*super().extra_columns(), *cls.identifier_columns()]

    def export_queryset(self, queryset):
        return super().export_queryset(queryset).prefetch_related("identifiers")

    def export_extra(self, obj):
        readonly = len(self.readonly)
        values = super().export_extra(obj)
        head, tail = values[: len(values) - readonly], values[len(values) - readonly :]
        return [*head, *self.export_identifiers(obj), *tail]

    def prepare(self, chunk):
        super().prepare(chunk)
        self.by_pk = {obj.pk: obj for obj in self.existing.values()}
        named = (self.prepare_identifiers(chunk) | self.prepare_natural_keys(chunk)) - set(self.by_pk)
        if named:
            self.by_pk.update(self.model._default_manager.in_bulk(list(named)))
            for name in self.many_to_many:  # what the records named only by identifier link to already
                relation = self.model._meta.get_field(name)
                through = relation.remote_field.through
                source, target = relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
                links = through._default_manager.filter(**{f"{source}__in": list(named)}).values_list(source, target)
                for pk, other in links:
                    self._m2m_cache.setdefault(name, {}).setdefault(pk, set()).add(other)
        self.load_record_identifiers(self.by_pk)

    def prepare_natural_keys(self, chunk):
        """The ids of the records the chunk's rows may name by another natural key than an identifier, for
        ``prepare`` to load with the rest (``EventImport``: name and start date). None here."""
        return set()

    def find_existing(self, raw):
        by_key = super().find_existing(raw)
        holder = self.natural_holder(raw)
        if holder is None:
            return by_key
        natural = self.by_pk[holder]
        if by_key is not None and by_key.pk != natural.pk:
            raise RowError(
                [
                    _("%(key)s: “%(value)s” is another record than %(other)s, which has this row's identifier.")
                    % {"key": self.key, "value": raw.get(self.key), "other": getattr(natural, self.key)}
                ]
            )
        return natural

    def build(self, raw, number):
        self.row = number  # for build_identifiers' "already in row N"
        return super().build(raw, number)

    def build_extra(self, raw, pending):
        changed = super().build_extra(raw, pending)
        return self.build_identifiers(raw, pending, self.row) or changed

    def proposed_inlines(self, pending):
        return [*super().proposed_inlines(pending), self.proposed_identifiers(pending)]

    def copy_new_extra(self, checked):
        super().copy_new_extra(checked)
        self.copy_new_identifiers(checked)

    def write_extra(self, pendings):
        super().write_extra(pendings)
        self.write_identifiers(pendings)
