"""The meeting list's filters; the list, the exports and the Atom feed all use this one FilterSet."""

import django_filters
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from heritage.listing import COUNTRY_CHOICES, DateInput, SearchField, Select
from heritage.name_filters import NameFilter, NamesFilter
from meetings.models import Event, Meeting, Organization, Participant, Person, Topic


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


SORTS = {"-date": ("-date", "title", "id"), "date": ("date", "title", "id")}


def participant_exists(**lookup):
    """Whether a meeting has a participant the public may see (``Participant.objects.visible()``) with ``lookup``:
    a hidden participant makes no meeting findable by its country, person or organization."""
    return Exists(Participant.objects.visible().filter(meeting=OuterRef("pk"), **lookup))


class MeetingFilterSet(django_filters.FilterSet):
    """Parameters are a public interface (docs/developers/urls.md): q, date_from, date_to, country, person,
    organization, with_person, with_organization, with_country, event, topic, sort. Person, organization and event
    must be published to be filtered on, and a topic must be one a published meeting has
    (``Topic.objects.in_use()``): the options list only those.

    ``country`` matches a country represented by any participant the public may see; ``date_from`` / ``date_to``
    compare the recorded date, which for a month- or year-precision meeting is the first day of that month or year.

    The ``with_`` parameters name the other side of a pair, for "who met whom" (the counterparts tables, the
    network's pairs): ``with_person`` and ``with_organization`` (repeatable: each one named took part) and
    ``with_country`` (a participant other than the ``person`` chosen, and not of the ``organization`` chosen,
    represented it). Each is one more condition, so ``?person=a&with_country=RS`` is a's meetings where someone
    else represented Serbia. Hidden participants never count, on either side.
    """

    q = SearchFilter(label=_("Search"), method="filter_q")
    date_from = django_filters.DateFilter(
        label=_("From (date)"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(label=_("To (date)"), field_name="date", lookup_expr="lte", widget=DateInput)
    country = django_filters.ChoiceFilter(
        label=_("Country represented"),
        choices=COUNTRY_CHOICES,
        method="filter_country",
        empty_label=_("Any country"),
        widget=Select,
    )
    # A name in any spelling, or a slug (heritage.name_filters); addresses carry the slug.
    person = NameFilter(
        kind="person",
        label=_("Person"),
        queryset=Person.objects.published(),
        method="filter_person",
    )
    organization = NameFilter(
        kind="organization",
        label=_("Organization"),
        queryset=Organization.objects.published(),
        method="filter_organization",
    )
    # The other side of a pair: see the class's docstring.
    with_person = NamesFilter(
        kind="person",
        label=_("With person"),
        help_text=_("Meetings this person also took part in."),
        queryset=Person.objects.published(),
        method="filter_with_person",
    )
    with_organization = NamesFilter(
        kind="organization",
        label=_("With organization"),
        help_text=_("Meetings this organization also took part in."),
        queryset=Organization.objects.published(),
        method="filter_with_organization",
    )
    with_country = django_filters.ChoiceFilter(
        label=_("With country represented"),
        help_text=_("Meetings where someone other than the person or organization chosen represented this country."),
        choices=COUNTRY_CHOICES,
        method="filter_with_country",
        empty_label=_("Any country"),
        widget=Select,
    )
    event = NameFilter(
        kind="event",
        label=_("Event"),
        # Only what an <option> shows: every list page draws all published events.
        queryset=Event.objects.published().only("slug", "name", "short_name"),
        field_name="event",
        empty_label=_("Any event"),
        widget=Select,
    )
    topic = NameFilter(
        kind="topic",
        label=_("Topic"),
        queryset=Topic.objects.in_use().only("slug", "name"),
        method="filter_topic",
        empty_label=_("Any topic"),
        widget=Select,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[("-date", _("Newest first")), ("date", _("Oldest first"))],
        method="filter_sort",
        empty_label=_("Relevance or newest"),
        widget=Select,
    )

    # Facet counts (heritage.facets): one grouped query each over the list's other filters. A meeting counts once
    # per country or topic however many of its participants share it; hidden participants never count.
    facet_counters = {
        "event": lambda qs: qs.exclude(event=None).values_list("event_id").annotate(n=Count("pk")).order_by(),
        "topic": lambda qs: (
            Meeting.topics.through.objects.filter(meeting_id__in=qs.values("pk"))
            .values_list("topic_id")
            .annotate(n=Count("meeting_id", distinct=True))
            .order_by()
        ),
        "country": lambda qs: (
            Participant.objects.visible()
            .filter(meeting__in=qs.values("pk"))
            .exclude(represented_country="")
            .values_list("represented_country")
            .annotate(n=Count("meeting", distinct=True))
            .order_by()
        ),
    }

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_country(self, queryset, name, value):
        return queryset.filter(participant_exists(represented_country=value))

    def filter_person(self, queryset, name, person):
        return queryset.filter(participant_exists(person=person))

    def filter_organization(self, queryset, name, organization):
        return queryset.filter(participant_exists(organization=organization))

    def filter_with_person(self, queryset, name, people):
        for person in people:
            queryset = queryset.filter(participant_exists(person=person))
        return queryset

    def filter_with_organization(self, queryset, name, organizations):
        for organization in organizations:
            queryset = queryset.filter(participant_exists(organization=organization))
        return queryset

    def filter_with_country(self, queryset, name, value):
        # Someone else: not the person chosen (in any of their roles), not one of the organization chosen.
        others = Participant.objects.visible().filter(meeting=OuterRef("pk"), represented_country=value)
        chosen = self.form.cleaned_data
        if chosen.get("person"):
            others = others.exclude(person=chosen["person"])
        if chosen.get("organization"):
            others = others.exclude(organization=chosen["organization"])
        return queryset.filter(Exists(others))

    def filter_topic(self, queryset, name, topic):
        return queryset.filter(Exists(Meeting.topics.through.objects.filter(meeting_id=OuterRef("pk"), topic=topic)))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        # With a search and no explicit sort, keep the order search() gives (relevance, once it ranks).
        if not data.get("sort") and not data.get("q"):
            queryset = queryset.order_by(*SORTS["-date"])
        return queryset
