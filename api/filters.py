"""Filters of the API lists that have no public list page (people, organizations, events, places, sources,
figures). Monuments and meetings use their lists' own FilterSets (monuments/filters.py, meetings/filters.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from heritage.listing import COUNTRY_CHOICES, SearchField
from heritage.models import PlaceKind, SourceKind
from meetings.models import EventKind, OrganizationKind
from monuments.models import Condition


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def search(queryset, name, value):
    return queryset.search(value) if value else queryset


def country_filter(label, field_name="country"):
    return django_filters.ChoiceFilter(label=label, field_name=field_name, choices=COUNTRY_CHOICES)


class PersonFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method=search)
    country = country_filter(_("Country"))


class OrganizationFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method=search)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganizationKind.choices)
    country = country_filter(_("Country"))


class EventFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method=search)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)


class PlaceFilterSet(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), method=search)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PlaceKind.choices)
    country = country_filter(_("Country"))


class SourceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SourceKind.choices)


class FigureFilterSet(django_filters.FilterSet):
    condition = django_filters.ChoiceFilter(label=_("Condition counted"), choices=Condition.choices)
    country = country_filter(_("Country"))
