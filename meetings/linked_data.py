"""Meetings, events, people and organizations as schema.org ``Event``, ``Person`` and ``Organization``
(heritage.linked_data). A meeting's participants are its ``attendee``s, each with the organization they came for."""

from heritage.linked_data import citations, compact, link, name_of, partial_iso, place, tagged, thing
from heritage.models import public_or_none
from heritage.names import json_ld_names


def person_json_ld(request, person):
    return thing(request, person, "Person")


def organization_json_ld(request, organization):
    parent = public_or_none(organization.parent)
    return thing(
        request,
        organization,
        "Organization",
        alternateName=[name for name in [organization.acronym, *json_ld_names(organization)] if name],
        sameAs=organization.url,
        parentOrganization=link(request, parent, "Organization") if parent else None,
    )


def event_json_ld(request, event):
    return thing(
        request,
        event,
        "Event",
        startDate=partial_iso(event.start_date, event.date_precision),
        endDate=partial_iso(event.end_date, event.date_precision),
        location=place(event.place),
        citation=citations(request, event.sources.all()),
    )


def _attendee(request, participant):
    person, organization = public_or_none(participant.person), public_or_none(participant.organization)
    affiliation = link(request, organization, "Organization") if organization else None
    if person is None:
        return affiliation
    return compact({**link(request, person, "Person"), "affiliation": affiliation})


def meeting_json_ld(request, meeting):
    event = public_or_none(meeting.event)
    return thing(
        request,
        meeting,
        "Event",
        name=tagged(meeting.title, meeting.title_language),
        description=meeting.summary,
        startDate=partial_iso(meeting.date, meeting.date_precision),
        location=place(meeting.place),
        superEvent=link(request, event, "Event") if event else None,
        attendee=[a for a in (_attendee(request, p) for p in meeting.participants.all()) if a],
        about=[{"@type": "Thing", "name": name_of(topic)} for topic in meeting.topics.all()],
        citation=citations(request, meeting.sources.all()),
    )
