"""The monument list's filters; the list, the map, the map data and the exports all use this one FilterSet."""

import functools

import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from heritage.facets import FACET_CACHE_SECONDS
from heritage.listing import COUNTRY_CHOICES, CheckboxChoices, NumberInput, SearchField, Select
from heritage.models import Place
from heritage.name_filters import NameFilter
from heritage.pagecache import kept_until_change
from monuments.models import BUILT_YEAR, YEAR_VALIDATORS, Condition, MonumentType, Registration, Significance
from monuments.risk import RiskList, RiskListing, current_condition

# The risk filter's own values beside the lists' slugs (no list's slug can be either: a slug has no "=").
RISK_ANY, RISK_CURRENT = "any", "now"


def risk_choices():
    """On any list ever, on one now, or on a given list: the lists a published monument is on (a list no public
    listing names is not offered). Read when the form is drawn or a list is asked for, not when the filter is
    absent, and kept until the register changes (one query on the first list page after a change)."""
    lists = kept_until_change(
        "risk-lists-in-use",
        lambda: list(RiskList.objects.in_use().values_list("slug", "name")),
        FACET_CACHE_SECONDS,
    )
    return [(RISK_ANY, _("On a list, now or before")), (RISK_CURRENT, _("On a list now")), *map(tuple, lists)]


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class TypeFilter(django_filters.ModelMultipleChoiceFilter):
    """Types by slug in the URL, compared by id on the monument's own column: no join of the types table."""

    def get_filter_predicate(self, v):
        return {self.field_name: v}


class YearFilter(django_filters.NumberFilter):
    # Integers in the model's own range: a huge number never reaches the SmallIntegerField column.
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", NumberInput)
        super().__init__(*args, **kwargs)


YEAR_MIN = YEAR_VALIDATORS[0].limit_value
YEAR_MAX = YEAR_VALIDATORS[1].limit_value

SORTS = {
    "name": ("name", "id"),
    "-updated": ("-updated_at", "-id"),
    "built": (F("built_year").asc(nulls_last=True), "name", "id"),
}


def registered_counts(queryset):
    registered = Exists(Registration.objects.filter(monument=OuterRef("pk")))
    totals = queryset.aggregate(yes=Count("pk", filter=Q(registered)), all=Count("pk"))
    return {"yes": totals["yes"], "no": totals["all"] - totals["yes"]}.items()


def risk_counts(queryset):
    """Monuments of ``queryset`` on each choice of the risk filter, in one query: on any list now or before, on
    one now, on each list (public listings only, as ``filter_risk`` reads them)."""
    listings = RiskListing.objects.public().filter(monument__in=queryset.values("pk"))
    slugs = [value for value, _label in risk_choices() if value not in (RISK_ANY, RISK_CURRENT)]
    monuments = functools.partial(Count, "monument", distinct=True)
    totals = listings.aggregate(
        any=monuments(),
        now=monuments(filter=current_condition()),
        **{f"list{i}": monuments(filter=Q(risk_list__slug=slug)) for i, slug in enumerate(slugs)},
    )
    by_list = {slug: totals[f"list{i}"] for i, slug in enumerate(slugs)}
    return {RISK_ANY: totals["any"], RISK_CURRENT: totals["now"], **by_list}.items()


