"""Public pages for meetings and the people, organizations, events and topics around them, and meeting exports."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from heritage.exports import CHUNK_SIZE, invalid_filters_response, rows_in_a_transaction, stream_csv, stream_json
from heritage.listing import FilteredListView, filter_data, filter_errors
from meetings.filters import MeetingFilterSet, participant_exists
from meetings.models import Event, Meeting, Organization, Outcome, Participant, Person, Topic
from monuments.models import Monument, ReportedFigure

RELATED_LIMIT = 100


def published_meetings():
    return Meeting.objects.published()


def participants_prefetch():
    # Ordered within the meeting only: the model's default order starts with the meeting, which joins it.
    participants = Participant.objects.select_related("person", "organization").order_by("order", "id")
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
                    queryset=Outcome.objects.order_by("id").prefetch_related(
                        Prefetch("parties", queryset=Organization.objects.published())
                    ),
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
        return self.model.objects.published()

    def meetings_for(self, obj):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = self.meetings_for(self.object).with_related().order_by("-date", "title")
        meetings = list(meetings[: RELATED_LIMIT + 1])
        context["meetings"] = meetings[:RELATED_LIMIT]
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
        return Topic.objects.all()

    def meetings_for(self, obj):
        return published_meetings().filter(topics=obj)


# Export columns. Participants, topics and sources are joined into one cell each, separated by " | ".
EXPORT_COLUMNS = [
    "slug",
    "url",
    "title",
    "date",
    "date_precision",
    "event",
    "place",
    "format",
    "summary",
    "participants",
    "countries_represented",
    "topics",
    "outcomes",
    "sources",
    "updated_at",
]


def _participant_text(participant):
    # Drafts stay private: an unpublished person or organization is not named.
    person = participant.person if participant.person and participant.person.is_published else None
    org = participant.organization if participant.organization and participant.organization.is_published else None
    who = str(person or participant.description or org or _("(not yet published)"))
    details = ", ".join(str(x) for x in (participant.role, org if person and org else None) if x)
    country = participant.represented_country.code if participant.represented_country else ""
    return who + (f" ({details})" if details else "") + (f" [{country}]" if country else "")


def export_rows(queryset, request):
    """Export rows as dicts, from model instances in chunks (prefetching per chunk keeps memory flat)."""
    base = request.build_absolute_uri("/").rstrip("/")
    meetings = queryset.select_related("event", "place", "place__parent").prefetch_related(
        "topics", "sources", "outcomes", participants_prefetch()
    )
    for m in rows_in_a_transaction(queryset.db, meetings.iterator(chunk_size=CHUNK_SIZE)):
        yield _export_row(m, base)


def _export_row(m, base):
    participants = list(m.participants.all())
    return {
        "slug": m.slug,
        "url": base + m.get_absolute_url(),
        "title": m.title,
        "date": m.date,
        "date_precision": m.date_precision,
        "event": str(m.event) if m.event and m.event.is_published else "",
        "place": str(m.place) if m.place else "",
        "format": m.format,
        "summary": m.summary,
        "participants": " | ".join(_participant_text(p) for p in participants),
        "countries_represented": " | ".join(
            sorted({p.represented_country.code for p in participants if p.represented_country})
        ),
        "topics": " | ".join(t.name for t in m.topics.all()),
        "outcomes": " | ".join(f"{o.kind}: {o.text}" for o in m.outcomes.all()),
        "sources": " | ".join(f"{s} <{s.url}>" if s.url else str(s) for s in m.sources.all()),
        "updated_at": m.updated_at,
    }


def _filename(ext):
    return f"meetings-{datetime.date.today().isoformat()}.{ext}"


def _filtered(request):
    filterset = MeetingFilterSet(filter_data(request), queryset=published_meetings())
    return filterset, filter_errors(filterset)


def export_csv(request):
    filterset, errors = _filtered(request)
    if errors:
        return invalid_filters_response(errors)
    rows = ([row[c] for c in EXPORT_COLUMNS] for row in export_rows(filterset.qs, request))
    return stream_csv(_filename("csv"), EXPORT_COLUMNS, rows)


def export_json(request):
    filterset, errors = _filtered(request)
    if errors:
        return invalid_filters_response(errors)
    meta = {
        "generated_at": timezone.now(),
        "query": request.GET.urlencode(),
        "note": _("Accounts and outcomes are as reported by the sources named with each meeting."),
    }
    return stream_json(_filename("json"), export_rows(filterset.qs, request), meta=meta)
