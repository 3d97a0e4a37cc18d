"""Public pages for meetings and the people, organizations, events and topics around them."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import DetailView

from heritage.identifiers import prefetch_identifiers
from heritage.listing import FilteredListView
from meetings.filters import MeetingFilterSet, participant_exists
from meetings.models import Event, Meeting, Organization, Outcome, Participant, Person, Topic
from monuments.models import Monument, ReportedFigure

RELATED_LIMIT = 100


def published_meetings():
    return Meeting.objects.published()


def participants_prefetch():
    # Only those the public may see. Ordered within the meeting only: the model's default order starts with the
    # meeting, which joins it.
    participants = Participant.objects.visible().select_related("person", "organization").order_by("order", "id")
    return Prefetch("participants", queryset=participants)


class MeetingListView(FilteredListView):
    template_name = "meetings/meeting_list.html"
    filterset_class = MeetingFilterSet

    def base_queryset(self):
        # A row shows no participants (partials/meeting_items.html), so none are loaded.
        return published_meetings().with_related()


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
        return context


class RelatedMeetingsView(DetailView):
    """A published record's page listing its published meetings, newest first, with a link to all of them."""

    template_name = "meetings/related_meetings.html"
    filter_param = None

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
        return context


class EventDetailView(RelatedMeetingsView):
    model = Event
    filter_param = "event"
    template_name = "meetings/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("place", "place__parent", "organizer").prefetch_related("sources")

    def meetings_for(self, obj):
        return published_meetings().filter(event=obj)


class PersonDetailView(RelatedMeetingsView):
    model = Person
    filter_param = "person"

    def meetings_for(self, obj):
        return published_meetings().filter(participant_exists(person=obj))


class OrganizationDetailView(RelatedMeetingsView):
    model = Organization
    filter_param = "organization"
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
