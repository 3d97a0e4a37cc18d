"""Public pages for meetings and the people, organizations, events and topics around them."""

from django.views.generic import DetailView, ListView

from meetings.models import Event, Meeting, Organization, Person, Topic


class MeetingListView(ListView):
    template_name = "meetings/meeting_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Meeting.objects.published().with_related()


class MeetingDetailView(DetailView):
    template_name = "meetings/meeting_detail.html"

    def get_queryset(self):
        return Meeting.objects.published().select_related("event", "place").prefetch_related("topics", "sources")


class PublishedDetailView(DetailView):
    """A detail page of a published record listing its published meetings, newest first."""

    template_name = "meetings/related_meetings.html"
    meetings_lookup = None

    def get_queryset(self):
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = Meeting.objects.published().filter(**{self.meetings_lookup: self.object}).distinct()
        context["meetings"] = meetings.with_related()[:100]
        return context


class EventDetailView(PublishedDetailView):
    model = Event
    meetings_lookup = "event"


class PersonDetailView(PublishedDetailView):
    model = Person
    meetings_lookup = "participants__person"


class OrganizationDetailView(PublishedDetailView):
    model = Organization
    meetings_lookup = "participants__organization"


class TopicDetailView(PublishedDetailView):
    model = Topic
    meetings_lookup = "topics"

    def get_queryset(self):
        return Topic.objects.all()
