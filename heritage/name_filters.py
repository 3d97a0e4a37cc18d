"""Names, not slugs: the list filters for a person, organization, event, place or topic take what a reader types.

A filter value is a slug (what links and shared addresses carry) or a name in any spelling the site search
understands (``heritage.search``: folded, transliterated, phonetic keys, the beginning of each word). On submit,
``resolve`` turns it into one record:

- a slug of a record the filter offers: that record (no other lookup);
- a name that fits exactly one record (or whose full name is exactly one record's): that record, and the list
  redirects to the same address with the slug in its place (``slug_address``), so addresses keep slugs;
- a name that fits several: a form error, and the page lists them as "Did you mean" links (``did_you_mean``);
- nothing: a form error naming the value typed.

Only what the filter's queryset holds is found: published records (drafts never), topics in use. The same
``matching`` feeds the suggestions endpoint (``sitewide.views.suggest``) that ``static/js/combobox.js`` reads as
the reader types. One implementation for all five filters: ``NameFilter``.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from heritage.search import SEARCH_MAX_LENGTH, clean_text, normalize, query_terms, words
from heritage.transliteration import word_keys

# At most this many suggestions, and this many choices under "Did you mean".
SUGGEST_LIMIT = 10


def is_searchable(queryset):
    return hasattr(queryset, "model_is_searchable") and queryset.model_is_searchable()


def folded_names(record):
    """A record's names as search folds them: its stored ``search_names`` lines, or its folded ``name``."""
    stored = getattr(record, "search_names", "")
    return {line for line in stored.split("\n") if line} or {normalize(record.name)}


def python_match(name, terms):
    """Whether each query term begins a word of ``name`` (folded) or shares a phonetic key with one of its words:
    the search's rule for a model without stored search data (topics, a short vocabulary)."""
    name_words = words(name)
    name_keys = {key for word in name.split() for key in word_keys(word)}
    return all(any(w.startswith(folded) for w in name_words) or set(keys) & name_keys for folded, keys in terms)


def matching(queryset, text, limit=SUGGEST_LIMIT):
    """The records of ``queryset`` whose names fit ``text`` as the site search reads it, best first, at most
    ``limit``; bounded queries (the search's one or two, or one read of a small vocabulary)."""
    if not words(text):
        return []
    if is_searchable(queryset):
        # The search data is read too (folded_names); a queryset made narrow with only() would fetch it per row.
        return list(queryset.defer(None).search(text, prefix=True)[:limit])
    terms = query_terms(text)
    return [record for record in queryset if python_match(record.name, terms)][:limit]


def resolve(queryset, text):
    """``(record, [])`` for the one record ``text`` names (by slug or name), else ``(None, candidates)``: several
    records that fit (at most SUGGEST_LIMIT), or none."""
    by_slug = queryset.filter(slug=text).first()
    if by_slug is not None:
        return by_slug, []
    found = matching(queryset, text, SUGGEST_LIMIT + 1)
    if len(found) == 1:
        return found[0], []
    folded = normalize(text)
    exact = [record for record in found if folded in folded_names(record)]
    if len(exact) == 1:
        return exact[0], []
    return None, (exact or found)[:SUGGEST_LIMIT]


def resolve_value(queryset, value, error_messages):
    """(record, the name typed or None when ``value`` was its slug) for one submitted value, or a ValidationError
    naming the value when it fits no record or several (the records it fits as the error's ``candidates``)."""
    text = clean_text(str(value))  # a NUL or an escape from a crafted address (the API reads no filter_data)
    # As the search box: a name is never longer, and the query stays bounded (Django's message, translated).
    MaxLengthValidator(SEARCH_MAX_LENGTH)(text)
    record, candidates = resolve(queryset, text)
    if record is None:
        code = "ambiguous" if candidates else "not_found"
        error = ValidationError(error_messages[code], code=code, params={"value": text})
        error.candidates = candidates
        raise error
    return record, (None if text == record.slug else text)


def suggestions_status(records, text):
    """What the combobox's live region says when suggestions arrive: how many, and how to choose one; or, when
    none fit, the same message the filter gives on submit."""
    if not records:
        return NameChoiceField.default_error_messages["not_found"] % {"value": text}
    return ngettext(
        "%(count)s record matches: use the Up and Down arrow keys to choose it.",
        "%(count)s records match: use the Up and Down arrow keys to choose one.",
        len(records),
    ) % {"count": len(records)}


class NameInput(forms.TextInput):
    """The text box of a name filter; ``static/js/combobox.js`` makes it a combobox fed by ``data-suggest``."""

    def __init__(self, kind, attrs=None):
        suggest = lazy(lambda: reverse("heritage:suggest", args=[kind]), str)()
        super().__init__(attrs={"data-suggest": suggest, "autocomplete": "off", "spellcheck": "false", **(attrs or {})})


