"""What every public list shares: a capped paginator, the filtered list view and the "applied filters" chips.

A list never counts more than ``CappedPaginator.cap + 1`` rows, so a million matching monuments cost the same
as ten thousand and one; the page says "more than 10,000" and pages past the cap are a 404.
"""

import datetime
import html
import re

from django import forms
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import HttpResponseRedirect, QueryDict
from django.utils import formats
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import ListView
from django_countries import countries

from heritage.facets import cached_facet_counts, label_with_counts
from heritage.name_filters import did_you_mean, slug_query
from heritage.search import SEARCH_MAX_LENGTH, clean_text


def filter_data(request):
    """The query string for a FilterSet, with control characters removed from every value (``None`` if empty).

    Done once here so that no filter, message or re-rendered form field ever carries a NUL or an escape code.
    """
    if not request.GET:
        return None
    data = request.GET.copy()
    for key in data:
        data.setlist(key, [clean_text(value) for value in data.getlist(key)])
    return data


def clean_query(query):
    """``query`` (a QueryDict) with only what applies: blank values (empty or white space) and ``page=1`` dropped.

    The form sends every field, filled or not (``?q=&condition=destroyed&country=&…``); the clean form of that
    address is ``?condition=destroyed``, the one to share, bookmark and cache. Values are kept as given
    (an invalid one too, control characters included: the page says what is wrong with it), and so is the order
    of the parameters.
    """
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [value for value in values if value.strip()]
        if key == "page" and kept == ["1"]:
            continue
        if kept:
            clean.setlist(key, kept)
    return clean


def clean_link(path, query):
    """A link within the page at ``path`` to the clean form of ``query``: ``?…``, or the bare ``path`` when nothing
    applies (never a lone ``?``, which would keep the address as it was)."""
    encoded = clean_query(query).urlencode()
    return f"?{encoded}" if encoded else path


def clean_address(path, query):
    """The whole clean address, ``path?…`` or ``path`` alone: where a page with blank parameters redirects."""
    link = clean_link(path, query)
    return path + link if link.startswith("?") else link


def has_blank_values(query):
    return any(not value.strip() for _key, values in query.lists() for value in values)


class CleanQueryMixin:
    """A page reached with blank parameters redirects to its clean address (``clean_query``).

    This is what makes a filtered address clean without JavaScript; with it, ``static/js/filters.js`` leaves the
    blank fields out of the submission and no redirect is needed. Only blank values redirect: ``page=1`` arrives
    from links made before, not from the form, and is served as it is (links drawn here never carry it).
    """

    def get(self, request, *args, **kwargs):
        if has_blank_values(request.GET):
            return HttpResponseRedirect(clean_address(request.path, request.GET))
        return super().get(request, *args, **kwargs)


class SearchField(forms.CharField):
    """The ``q`` field: control characters dropped, at most SEARCH_MAX_LENGTH characters."""

    widget = forms.SearchInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        # A NUL is turned into a space by clean_text below, so the default NUL validator has nothing to refuse.
        self.validators = [v for v in self.validators if type(v).__name__ != "ProhibitNullCharactersValidator"]

    def to_python(self, value):
        return clean_text(super().to_python(value))


class NumberInput(forms.NumberInput):
    """A number box that shows a submitted value only when it is a number.

    ``<input type=number value="soon">`` is invalid HTML (browsers show it empty anyway); the field's error
    message beside it says what was wrong.
    """

    def format_value(self, value):
        value = super().format_value(value)
        return value if value is None or re.fullmatch(r"-?\d+", str(value)) else None


class DateInput(forms.DateInput):
    """A date picker whose value is always an ISO date, as ``type=date`` requires, or empty when not a date."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            value = parse_date(value)
        return value.isoformat() if isinstance(value, datetime.date) else None


def _html(text):
    """``text`` escaped for HTML, unless it is already safe (``conditional_escape`` without its per-call cost)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class Select(forms.Select):
    """A ``<select>`` drawn in Python rather than through one template per ``<option>``.

    Django renders every option through ``select_option.html`` and ``attrs.html``: for the 250 countries, 200
    events and 60 topics of the meeting filters that was most of the page's time (bench/RESULTS.md, "Figures
    behind the code"). The markup is
    the same (the ``selected`` rule too: the first matching option only). Every filter form's select uses it.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = self.format_value(value)
        options, found = [], False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an <optgroup>: none in the filters, Django draws it
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in chosen
            found |= selected
            options.append(
                f'<option value="{html.escape(option_value)}"{" selected" if selected else ""}>{_html(label)}</option>'
            )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(attrs), mark_safe("\n".join(options)))


class CheckboxChoices(forms.CheckboxSelectMultiple):
    """A filter's checkboxes, each inside its ``<label class="choice">``, drawn in Python (see ``Select``).

    The filter form puts them in a ``<fieldset>`` whose ``<legend>`` is the field's label.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        groups = self.optgroups(name, self.format_value(value), attrs)
        return format_html_join(
            "\n",
            '<label class="choice"><input type="checkbox" name="{}" value="{}"{}> {}</label>',
            ((name, o["value"], flatatt(o["attrs"]), o["label"]) for _g, options, _i in groups for o in options),
        )


class ChoicesPerLanguage(BaseChoiceIterator):
    """Choices built by ``function`` once per language, then shared by every form.

    For long fixed lists such as the countries: a form deep-copies its fields' choices each time it is made
    (``ChoiceField.__deepcopy__``), which for 250 countries is a visible cost on every page; these are not
    copied. Built in the reader's language, so the country names are translated and sorted as they read.
    """

    def __init__(self, function):
        self.function = function
        self._by_language = {}

    def __iter__(self):
        language = get_language()
        choices = self._by_language.get(language)
        if choices is None:
            choices = self._by_language[language] = [tuple(choice) for choice in self.function()]
        return iter(choices)

    def __len__(self):
        return sum(1 for _choice in self)

    def __deepcopy__(self, memo):
        return self


