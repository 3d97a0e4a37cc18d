"""Public pages for meetings and the people, organizations, events and topics around them, and meeting exports."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from heritage.exports import (
    CHUNK_SIZE,
    chunks,
    invalid_filters_response,
    record_url,
    rows_in_a_transaction,
    stream_csv,
    stream_json,
)
from heritage.listing import FilteredListView, filter_data, filter_errors
from heritage.models import PlaceKind, PublishStatus, Source
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
        return Topic.objects.in_use()  # a topic only drafts have is a 404

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


def _participant_text(p):
    """One visible participant's cell text from its ``PARTICIPANT_FIELDS`` row. Drafts stay private: a published
    person's draft organization is not named."""
    person = p["person__name"] if p["person_id"] else None
    org = p["organization__name"] if p["organization__status"] == PublishStatus.PUBLISHED else None
    who = person or p["description"] or org
    details = ", ".join(x for x in (p["role"], org if person and org else None) if x)
    country = p["represented_country"]
    return who + (f" ({details})" if details else "") + (f" [{country}]" if country else "")


MEETING_FIELDS = (
    "pk",
    "slug",
    "title",
    "date",
    "date_precision",
    "event__name",
    "event__short_name",
    "event__status",
    "place__name",
    "place__kind",
    "place__parent_id",
    "place__parent__name",
    "format",
    "summary",
    "updated_at",
)
PARTICIPANT_FIELDS = (
    "meeting_id",
    "person_id",
    "person__name",
    "organization_id",
    "organization__name",
    "organization__status",
    "description",
    "role",
    "represented_country",
)


def _by_meeting(rows):
    grouped = {}
    for meeting_id, *rest in rows:
        grouped.setdefault(meeting_id, []).append(rest[0] if len(rest) == 1 else rest)
    return grouped


def _related_texts(ids):
    """Per meeting id of one chunk: its participants (rows), topics, outcomes and sources as cell texts, in the
    order the record page shows them, read with four queries of plain values (model instances for every
    participant, topic and source cost far more than the rows they make)."""
    participants = {}
    visible = Participant.objects.visible().filter(meeting_id__in=ids)
    for p in visible.order_by("order", "id").values(*PARTICIPANT_FIELDS):
        participants.setdefault(p["meeting_id"], []).append(p)
    topics = _by_meeting(
        Meeting.topics.through.objects.filter(meeting_id__in=ids)
        .order_by("topic__name")
        .values_list("meeting_id", "topic__name")
    )
    outcomes = {
        meeting_id: [f"{kind}: {text}" for kind, text in rows]
        for meeting_id, rows in _by_meeting(
            Outcome.objects.filter(meeting_id__in=ids).order_by("id").values_list("meeting_id", "kind", "text")
        ).items()
    }
    links = _by_meeting(
        Meeting.sources.through.objects.filter(meeting_id__in=ids).values_list("meeting_id", "source_id")
    )
    # In Source's own order, as meeting.sources.all() gives them: each meeting's sources are listed in it.
    sources = Source.objects.filter(pk__in={pk for pks in links.values() for pk in pks})
    texts = {s.pk: f"{s} <{s.url}>" if s.url else str(s) for s in sources}
    rank = {pk: i for i, pk in enumerate(texts)}
    return (
        participants,
        topics,
        outcomes,
        {m: [texts[pk] for pk in sorted(pks, key=rank.__getitem__)] for m, pks in links.items()},
    )


def export_rows(queryset, request):
    """Export rows as dicts, in the list's order: the meetings' own columns streamed in chunks, and for each chunk
    its participants, topics, outcomes and sources in four queries (memory stays flat)."""
    url = record_url(request, "meetings:meeting_detail")
    rows = rows_in_a_transaction(queryset.db, queryset.values(*MEETING_FIELDS).iterator(chunk_size=CHUNK_SIZE))
    for chunk in chunks(rows, CHUNK_SIZE):
        participants, topics, outcomes, sources = _related_texts([m["pk"] for m in chunk])
        for m in chunk:
            pk = m["pk"]
            people = participants.get(pk, [])
            yield _export_row(m, url, people, topics.get(pk, []), outcomes.get(pk, []), sources.get(pk, []))


def _export_row(m, url, participants, topics, outcomes, sources):
    event = m["event__short_name"] or m["event__name"] if m["event__status"] == PublishStatus.PUBLISHED else ""
    place = m["place__name"] or ""
    if place and m["place__parent_id"] and m["place__kind"] != PlaceKind.COUNTRY:
        place = f"{place}, {m['place__parent__name']}"
    return {
        "slug": m["slug"],
        "url": url(m["slug"]),
        "title": m["title"],
        "date": m["date"],
        "date_precision": m["date_precision"],
        "event": event,
        "place": place,
        "format": m["format"],
        "summary": m["summary"],
        "participants": " | ".join(_participant_text(p) for p in participants),
        "countries_represented": " | ".join(
            sorted({p["represented_country"] for p in participants if p["represented_country"]})
        ),
        "topics": " | ".join(topics),
        "outcomes": " | ".join(outcomes),
        "sources": " | ".join(sources),
        "updated_at": m["updated_at"],
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
