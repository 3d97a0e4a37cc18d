"""Facet counts: beside each filter choice, how many rows the list would show were that choice added.

Standard faceted search: a facet's counts are taken over the current filters less that facet's own parameter,
so a second value of a multi-value facet (type, condition) counts what OR-ing it in would add to. Each facet is
one grouped query over the same FilterSet (a fixed number of queries, whatever the number of choices), and the
whole set is kept until the register next changes (``heritage.pagecache.kept_until_change``) per clean query.
A FilterSet declares its facets in ``facet_counters``: parameter name → function(filtered queryset) → {choice
key: count}, the key being the choice's value (or a model choice's primary key).
"""

import hashlib

from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import ModelChoiceField
from django.forms.utils import ErrorDict
from django.utils.translation import gettext

from heritage.pagecache import kept_until_change

FACET_CACHE_SECONDS = 3600


def facet_counts(filterset, base_queryset):
    """{facet name: {choice key: count}} for ``filterset``'s ``facet_counters``, one query per facet."""
    counts = {}
    form = filterset.form
    form.is_valid()
    for name, counter in filterset.facet_counters.items():
        others = type(filterset)(filterset.data, queryset=base_queryset)
        if not form.is_bound:
            counts[name] = dict(counter(others.qs.order_by()))
            continue
        # The values already validated, less this facet's: validating them again would cost the queries that
        # look model choices up (types, place) once more per facet.
        others.form.cleaned_data = {key: value for key, value in form.cleaned_data.items() if key != name}
        others.form._errors = ErrorDict({key: value for key, value in form.errors.items() if key != name})
        counts[name] = dict(counter(others.qs.order_by()))
    return counts


def cached_facet_counts(filterset, base_queryset, query_string):
    """``facet_counts`` kept until the register changes, keyed by the list and its clean query string."""
    digest = hashlib.sha256(query_string.encode()).hexdigest()
    key = f"facets:{type(filterset).__name__}:{digest}"
    return kept_until_change(key, lambda: facet_counts(filterset, base_queryset), FACET_CACHE_SECONDS)


def unfiltered_facet_counts(filterset_class, base_queryset):
    """The facet counts of a list with no filter applied: the very entry its unfiltered page keeps (an empty clean
    query string), so a count shown elsewhere, as on the home page, is what that list shows when it is chosen."""
    return cached_facet_counts(filterset_class(None, queryset=base_queryset), base_queryset, "")


def counted_label(label, count):
    """A choice's label with its count in the text itself, so a screen reader reads it: "Mosque (1,204)"."""
    return gettext("%(label)s (%(count)s)") % {"label": label, "count": intcomma(count)}


def label_with_counts(form, counts):
    """Write each facet's counts into its choices' labels (the empty "any" choice keeps its label)."""
    for name, by_key in counts.items():
        field = form.fields[name]
        if isinstance(field, ModelChoiceField):
            plain = field.label_from_instance
            field.label_from_instance = lambda obj, plain=plain, by_key=by_key: counted_label(
                plain(obj), by_key.get(obj.pk, 0)
            )
        else:
            # django-filter's ChoiceField adds its empty "any" choice itself when it lists them: leave it out here,
            # or it would be there twice.
            adds_empty = getattr(field, "empty_label", None) is not None
            field.choices = [
                (value, counted_label(label, by_key.get(value, 0)) if value not in ("", None) else label)
                for value, label in field.choices
                if not (adds_empty and value in ("", None))
            ]
