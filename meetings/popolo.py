"""The meetings, their participants and their organizations in Popolo (https://www.popoloproject.com/, spec 1.0.1),
the format parliamentary-monitoring and lobbying registers exchange people and organizations in:
``/meetings/export.popolo.json`` honours the meeting list's filters.

- each meeting is a Popolo **event** (``meeting-<slug>``), part of its conference or summit (``event-<slug>``,
  also an event), its visible participants as ``attendees``;
- people and organizations are **persons** and **organizations** (by slug), published ones only;
- a participant who came for an organization is a **membership** of that person in it, ``role`` the title held
  at the time, linked to the meeting it is known from (the register knows nothing of its start or end);
- other names with their language (``lang``) where it is known;
- dates as precisely as recorded (Popolo allows ``YYYY`` and ``YYYY-MM``), and every event, membership and record
  with its ``sources``: the meeting's citations, each as a link to the source and its citation as the note.

At most ``POPOLO_SIZE`` meetings, newest first; ``meta`` says when there were more (narrow the filters).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse

from heritage.models import partial_iso, public_or_none
from heritage.names import other_names
from heritage.transfer.exports import invalid_filters_response
from meetings.exports import filtered_meetings
from meetings.models import Participant

POPOLO_SIZE = 5000


def popolo_other_names(record):
    """A record's other names, each with ``lang`` where its language is known (as EveryPolitician's Popolo writes
    a name in another language: ``{"name": "Анар Керимов", "lang": "ru"}``)."""
    return [{"name": n.name, "lang": n.language} if n.language else {"name": n.name} for n in other_names(record)]


class PopoloDocument:
    def __init__(self, request):
        self.request = request
        self.persons, self.organizations, self.events, self.memberships = {}, {}, {}, []

    def url(self, record):
        return self.request.build_absolute_uri(record.get_absolute_url())

    def sources(self, sources):
        return [{"url": source.url or self.url(source), "note": str(source)} for source in sources]

    def person(self, person):
        if person.slug not in self.persons:
            self.persons[person.slug] = {
                "id": person.slug,
                "name": person.name,
                "other_names": popolo_other_names(person),
                "summary": person.description or None,
                "links": [{"url": self.url(person), "note": "heritage register"}],
                "updated_at": person.updated_at,
            }
        return person.slug

    def organization(self, organization):
        if organization.slug not in self.organizations:
            parent = public_or_none(organization.parent)
            self.organizations[organization.slug] = {
                "id": organization.slug,
                "name": organization.name,
                "other_names": popolo_other_names(organization)
                + ([{"name": organization.acronym, "note": "acronym"}] if organization.acronym else []),
                "classification": organization.kind,
                "parent_id": parent.slug if parent else None,
                "links": [{"url": self.url(organization), "note": "heritage register"}]
                + ([{"url": organization.url, "note": "website"}] if organization.url else []),
                "updated_at": organization.updated_at,
            }
        return organization.slug

    def conference(self, event):
        key = f"event-{event.slug}"
        if key not in self.events:
            self.events[key] = {
                "id": key,
                "name": event.name,
                "description": event.description or None,
                "start_date": partial_iso(event.start_date, event.date_precision),
                "end_date": partial_iso(event.end_date, event.date_precision),
                "classification": event.kind,
                "location": event.place.name if event.place_id else None,
                "sources": self.sources(event.sources.all()),
                "updated_at": event.updated_at,
            }
        return key

    def meeting(self, meeting):
        sources = self.sources(meeting.sources.all())
        attendees = []
        for participant in meeting.participants.all():
            person, organization = public_or_none(participant.person), public_or_none(participant.organization)
            if person is not None:
                attendees.append({"id": self.person(person), "name": person.name})
            if person is not None and organization is not None:
                self.memberships.append(
                    {
                        "id": f"participant-{participant.pk}",
                        "person_id": person.slug,
                        "organization_id": self.organization(organization),
                        "role": participant.role or None,
                        "label": meeting.title,
                        "links": [{"url": self.url(meeting), "note": "the meeting this membership is known from"}],
                        "sources": sources,
                    }
                )
            elif organization is not None:
                self.organization(organization)
        event = public_or_none(meeting.event)
        self.events[f"meeting-{meeting.slug}"] = {
            "id": f"meeting-{meeting.slug}",
            "name": meeting.title,
            "description": meeting.summary or None,
            "start_date": partial_iso(meeting.date, meeting.date_precision),
            "classification": meeting.format,
            "location": meeting.place.name if meeting.place_id else None,
            "parent_id": self.conference(event) if event else None,
            "attendees": attendees,
            "sources": sources,
            "created_at": meeting.created_at,
            "updated_at": meeting.updated_at,
        }

    def as_dict(self, meta):
        return {
            "meta": meta,
            "events": list(self.events.values()),
            "persons": list(self.persons.values()),
            "organizations": list(self.organizations.values()),
            "memberships": self.memberships,
        }


def export_popolo(request):
    filterset, errors = filtered_meetings(request)
    if errors:
        return invalid_filters_response(errors)
    participants = (
        Participant.objects.visible().select_related("person", "organization__parent").order_by("order", "id")
    )
    meetings = list(
        filterset.qs.select_related("place", "event__place")
        .prefetch_related("sources", "event__sources", Prefetch("participants", queryset=participants))
        .order_by("-date", "id")[: POPOLO_SIZE + 1]
    )
    document = PopoloDocument(request)
    for meeting in meetings[:POPOLO_SIZE]:
        document.meeting(meeting)
    meta = {
        "format": "Popolo 1.0.1 (https://www.popoloproject.com/specs/)",
        "meetings": min(len(meetings), POPOLO_SIZE),
        "truncated": len(meetings) > POPOLO_SIZE,
    }
    body = json.dumps(document.as_dict(meta), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meetings-popolo.json"'
    return response
