"""Cursor (keyset) pagination: a page is "the next ``limit`` rows after this one in this order", found by walking
an index from the cursor's key, so the millionth row costs what the first does (OFFSET would read every row before
it). The cursor is opaque to clients: the order's name and the last row's key values, in URL-safe base64 JSON."""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan


def _exact(value):
    # Every microsecond: DjangoJSONEncoder keeps milliseconds only, and a cursor a little before its row would
    # skip (descending) or repeat (ascending) the rows in between.
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


class BadCursorError(ValueError):
    """The ``cursor`` parameter is not one this API gave for this order."""


@dataclass(frozen=True)
class KeysetOrder:
    """An order all of whose keys run the same way and end with the primary key, so that "after this row" is one
    row comparison, ``(k1, k2, id) > (v1, v2, v3)``, which PostgreSQL reads as an index range.

    ``nullable_first``: the first key may be NULL, and NULLs come last (``sort=built``: undated monuments after the
    dated ones). Rows with a value come from one range, the NULL ones from a second, ordered by the other keys.
    """

    name: str
    keys: tuple[str, ...]
    descending: bool = False
    nullable_first: bool = False

    def order_by(self):
        if self.nullable_first:
            first = F(self.keys[0]).asc(nulls_last=True)
            return (first, *self.keys[1:])
        return tuple(f"-{key}" if self.descending else key for key in self.keys)

    def _after(self, keys, values):
        lookup = TupleLessThan if self.descending else TupleGreaterThan
        if len(keys) == 1:
            return {f"{keys[0]}__{'lt' if self.descending else 'gt'}": values[0]}, None
        return {}, lookup(Tuple(*(F(key) for key in keys)), tuple(values))

    def _filter_after(self, queryset, keys, values):
        kwargs, expression = self._after(keys, values)
        return queryset.filter(expression, **kwargs) if expression is not None else queryset.filter(**kwargs)

    def page(self, queryset, cursor_values, limit):
        """The rows after ``cursor_values`` (``None``: from the start), at most ``limit``, and whether more follow."""
        queryset = queryset.order_by(*self.order_by())
        if cursor_values is None:
            rows = list(queryset[: limit + 1])
        elif self.nullable_first and cursor_values[0] is None:
            undated = queryset.filter(**{f"{self.keys[0]}__isnull": True})
            rows = list(self._filter_after(undated, self.keys[1:], cursor_values[1:])[: limit + 1])
        else:
            rows = list(self._filter_after(queryset, self.keys, cursor_values)[: limit + 1])
            if self.nullable_first and len(rows) <= limit:
                undated = queryset.filter(**{f"{self.keys[0]}__isnull": True})
                rows += list(undated[: limit + 1 - len(rows)])
        return rows[:limit], len(rows) > limit

    def cursor_for(self, row):
        """The cursor after ``row``: a model instance or a ``values()`` dict."""
        values = [row[key] for key in self.keys] if isinstance(row, dict) else [getattr(row, key) for key in self.keys]
        text = json.dumps([self.name, values], default=_exact, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def read_cursor(self, cursor, model):
        """The key values in ``cursor``, typed as the model's fields; ``BadCursorError`` when it is not ours."""
        try:
            name, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
            raise BadCursorError("not a cursor this API gave") from error
        if name != self.name:
            raise BadCursorError(
                f"the cursor was given for another order ({name!r}); keep the parameters of its first page"
            )
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise BadCursorError("not a cursor this API gave")
        typed = []
        for key, value in zip(self.keys, values, strict=True):
            if value is None:
                if not (self.nullable_first and key == self.keys[0]):
                    raise BadCursorError("not a cursor this API gave")
                typed.append(None)
                continue
            if isinstance(value, list | dict | bool):
                raise BadCursorError("not a cursor this API gave")
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                if not isinstance(value, int):
                    raise BadCursorError("not a cursor this API gave") from None
                typed.append(value)
                continue
            try:
                typed.append(field.to_python(value))
            except (ValidationError, TypeError, ValueError) as error:
                raise BadCursorError("not a cursor this API gave") from error
        return typed
