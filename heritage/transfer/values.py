"""Cell values: text read from a file turned into model field values (``parse_field``), values written back to
text (``format_value``), and lists in one cell (``split_list``, ``join_list``)."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.fields import CountryField

from heritage.countries import country_code
from heritage.models import partial_iso
from heritage.transfer.results import RowError
from heritage.transliteration import fold

TRUE_WORDS = {"1", "true", "yes", "y", "t", "x"}
FALSE_WORDS = {"", "0", "false", "no", "n", "f"}
LIST_SEPARATOR = ";"


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


# A date written only as precisely as it is known: "1998" (a year), "2003-05" (a month).
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?")
PRECISION_RANK = {"year": 0, "month": 1, "day": 2}
PRECISION_WORDS = {"year": gettext_lazy("year"), "month": gettext_lazy("month"), "day": gettext_lazy("day")}


def parse_partial_date(raw):
    """``(first day, "year" | "month")`` for a date written as a year or a year and month, else None.

    The model keeps a partial date as its first day with a precision (``heritage.models.DatePrecision``)."""
    match = PARTIAL_DATE.fullmatch(raw.strip()) if raw else None
    if match is None:
        return None
    year, month = match.groups()
    try:
        return datetime.date(int(year), int(month or 1), 1), "month" if month else "year"
    except ValueError:
        return None


def format_partial_iso(value, precision):
    """A partial date as a file writes it, read back by ``parse_partial_date``: "1998", "2003-05", "2003-05-07"."""
    return partial_iso(value, precision) or ""


def rounded_decimal(raw, places):
    """``raw`` rounded to ``places`` decimals as text when it has more, else None: a coordinate from a GIS tool
    (40.123456789) is stored as precisely as the field keeps it (40.123457), not refused."""
    dot = raw.find(".")
    if dot < 0 or len(raw) - dot - 1 <= places:
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None  # not a number: parse_field says so
    if not value.is_finite():
        return None
    return format_value(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def split_list(text):
    return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


def join_list(items):
    return f"{LIST_SEPARATOR} ".join(str(i) for i in items)


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
        code = country_code(raw, countries)
        if not code:
            raise RowError(
                [
                    _(
                        "%(column)s: “%(value)s” is not a country; give its ISO 3166 code (AZ, FR) or English name "
                        "(Azerbaijan), or a former country's (SU USSR, YU Yugoslavia, CS Czechoslovakia, DD GDR)."
                    )
                    % {"column": column, "value": raw}
                ]
            )
        raw = code
    elif model_field.choices:
        raw = choice_value(model_field, raw, column)
    try:
        value = model_field.to_python(raw)
        model_field.validate(value, None)
        model_field.run_validators(value)
    except ValidationError as exc:
        raise RowError([f"{column}: {m}" for m in exc.messages]) from exc
    return value


def choice_value(model_field, raw, column):
    """A choice given by its code or its label, case and diacritics aside ("National", "world"); anything else is
    an error naming the value and listing the valid ones with their labels."""
    choices = [(str(value), str(label)) for value, label in model_field.flatchoices if value not in ("", None)]
    if raw in (value for value, _label in choices):
        return raw
    wanted = fold(raw.strip())
    for value, label in choices:
        if wanted in (fold(value), fold(label)):
            return value
    known = ", ".join(f"{value} ({label})" if fold(label) != fold(value) else value for value, label in choices)
    raise RowError(
        [_("%(column)s: “%(value)s” is not one of: %(known)s.") % {"column": column, "value": raw, "known": known}]
    )


def comparable(model_field, value):
    if isinstance(model_field, CountryField):
        return force_str(value or "")
    return value
