"""Public pages for meetings and the people, organizations, events and topics around them."""

import hashlib

from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django_countries.fields import Country

from heritage.charts import bar_chart, by_period
from heritage.identifiers import prefetch_identifiers
from heritage.listing import CleanQueryMixin, FilteredListView, applied_filters, clean_address, clean_query, filter_data
from heritage.name_filters import slug_query
from heritage.pagecache import kept_until_change
from meetings import linked_data
from meetings.filters import MeetingFilterSet, participant_exists
from meetings.models import Event, Meeting, Organization, Outcome, Participant, Person, Topic
from meetings.network import FIELDS, meeting_network
from monuments.models import Monument, ReportedFigure

RELATED_LIMIT = 100


def published_meetings():
    return Meeting.objects.published()


def participants_prefetch():
    # Only those the public may see. Ordered within the meeting only: the model's default order starts with the
    # meeting, which joins it.
    participants = Participant.objects.visible().select_related("person", "organization").order_by("order", "id")
    return Prefetch("participants", queryset=participants)


def meetings_chart(year_counts):
    """Meetings per year (per decade over a long span) as a chart with its table (heritage.charts)."""
    return bar_chart(by_period(year_counts), _("Meetings per year"))


class MeetingListView(FilteredListView):
    template_name = "meetings/meeting_list.html"
    filterset_class = MeetingFilterSet

    def base_queryset(self):
        # A row shows no participants (partials/meeting_items.html), so none are loaded.
        return published_meetings().with_related()

    def facet_queryset(self):
        return published_meetings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted over every matching meeting, not the page: kept until the register changes, per filter set.
        query = context["query_string"]
        key = "meetings-by-year:" + hashlib.sha256(query.encode()).hexdigest()
        counts = kept_until_change(key, self.get_filterset().qs.count_by_year, timeout=3600)
        context["by_year"] = meetings_chart(counts)
        return context


class MeetingNetworkView(CleanQueryMixin, TemplateView):
    """Who met whom among the meetings the list's filters select (``meetings.network``), by person (``by=person``,
    the default) or by organization (``by=organization``). Invalid values are ignored and the page says so."""

    template_name = "meetings/meeting_network.html"

    def get(self, request, *args, **kwargs):
        self.filterset = MeetingFilterSet(filter_data(request), queryset=published_meetings())
        # As on the list: a name typed for a person or organization that fits one record redirects to its slug.
        query = slug_query(self.filterset, request.GET)
        if query is not None:
            return HttpResponseRedirect(clean_address(request.path, query))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = self.request.GET.get("by", "person")
        context["invalid_by"] = by if by not in FIELDS else None
        field = by if by in FIELDS else "person"
        filterset = self.filterset
        context["network"] = meeting_network(filterset.qs, field)
        context["applied_filters"] = applied_filters(filterset, self.request)
        context["filter_errors"] = [
            (filterset.form[name].label, error) for name, errors in filterset.form.errors.items() for error in errors
        ]
        # The list's filters without "by" and without any value that was ignored, for the links out of the page.
        query = self.request.GET.copy()
        for name in ["by", "page", *filterset.form.errors]:
            query.pop(name, None)
        context["list_query"] = clean_query(query).urlencode()
        context["switch_query"] = {name: clean_query(self.query_with(query, by=name)).urlencode() for name in FIELDS}
        for edge in context["network"]["edges"]:
            for end in ("first", "second"):
                edge[end]["list_url"] = self.list_url(query, field, edge[end]["record"])
            edge["list_url"] = self.pair_url(query, field, edge["first"]["record"], edge["second"]["record"])
        return context

    @staticmethod
    def pair_url(query, field, first, second):
        """The meeting list under the same filters, of the meetings both ``first`` and ``second`` were at: what
        the pair's count counts (``with_person`` / ``with_organization``, which may be repeated, added for each of
        the two that the filters do not name already)."""
        query = query.copy()
        with_param = f"with_{field}"
        named = {query.get(field), *query.getlist(with_param)}
        for record in (first, second):
            if record.slug not in named:
                query.appendlist(with_param, record.slug)
        return reverse("meetings:meeting_list") + "?" + clean_query(query).urlencode()

    @staticmethod
    def query_with(query, **values):
        query = query.copy()
        for name, value in values.items():
            query[name] = value
        return query

    def list_url(self, query, field, record):
        return (
            reverse("meetings:meeting_list")
            + "?"
            + clean_query(self.query_with(query, **{field: record.slug})).urlencode()
        )