class NameChoiceField(forms.ModelChoiceField):
    """A model choice given by slug or by name (``resolve``). After ``clean``: ``record`` is the record found,
    ``typed`` the name typed when it was not the slug, ``candidates`` the records an ambiguous name fits."""

    default_error_messages = {
        "not_found": _("Nothing matches “%(value)s”. Type a name, or the beginning of one, in any spelling."),
        "ambiguous": _("Several records match “%(value)s”: choose one below."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)
        self.record, self.typed, self.candidates = None, None, []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            self.record, self.typed = resolve_value(self.queryset, value, self.error_messages)
        except ValidationError as error:
            self.candidates = getattr(error, "candidates", [])
            raise
        return self.record

    def slugs(self):
        """The slug of the record found, as the address carries it (``slug_query``)."""
        return [self.record.slug]

    def query_choosing(self, query, name, record):
        """``query`` with ``record`` in place of the ambiguous name (``did_you_mean``)."""
        query[name] = record.slug
        return query

    def prepare_value(self, value):
        # The text box shows the name of the record its slug stands for; a <select> keeps the slug (its options').
        if isinstance(self.widget, NameInput) and self.record is not None and value == self.record.slug:
            return str(self.record)
        return super().prepare_value(value)


class NamesInput(NameInput):
    """The text box of a name filter that takes several values (``NamesFilter``): the box holds one, the name of
    the last (or of the one not understood), and the others ride along as hidden inputs, so that submitting the
    form keeps them; each is shown, and removed, by its applied-filter chip."""

    def __init__(self, kind, attrs=None):
        super().__init__(kind, attrs)
        self.names, self.in_box = {}, None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.names, copy.in_box = {}, None  # each form's own
        return copy

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        values = [v for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")]
        in_box = self.in_box if self.in_box in values else (values[-1] if values else None)
        kept = list(values)
        if in_box is not None:
            kept.remove(in_box)
        hidden = format_html_join("", '<input type="hidden" name="{}" value="{}">', ((name, v) for v in kept))
        box = super().render(name, self.names.get(in_box, in_box), attrs, renderer)
        return hidden + box


class NamesChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices, each given by slug or by name (``resolve``), at most ``MAX_NAMES``: a bounded number
    of look-ups. After ``clean``: ``records`` in the order given, ``typed`` whether a name was typed, and for a
    value not understood ``failed`` (the value) and ``candidates``."""

    MAX_NAMES = 10
    default_error_messages = {
        **NameChoiceField.default_error_messages,
        "too_many": _("At most %(limit)s at once."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)
        self.records, self.typed, self.candidates, self.failed = [], False, [], None

    def clean(self, value):
        values = [v for v in (value or []) if v not in self.empty_values]
        if not values:
            return []
        if len(values) > self.MAX_NAMES:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": self.MAX_NAMES})
        records, typed = [], False
        for raw in values:
            try:
                record, typed_name = resolve_value(self.queryset, raw, self.error_messages)
            except ValidationError as error:
                self.failed, self.candidates = raw, getattr(error, "candidates", [])
                self.widget.in_box = raw
                raise
            typed = typed or typed_name is not None
            self.widget.names[record.slug] = str(record)
            if record not in records:
                records.append(record)
        # Only once every value is understood: a redirect to the slugs must carry all of them.
        self.records, self.typed = records, typed
        return records

    def prepare_value(self, value):
        if value is None:
            return []
        return [getattr(v, "slug", v) for v in (value if isinstance(value, list | tuple) else [value])]

    def slugs(self):
        return [record.slug for record in self.records]

    def query_choosing(self, query, name, record):
        query.setlist(name, [record.slug if v == self.failed else v for v in query.getlist(name)])
        return query


class NamesFilter(django_filters.ModelMultipleChoiceFilter):
    """``NameFilter`` for a parameter that may be repeated (``?with_person=a&with_person=b``); the FilterSet's
    ``method`` decides how the records combine."""

    field_class = NamesChoiceField

    def __init__(self, *args, kind, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", NamesInput(kind))
        super().__init__(*args, **kwargs)


class NameFilter(django_filters.ModelChoiceFilter):
    """A filter on one record named by slug or by name. ``kind`` names the suggestions it offers (``/suggest/<kind>/``);
    a text box unless another widget is given (the event and topic lists keep their <select> and its counts)."""

    field_class = NameChoiceField

    def __init__(self, *args, kind, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", NameInput(kind))
        super().__init__(*args, **kwargs)


def name_fields(filterset):
    """The bound form's name fields, validated, by parameter name."""
    form = filterset.form
    if not filterset.is_bound:
        return {}
    form.is_valid()
    return {name: field for name, field in form.fields.items() if isinstance(field, NameChoiceField | NamesChoiceField)}


def slug_query(filterset, query):
    """``query`` with each name that resolved to one record replaced by its slug, or None when none was typed."""
    typed = {name: field.slugs() for name, field in name_fields(filterset).items() if field.typed}
    if not typed:
        return None
    query = query.copy()
    for name, slugs in typed.items():
        query.setlist(name, slugs)
    query.pop("page", None)
    return query


def did_you_mean(filterset, query, link):
    """Give each ambiguous name field ``choices``: (label, ``link(query with that record's slug)``) per candidate."""
    for name, field in name_fields(filterset).items():
        field.choices_offered = []
        for record in field.candidates:
            chosen = field.query_choosing(query.copy(), name, record)
            chosen.pop("page", None)
            field.choices_offered.append((str(record), link(chosen)))