class MonumentFilterSet(django_filters.FilterSet):
    """Parameters are a public interface (see DESIGN.md): q, type, condition, country, place, significance,
    registered, risk, built_after, built_before, sort.

    ``risk``: ``any`` (on a list of heritage at risk, now or before), ``now`` (a listing in force today) or a
    list's slug (on that list, now or before); public listings only.

    ``built_after`` / ``built_before`` compare the year construction began (the end year when the start is
    unknown), the same year that ``sort=built`` orders by.
    """

    q = SearchFilter(label=_("Search"), method="filter_q")
    # distinct=False on both multiple-choice filters: each compares a column of the monument itself, so no join
    # can repeat a row, and SELECT DISTINCT made PostgreSQL sort every match before taking a page.
    type = TypeFilter(
        label=_("Type"),
        field_name="monument_type",
        to_field_name="slug",
        distinct=False,
        # Only types a published monument has, as choices and as accepted values: a type only drafts have is private.
        queryset=MonumentType.objects.in_use(),
        widget=CheckboxChoices,
    )
    condition = django_filters.MultipleChoiceFilter(
        label=_("Current condition"),
        field_name="current_condition",
        choices=Condition.choices,
        distinct=False,
        widget=CheckboxChoices,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="place__country",
        choices=COUNTRY_CHOICES,
        empty_label=_("Any country"),
        widget=Select,
    )
    # A name in any spelling, or a slug (heritage.name_filters); addresses carry the slug.
    place = NameFilter(
        kind="place",
        label=_("Place"),
        queryset=Place.objects.select_related("parent"),
        method="filter_place",
        help_text=_("Includes the places inside it."),
    )
    significance = django_filters.ChoiceFilter(
        label=_("Registered significance"),
        choices=Significance.choices,
        method="filter_significance",
        empty_label=_("Any"),
        widget=Select,
    )
    registered = django_filters.ChoiceFilter(
        label=_("State-registered"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        method="filter_registered",
        empty_label=_("Either"),
        widget=Select,
    )
    risk = django_filters.ChoiceFilter(
        label=_("On a list of heritage at risk"),
        choices=risk_choices,
        method="filter_risk",
        empty_label=_("Either"),
        widget=Select,
    )
    built_after = YearFilter(
        label=_("Built in or after (year)"), method="filter_built_after", min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    built_before = YearFilter(
        label=_("Built in or before (year)"), method="filter_built_before", min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[("name", _("Name")), ("-updated", _("Recently updated")), ("built", _("Construction date"))],
        method="filter_sort",
        empty_label=_("Relevance or name"),
        widget=Select,
    )

    # Facet counts (heritage.facets): one grouped query each over the list's other filters.
    facet_counters = {
        "type": lambda qs: qs.values_list("monument_type_id").annotate(n=Count("pk")).order_by(),
        "condition": lambda qs: qs.values_list("current_condition").annotate(n=Count("pk")).order_by(),
        "country": lambda qs: qs.values_list("place__country").annotate(n=Count("pk")).order_by(),
        "significance": lambda qs: (
            Registration.objects.filter(monument__in=qs.values("pk"))
            .values_list("significance")
            .annotate(n=Count("monument", distinct=True))
            .order_by()
        ),
        "registered": lambda qs: registered_counts(qs),
        "risk": lambda qs: risk_counts(qs),
    }

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_place(self, queryset, name, place):
        return queryset.filter(place__path__startswith=place.path)

    def filter_significance(self, queryset, name, value):
        return queryset.filter(Exists(Registration.objects.filter(monument=OuterRef("pk"), significance=value)))

    def filter_registered(self, queryset, name, value):
        registered = Exists(Registration.objects.filter(monument=OuterRef("pk")))
        return queryset.filter(registered if value == "yes" else ~registered)

    def filter_risk(self, queryset, name, value):
        listings = RiskListing.objects.public().filter(monument=OuterRef("pk"))
        if value == RISK_CURRENT:
            listings = listings.filter(current_condition())
        elif value != RISK_ANY:
            listings = listings.filter(risk_list__slug=value)
        return queryset.filter(Exists(listings))

    # One expression, the one the (status, built year) index holds, so both bounds and the order are a range
    # scan of that index (an OR of the two columns could use no index at all).
    def filter_built_after(self, queryset, name, year):
        return queryset.alias(built_year=BUILT_YEAR).filter(built_year__gte=year)

    def filter_built_before(self, queryset, name, year):
        return queryset.alias(built_year=BUILT_YEAR).filter(built_year__lte=year)

    def filter_sort(self, queryset, name, value):
        return queryset.alias(built_year=BUILT_YEAR).order_by(*SORTS[value])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        # With a search and no explicit sort, keep the order search() gives (relevance, once it ranks).
        if not data.get("sort") and not data.get("q"):
            queryset = queryset.order_by(*SORTS["name"])
        return queryset
