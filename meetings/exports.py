"""The public exports of meetings: the filtered list as CSV and JSON, streamed, with participants, topics and
sources in a cell each."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from heritage.listing import filter_data, filter_errors
from heritage.models import PlaceKind, PublishStatus, Source
from heritage.transfer.exports import (
    CHUNK_SIZE,
    chunks,
    invalid_filters_response,
    record_url,
    rows_in_a_transaction,
    stream_csv,
    stream_json,
)
from meetings.filters import MeetingFilterSet
from meetings.models import Meeting, Outcome, Participant
from meetings.views import published_meetings

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
    # Added after the first release: new columns go last, so a script reading by position keeps working.
    "end_date",
    # The languages the event's and the place's names (the columns "event" and "place") are written in.
    "event_name_language",
    "place_name_language",
    # The language the title is written in (blank when not recorded); the summary is the register's own words.
    "title_language",
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
    "title_language",
    "date",
    "end_date",
    "date_precision",
    "event__name",
    "event__short_name",
    "event__status",
    "event__name_language",
    "place__name",
    "place__name_language",
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
    """Per meeting id of one chunk: its participants (rows), topics, outcomes (each with its attribution) and
    sources as cell texts, in the order the record page shows them, read with five queries of plain values (model
    instances for every participant, topic and source cost far more than the rows they make)."""
    participants = {}
    visible = Participant.objects.visible().filter(meeting_id__in=ids)
    for p in visible.order_by("order", "id").values(*PARTICIPANT_FIELDS):
        participants.setdefault(p["meeting_id"], []).append(p)
    topics = _by_meeting(
        Meeting.topics.through.objects.filter(meeting_id__in=ids)
        .order_by("topic__name")
        .values_list("meeting_id", "topic__name")
    )
    # One row per outcome and source it names (a LEFT JOIN: None for none), in the outcomes' order.
    outcome_rows, outcome_links = {}, {}
    for meeting_id, pk, kind, text, stated_by, stated_status, source_id in (
        Outcome.objects.public()
        .filter(meeting_id__in=ids)
        .order_by("id")
        .values_list("meeting_id", "pk", "kind", "text", "stated_by__name", "stated_by__status", "sources")
    ):
        if pk not in outcome_links:
            outcome_links[pk] = []
            outcome_rows.setdefault(meeting_id, []).append((pk, kind, text, stated_by, stated_status))
        if source_id is not None:
            outcome_links[pk].append(source_id)
    links = _by_meeting(
        Meeting.sources.through.objects.filter(meeting_id__in=ids).values_list("meeting_id", "source_id")
    )
    # In Source's own order, as meeting.sources.all() gives them: each meeting's sources are listed in it.
    cited = {pk for pks in links.values() for pk in pks} | {pk for pks in outcome_links.values() for pk in pks}
    sources = Source.objects.filter(pk__in=cited)
    texts = {s.pk: f"{s} <{s.url}>" if s.url else str(s) for s in sources}
    rank = {pk: i for i, pk in enumerate(texts)}

    def in_order(pks):
        return [texts[pk] for pk in sorted(pks, key=rank.__getitem__)]

    meeting_sources = {m: in_order(pks) for m, pks in links.items()}
    outcomes = {
        meeting_id: [
            _outcome_text(
                kind,
                text,
                stated_by,
                stated_status,
                in_order(outcome_links.get(pk, [])) or None,
                meeting_sources.get(meeting_id, []),
            )
            for pk, kind, text, stated_by, stated_status in rows
        ]
        for meeting_id, rows in outcome_rows.items()
    }
    return participants, topics, outcomes, meeting_sources


def _outcome_text(kind, text, stated_by, stated_status, own_sources, meeting_sources):
    """One outcome's cell text with its attribution: who states it (a draft organization is not named) and the
    sources that report it, its own or, when it names none, its meeting's (said so)."""
    attribution = []
    if stated_by and stated_status == PublishStatus.PUBLISHED:
        attribution.append(_("stated by %(party)s") % {"party": stated_by})
    if own_sources:
        attribution.append(_("source: %(sources)s") % {"sources": "; ".join(own_sources)})
    elif meeting_sources:
        attribution.append(_("source (the meeting’s): %(sources)s") % {"sources": "; ".join(meeting_sources)})
    else:
        attribution.append(_("no source recorded"))
    return f"{kind}: {text} [{', '.join(attribution)}]"


def export_rows(queryset, request):
    """Export rows as dicts, in the list's order: the meetings' own columns streamed in chunks, and for each chunk
    its participants, topics, outcomes and sources in five queries (memory stays flat)."""
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
        "end_date": m["end_date"],
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
        "event_name_language": m["event__name_language"] if event else "",
        "place_name_language": m["place__name_language"] if place else "",
        "title_language": m["title_language"],
    }


def _filename(ext):
    return f"meetings-{datetime.date.today().isoformat()}.{ext}"


def filtered_meetings(request):
    """The published meetings' FilterSet bound to the request, and the parameters it did not understand: what
    every download of the meeting list starts from (exports, the calendar, Popolo)."""
    filterset = MeetingFilterSet(filter_data(request), queryset=published_meetings())
    return filterset, filter_errors(filterset)


def export_csv(request):
    filterset, errors = filtered_meetings(request)
    if errors:
        return invalid_filters_response(errors)
    rows = ([row[c] for c in EXPORT_COLUMNS] for row in export_rows(filterset.qs, request))
    return stream_csv(_filename("csv"), EXPORT_COLUMNS, rows)


def export_json(request):
    filterset, errors = filtered_meetings(request)
    if errors:
        return invalid_filters_response(errors)
    meta = {
        "generated_at": timezone.now(),
        "query": request.GET.urlencode(),
        # The language of the note and of the outcomes' attributions; each name says its own (place_name_language…).
        "language": get_language(),
        "note": _(
            "Accounts are as reported by the sources named with each meeting; each outcome names who states it and "
            "its sources (the meeting’s when it names none of its own). Summaries are the register’s own words."
        ),
    }
    return stream_json(_filename("json"), export_rows(filterset.qs, request), meta=meta)
