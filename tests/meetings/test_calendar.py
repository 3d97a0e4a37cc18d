"""The iCalendar feed of meetings and their events (RFC 5545), read back with a parser: dates at the precision
recorded, the list's filters honoured, published records only, every meeting attributed."""

import datetime

import pytest
from icalendar import Calendar

from heritage.models import DatePrecision, PublishStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def calendar(client, url="/meetings/calendar.ics"):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    # RFC 5545 3.1: CRLF line ends, content lines folded at 75 octets.
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "a content line is not folded"
    return Calendar.from_ical(raw)


def events(cal):
    return {str(component["UID"]).split("@")[0]: component for component in cal.walk("VEVENT")}


@pytest.fixture
def meetings():
    event = f.EventFactory(name="MONDIACULT 2022", slug="mondiacult-2022")
    source = f.SourceFactory(title="UNESCO press release")
    day = f.MeetingFactory(
        title="Talks in Mexico City",
        slug="talks",
        date=datetime.date(2022, 9, 29),
        event=event,
        place=f.PlaceFactory(name="Mexico City", country="MX"),
        summary="Culture ministers met.",
    )
    day.sources.add(source)
    day.topics.add(f.TopicFactory(name="Cultural heritage"))
    month = f.MeetingFactory(
        title="Consultations",
        slug="consultations",
        date=datetime.date(2022, 9, 1),
        date_precision=DatePrecision.MONTH,
    )
    year = f.MeetingFactory(
        title="Exchange programme", slug="exchange", date=datetime.date(2021, 1, 1), date_precision=DatePrecision.YEAR
    )
    f.MeetingFactory(title="Draft talks", slug="draft", status=PublishStatus.DRAFT)
    return day, month, year


def test_each_published_meeting_is_an_all_day_event_at_its_recorded_precision(client, meetings):
    found = events(calendar(client))
    assert set(found) == {"meeting-talks", "meeting-consultations", "meeting-exchange", "event-mondiacult-2022"}
    day, month, year = found["meeting-talks"], found["meeting-consultations"], found["meeting-exchange"]
    assert (day.decoded("DTSTART"), day.decoded("DTEND")) == (datetime.date(2022, 9, 29), datetime.date(2022, 9, 30))
    # Known to the month: the whole of September, said so, never invented onto the 1st alone.
    assert (month.decoded("DTSTART"), month.decoded("DTEND")) == (datetime.date(2022, 9, 1), datetime.date(2022, 10, 1))
    assert str(month["DESCRIPTION"]).startswith("Date known only to the month: September 2022.")
    assert str(month["X-HERITAGE-DATE-PRECISION"]) == "month"
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))
    conference = found["event-mondiacult-2022"]
    assert (conference.decoded("DTSTART"), conference.decoded("DTEND")) == (
        datetime.date(2022, 9, 28),
        datetime.date(2022, 10, 1),
    )


def test_a_meeting_is_attributed_and_linked(client, meetings):
    talks = events(calendar(client))["meeting-talks"]
    description = str(talks["DESCRIPTION"])
    assert "Summary in the register’s own words: Culture ministers met." in description
    assert "Sources: " in description and "UNESCO press release" in description
    assert str(talks["URL"]) == "http://testserver/meetings/talks/"
    assert str(talks["LOCATION"]) == "Mexico City"
    assert [str(c) for c in talks["CATEGORIES"].cats] == ["Cultural heritage"]
    assert "Draft talks" not in client.get("/meetings/calendar.ics").content.decode()


def test_the_list_filters_narrow_the_calendar(client, meetings):
    assert set(events(calendar(client, "/meetings/calendar.ics?date_from=2022-09-15"))) == {
        "meeting-talks",
        "event-mondiacult-2022",
    }
    page = client.get("/meetings/?date_from=2022-09-15").content.decode()
    assert 'href="/meetings/calendar.ics?date_from=2022-09-15"' in page


def test_a_filter_not_understood_is_a_400_naming_it(client):
    response = client.get("/meetings/calendar.ics?date_from=someday")
    assert response.status_code == 400
    assert "date_from" in response.content.decode()


def test_the_calendar_costs_a_fixed_number_of_queries(client, meetings, django_assert_max_num_queries):
    for n in range(10):
        f.MeetingFactory(title=f"More talks {n}").sources.add(f.SourceFactory())
    with django_assert_max_num_queries(3):
        client.get("/meetings/calendar.ics")


def test_names_are_in_the_readers_language_each_with_its_language(client, meetings):
    """Under /ru/: the calendar's name in Russian, marked so; a place or topic with a Russian name given in it,
    one without in its original with that language (RFC 5545 LANGUAGE); the precision a code."""
    day, month, _year = meetings
    day.place.name_language, day.place.name_ru = "en", "Мехико"
    day.place.save()
    topic = day.topics.get()
    topic.name_language = "en"
    topic.save()
    response = client.get("/ru/meetings/calendar.ics")
    assert response["Content-Language"] == "ru"
    raw = response.content.decode().replace("\r\n ", "")
    assert "X-WR-CALNAME;LANGUAGE=ru:" in raw
    assert "LOCATION;LANGUAGE=ru:Мехико" in raw
    assert "CATEGORIES;LANGUAGE=en:Cultural heritage" in raw
    assert "SUMMARY:MONDIACULT 2022" in raw  # a name of unknown language carries no LANGUAGE
    found = events(Calendar.from_ical(response.content))
    assert str(found["meeting-consultations"]["X-HERITAGE-DATE-PRECISION"]) == "month"