# The country filters' choices: ISO 3166-1 codes and their names in the reader's language.
COUNTRY_CHOICES = ChoicesPerLanguage(lambda: [(country.code, country.name) for country in countries])


def parse_date(text):
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap + 1`` rows (one sliced sub-query) and so knows when it is capped."""

    cap = 10_000

    @cached_property
    def true_count_exceeds_cap(self):
        return self._capped_count > self.cap

    @cached_property
    def _capped_count(self):
        object_list = self.object_list
        if hasattr(object_list, "values"):
            # values("pk") drops annotations the count does not need; the slice makes it a LIMITed sub-query.
            return object_list.order_by().values("pk")[: self.cap + 1].count()
        return min(len(object_list), self.cap + 1)

    @cached_property
    def count(self):
        return min(self._capped_count, self.cap)

    def page(self, number):
        """As Paginator.page, but the page's rows are found by primary key in a narrow sub-query first.

        The sub-query orders and limits the matches on the order's columns alone, so an index holding the order
        hands over the page's keys without a sort; the outer query then computes the wide rows and their
        per-row sub-queries (a monument's condition provenance) for those rows only. Done in one query, so the
        query count of a list page does not change with its filters. Without it, PostgreSQL computed the
        selected columns of every row OFFSET skipped (page 200: the provenance of 9,950 rows nobody sees) and,
        whenever the order had to be sorted, of every match (bench/RESULTS.md, "Figures behind the code").
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        object_list = self.object_list
        if hasattr(object_list, "values"):
            object_list = object_list.filter(pk__in=object_list.values("pk")[bottom:top])
            return self._get_page(object_list, number, self)
        return self._get_page(object_list[bottom:top], number, self)


class FilteredListView(CleanQueryMixin, ListView):
    """A list driven by a django-filter FilterSet, paginated with ``CappedPaginator``, at a clean address.

    Invalid filter values are ignored (the rest of the filters still apply) and the form shows why, next to
    the field. A page number that is not a number or lies past the end is a 404, as in Django's ListView.
    """

    filterset_class = None
    paginate_by = 50
    paginator_class = CappedPaginator

    def base_queryset(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        # A name typed into a name filter that fits one record: the same list at the clean address with its slug.
        query = slug_query(self.get_filterset(), request.GET)
        if query is not None:
            return HttpResponseRedirect(clean_address(request.path, query))
        return super().get(request, *args, **kwargs)

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = self.filterset_class(filter_data(self.request), queryset=self.base_queryset())
        return self._filterset

    def get_queryset(self):
        return self.get_filterset().qs

    def facet_queryset(self):
        """What facet counts are taken over: the published rows, without what only the list's rows draw."""
        return self.base_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        context["filterset"] = filterset
        did_you_mean(filterset, self.request.GET, lambda query: clean_link(self.request.path, query))
        context["applied_filters"] = applied_filters(filterset, self.request)
        paginator = context["paginator"]
        page = context["page_obj"]
        context["result_count"] = paginator.count
        context["result_count_capped"] = paginator.true_count_exceeds_cap
        context["page_range"] = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        # For the export, map and feed links: the same filters, less the page and any value that was ignored.
        query = self.request.GET.copy()
        for name in ["page", *filterset.form.errors]:
            query.pop(name, None)
        context["query_string"] = clean_query(query).urlencode()
        if getattr(filterset, "facet_counters", None):
            counts = cached_facet_counts(filterset, self.facet_queryset(), context["query_string"])
            label_with_counts(filterset.form, counts)
        return context


def applied_filters(filterset, request):
    """One chip per applied filter value: its label, its value as people read it, and the URL without it.

    Repeatable parameters (``type``, ``condition``) give one chip per value, each removing only itself.
    Invalid parameters were ignored by the filterset, so they get no chip (the form says what was wrong).
    """
    if not filterset.is_bound:
        return []
    filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    chips = []
    for name, field in filterset.form.fields.items():
        value = cleaned.get(name)
        if value is None or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        raw_values = [v for v in request.GET.getlist(name) if v]
        if isinstance(field, forms.ModelMultipleChoiceField):
            by_key = {str(getattr(obj, field.to_field_name or "pk")): obj for obj in value}
            shown = [(raw, str(by_key[raw])) for raw in raw_values if raw in by_key]
        elif isinstance(field, forms.MultipleChoiceField):
            labels = {str(k): str(v) for k, v in field.choices}
            shown = [(raw, labels.get(raw, raw)) for raw in raw_values]
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels = {str(k): str(v) for k, v in field.choices}
            shown = [(raw_values[-1], labels.get(str(value), str(value)))] if raw_values else []
        else:
            shown = [(raw_values[-1], str(value))] if raw_values else []
        for raw, text in shown:
            remaining = request.GET.copy()
            remaining.setlist(name, [v for v in request.GET.getlist(name) if v != raw])
            remaining.pop("page", None)
            remove_url = clean_link(request.path, remaining)
            chips.append({"name": name, "label": field.label, "value": text, "remove_url": remove_url})
    return chips


def filter_errors(filterset):
    """The invalid parameters of a bound filterset, by name, for exports and feeds (never echoes the input)."""
    if not filterset.is_bound or filterset.is_valid():
        return []
    return sorted(filterset.form.errors)
