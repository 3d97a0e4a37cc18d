"""An iCalendar (RFC 5545) feed of published meetings and their events, honouring the meeting list's filters
(``/meetings/calendar.ics?country=RS``), for a reader's calendar to subscribe to.

Dates are given as precisely as they were recorded, never more: a meeting known to the day is an all-day event
on that day; one known only to the month or the year spans that month or year (an event "some time in September
2022", not one invented onto the 1st), says so first in its description, and carries ``X-HERITAGE-DATE-PRECISION``.
Each meeting's description is attributed like its page: the summary is the register's own words, the sources
follow. At most ``CALENDAR_SIZE`` meetings, newest first: narrow the filters for older ones.

Language: the register's own texts (the calendar's name, the description's labels) are in the reader's language
(``Content-Language``, ``LANGUAGE`` on the calendar's name); a meeting's title carries the ``LANGUAGE`` it is
written in where that is recorded (``title_language``); places, conferences and topics are named in the
reader's language where they have a name in it, else in their original, each with the ``LANGUAGE`` it is
written in (RFC 5545 3.2.10) where that is known; precisions and other vocabularies are codes in every language.
"""

import datetime

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from heritage.models import DatePrecision, format_partial_date, public_or_none
from heritage.names import reader_name_and_language
from heritage.transfer.exports import invalid_filters_response
from meetings.exports import filtered_meetings

CALENDAR_SIZE = 1000


def date_span(start, precision, end=None):
    """(first day, day after the last) of what is known: the day, the month or the year; or start–end, days."""
    if precision == DatePrecision.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(start.year + 1, 1, 1)
    if precision == DatePrecision.MONTH:
        first = start.replace(day=1)
        return first, (first + datetime.timedelta(days=32)).replace(day=1)
    return start, (end or start) + datetime.timedelta(days=1)


def _add_named(component, prop, record):
    """``prop`` with the record's name in the reader's language (or its original) and that name's ``LANGUAGE``."""
    text, language = reader_name_and_language(record)
    component.add(prop, text, parameters={"LANGUAGE": language} if language else None)


def _add_categories(component, topics):
    """The topics' names, one CATEGORIES per language they are written in (RFC 5545 allows several)."""
    by_language = {}
    for topic in topics:
        text, language = reader_name_and_language(topic)
        by_language.setdefault(language, []).append(text)
    for language, texts in by_language.items():
        component.add("categories", texts, parameters={"LANGUAGE": language} if language else None)


def _meeting_event(meeting, request):
    url = request.build_absolute_uri(meeting.get_absolute_url())
    start, end = date_span(meeting.date, meeting.date_precision)
    lines = []
    if meeting.date_precision != DatePrecision.DAY:
        lines.append(
            gettext("Date known only to the %(precision)s: %(date)s.")
            % {
                "precision": meeting.get_date_precision_display().lower(),
                "date": format_partial_date(meeting.date, meeting.date_precision),
            }
        )
    if meeting.summary:
        lines.append(gettext("Summary in the register’s own words:") + " " + meeting.summary)
    sources = [str(source) for source in meeting.sources.all()]
    lines.append(gettext("Sources") + ": " + "; ".join(sources) if sources else gettext("No source recorded."))
    lines.append(url)
    event = CalendarEvent()
    event.add("uid", f"meeting-{meeting.slug}@{request.get_host()}")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    language = meeting.title_language
    event.add("summary", meeting.title, parameters={"LANGUAGE": language} if language else None)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a record of a meeting, not the subscriber's own time taken
    if meeting.place_id:
        _add_named(event, "location", meeting.place)
    _add_categories(event, meeting.topics.all())
    event.add("x-heritage-date-precision", meeting.date_precision)
    return event


def _event_event(event_record, request):
    start, end = date_span(event_record.start_date, event_record.date_precision, event_record.end_date)
    event = CalendarEvent()
    event.add("uid", f"event-{event_record.slug}@{request.get_host()}")
    event.add("dtstamp", event_record.updated_at)
    _add_named(event, "summary", event_record)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("url", request.build_absolute_uri(event_record.get_absolute_url()))
    event.add("transp", "TRANSPARENT")
    if event_record.place_id:
        _add_named(event, "location", event_record.place)
    return event


def meeting_calendar(request):
    filterset, errors = filtered_meetings(request)
    if errors:
        return invalid_filters_response(errors)
    meetings = list(
        filterset.qs.select_related("place", "event__place")
        .prefetch_related("sources", "topics")
        .order_by("-date", "id")[:CALENDAR_SIZE]
    )
    calendar = Calendar()
    calendar.add("prodid", "-//heritage register//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("Meetings — heritage register"), parameters={"LANGUAGE": get_language()})
    calendar.add("x-wr-caldesc", request.build_absolute_uri(reverse("meetings:meeting_list")))
    events = {}
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, request))
        record = public_or_none(meeting.event)
        if record and record.start_date and record.pk not in events:
            events[record.pk] = record
    for record in events.values():
        calendar.add_component(_event_event(record, request))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = get_language()
    return response