class MeetingDetailView(DetailView):
    template_name = "meetings/meeting_detail.html"

    def get_queryset(self):
        return (
            published_meetings()
            .select_related("event", "place", "place__parent")
            .prefetch_related(
                "topics",
                "sources",
                participants_prefetch(),
                Prefetch(
                    "outcomes",
                    queryset=Outcome.objects.public()
                    .select_related("stated_by")
                    .order_by("id")
                    .prefetch_related(Prefetch("parties", queryset=Organization.objects.published()), "sources"),
                ),
                Prefetch("monuments", queryset=Monument.objects.published().as_items()),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["permalink"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["accessed_on"] = timezone.localdate()
        context["json_ld"] = linked_data.meeting_json_ld(self.request, self.object)
        return context


# The meeting list's parameter for each side of a pair (meetings.filters.MeetingFilterSet): the record or country
# asked about, and who met it.
PAIR_PARAMS = {
    "person": ("person", "with_person"),
    "organization": ("organization", "with_organization"),
    "represented_country": ("country", "with_country"),
}


def shared_meetings_url(field, one, other):
    """The meeting list of the meetings ``one`` and ``other`` (records of ``field``, or country codes for
    "represented_country") shared: as many rows as ``ParticipantQuerySet.counterparts`` counts for the two."""
    param, with_param = PAIR_PARAMS[field]
    query = {param: getattr(one, "slug", one), with_param: getattr(other, "slug", other)}
    return reverse("meetings:meeting_list") + "?" + urlencode(query)


def counterparts(field, meetings, excluded):
    """Who met a person, an organization or a country most often (``ParticipantQuerySet.counterparts``), as rows
    of (record or country, meetings, first year, last year, the list of those meetings) for
    ``partials/counterparts.html``."""
    rows = Participant.objects.counterparts(field, meetings.values("pk"), excluded)
    if field == "represented_country":
        return [
            (Country(code), n, first, last, shared_meetings_url(field, excluded, code)) for code, n, first, last in rows
        ]
    model = Participant._meta.get_field(field).related_model
    records = model.objects.in_bulk([pk for pk, *_ in rows])
    return [
        (records[pk], n, first, last, shared_meetings_url(field, excluded, records[pk])) for pk, n, first, last in rows
    ]


def network_url(name, value, by="person"):
    """The network of the meetings the list finds for ``name=value`` (``MeetingNetworkView``)."""
    query = {name: value, **({"by": by} if by != "person" else {})}
    return reverse("meetings:meeting_network") + "?" + urlencode(query)


class RelatedMeetingsView(DetailView):
    """A published record's page listing its published meetings, newest first, with a link to all of them, and
    (``counterpart_field``) who met it most often."""

    template_name = "meetings/related_meetings.html"
    filter_param = None
    counterpart_field = None
    # A function (request, record) giving the page's schema.org markup (meetings.linked_data), if it has one.
    json_ld = None

    def get_queryset(self):
        queryset = self.model.objects.published()
        if self.has_identifiers():
            queryset = queryset.prefetch_related(prefetch_identifiers(self.model))
        return queryset

    def has_identifiers(self):
        return any(f.name == "identifiers" for f in self.model._meta.get_fields())

    def meetings_for(self, obj):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = self.meetings_for(self.object).with_related().order_by("-date", "title")
        meetings = list(meetings[: RELATED_LIMIT + 1])
        context["meetings"] = meetings[:RELATED_LIMIT]
        context["identifiers"] = list(self.object.identifiers.all()) if self.has_identifiers() else []
        context["more_meetings"] = len(meetings) > RELATED_LIMIT
        context["all_meetings_url"] = (
            reverse("meetings:meeting_list") + "?" + urlencode({self.filter_param: self.object.slug})
        )
        if self.json_ld is not None:
            context["json_ld"] = self.json_ld(self.request, self.object)
        context["by_year"] = meetings_chart(self.meetings_for(self.object).count_by_year())
        if self.counterpart_field:
            context["counterparts"] = counterparts(self.counterpart_field, self.meetings_for(self.object), self.object)
            context["network_url"] = network_url(self.filter_param, self.object.slug, by=self.counterpart_field)
        return context


class EventDetailView(RelatedMeetingsView):
    model = Event
    filter_param = "event"
    json_ld = staticmethod(linked_data.event_json_ld)
    template_name = "meetings/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("place", "place__parent", "organizer").prefetch_related("sources")

    def meetings_for(self, obj):
        return published_meetings().filter(event=obj)


class PersonDetailView(RelatedMeetingsView):
    model = Person
    filter_param = "person"
    counterpart_field = "person"
    json_ld = staticmethod(linked_data.person_json_ld)

    def meetings_for(self, obj):
        return published_meetings().filter(participant_exists(person=obj))


class OrganizationDetailView(RelatedMeetingsView):
    model = Organization
    filter_param = "organization"
    counterpart_field = "organization"
    json_ld = staticmethod(linked_data.organization_json_ld)
    template_name = "meetings/organization_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def meetings_for(self, obj):
        return published_meetings().filter(participant_exists(organization=obj))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = (
            ReportedFigure.objects.published().filter(reported_by=self.object).select_related("source")[:50]
        )
        return context


class TopicDetailView(RelatedMeetingsView):
    model = Topic
    filter_param = "topic"

    def get_queryset(self):
        return Topic.objects.in_use()  # a topic only drafts have is a 404

    def meetings_for(self, obj):
        return published_meetings().filter(topics=obj)
