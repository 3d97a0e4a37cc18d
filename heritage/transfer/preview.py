"""What the preview of an import says about a row besides new/changed/invalid: its notes (a value adjusted to be
stored: a coordinate rounded, a partial date's precision) and, for a changed row, which fields change from what to
what. Also the header as the file writes it ("Monument type" for ``monument_type``). Mixed into ``TableImport``.
"""

from django.db import models
from django.utils.translation import gettext as _

from heritage.transfer.values import PRECISION_RANK, PRECISION_WORDS, format_value, rounded_decimal


def header_key(text):
    """A header as a column name: "Monument type" and "monument-type" are the column ``monument_type``."""
    return "_".join(text.strip().lower().replace("-", " ").split())


class Mentions(list):
    """A changed value as text naming related records: parts that are text, or ``(model, pk)`` named when the
    preview is described (``describe_changes``), e.g. a meeting's participants "Ilham Aliyev | | | President"."""


class RowPreview:
    """``TableImport``'s notes and changes of the row being built (``self.notes``, ``self.changes``)."""

    def as_written(self, messages):
        """Messages start with their column's name: say the header as the file writes it instead."""
        if not self.written:
            return messages
        out = []
        for message in messages:
            column, sep, rest = message.partition(":")
            out.append(f"{self.written[column]}{sep}{rest}" if sep and column in self.written else message)
        return out

    def decimal_places(self):
        """The decimal fields among ``fields`` and how many decimals each stores (coordinates: 6)."""
        if self._decimal_places is None:
            self._decimal_places = {
                name: f.decimal_places
                for name in self.fields
                if isinstance(f := self.model._meta.get_field(name), models.DecimalField)
            }
        return self._decimal_places

    def rounded(self, name, text):
        """A decimal cell with more decimals than are stored, rounded and noted for the preview."""
        places = self.decimal_places().get(name)
        if places is None or not text or (value := rounded_decimal(text, places)) is None:
            return text
        self.notes.append(
            _("%(column)s: rounded %(given)s to %(stored)s.") % {"column": name, "given": text, "stored": value}
        )
        return value

    def noted_change(self, column, old, new, related=None):
        """Remember, for the preview of a changed row, that ``column`` goes from ``old`` to ``new`` (values, or
        pks of ``related``, named in ``describe_changes``)."""
        self.changes.append((column, (related, old) if related else old, (related, new) if related else new))

    def describe_changes(self, rows):
        """The preview's changes as text: values formatted, related records named (one query per model)."""
        wanted = {}
        for row in rows:
            for _c, *values in row.changes:
                for value in values:
                    if isinstance(value, Mentions):
                        for part in value:
                            if isinstance(part, tuple) and part[1] is not None:
                                wanted.setdefault(part[0], set()).add(part[1])
                    elif isinstance(value, tuple):
                        pks = value[1] if isinstance(value[1], set | frozenset | list) else {value[1]}
                        wanted.setdefault(value[0], set()).update(pk for pk in pks if pk is not None)
        names = {
            model: {pk: str(obj) for pk, obj in model._base_manager.in_bulk(pks).items()}
            for model, pks in wanted.items()
        }

        def text(value):
            if isinstance(value, Mentions):
                return "".join(
                    (names[part[0]].get(part[1], "") if part[1] is not None else "")
                    if isinstance(part, tuple)
                    else part
                    for part in value
                )
            if isinstance(value, tuple):
                model, pks = value
                if not isinstance(pks, set | frozenset | list):
                    return names[model].get(pks, "") if pks is not None else ""
                return "; ".join(sorted(names[model].get(pk, str(pk)) for pk in pks))
            return format_value(value)

        for row in rows:
            row.changes = [(column, text(old), text(new)) for column, old, new in row.changes]

    def apply_precision(self, obj, field_name, precision, raw, errors, is_new):
        """A date written as "1998" or "2003-05" sets its precision field, unless the file's precision column
        says so too (or coarser: "2003-05" with precision "year" is 2003); a finer one contradicts it."""
        dates = [c for c, f in self.partial_dates.items() if f == field_name and c in raw]
        given = raw.get(field_name, "") if field_name in self.fields else ""
        if given:
            if PRECISION_RANK.get(given, 2) > PRECISION_RANK[precision]:
                errors.append(
                    _("%(column)s: “%(value)s” is a %(precision)s, but %(field)s says %(given)s.")
                    % {
                        "column": dates[0],
                        "value": raw[dates[0]],
                        "precision": PRECISION_WORDS[precision],
                        "field": field_name,
                        "given": given,
                    }
                )
            return False
        old = getattr(obj, field_name)
        if old == precision:
            return False
        if not is_new:
            self.noted_change(field_name, old, precision)
        setattr(obj, field_name, precision)
        return True
