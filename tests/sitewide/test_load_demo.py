"""`load_demo` loads what the seed article says, every time the same rows."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from heritage.models import PublishStatus, Source
from meetings.models import Event, Meeting, Participant
from monuments.models import ReportedFigure

pytestmark = pytest.mark.django_db


def counts():
    return {
        m._meta.label: m.objects.count()
        for app in ("heritage", "meetings", "monuments")
        for m in apps.get_app_config(app).get_models()
    }


def test_load_demo_twice_leaves_the_same_rows():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first["meetings.Meeting"] == 3
    assert first["monuments.ReportedFigure"] == 1


def test_demo_records_match_the_article(demo):
    source = Source.objects.get()
    assert (source.publisher, source.author, source.published_on) == (
        "Azernews",
        "Laman Ismayilova",
        datetime.date(2022, 10, 5),
    )
    assert "Culture Ministry" in source.cites

    event = Event.objects.get(slug="mondiacult-2022")
    assert (event.start_date, event.end_date) == (datetime.date(2022, 9, 28), datetime.date(2022, 9, 30))
    assert event.organizer.acronym == "UNESCO"
    assert event.place.name == "Mexico City"

    meetings = Meeting.objects.all()
    assert all(m.status == PublishStatus.PUBLISHED and m.event == event for m in meetings)
    assert all(list(m.sources.all()) == [source] for m in meetings)
    assert all(m.date_display == "September 2022" for m in meetings)

    serbian = Participant.objects.get(person__name="Stanko Blagojevic")
    assert serbian.role == "Deputy Minister of Culture and Information"
    assert serbian.represented_country == "RS"
    mexican = Participant.objects.get(person__name="Marina Nunez Bespalova")
    assert mexican.represented_country == "MX"
    assert mexican.meeting.outcomes.filter(kind="offer", text__contains="training and expert assistance").exists()
    assert Participant.objects.filter(description__contains="media organizations and think tanks").exists()
    assert Meeting.objects.filter(topics__name="Museum cooperation", participants__represented_country="RS").exists()

    figure = ReportedFigure.objects.get()
    assert (figure.count, figure.registered_count, figure.qualifier) == (2600, 706, "more_than")
    assert figure.reported_by.name == "Ministry of Culture of Azerbaijan"
    assert figure.source == source
    assert figure.status == PublishStatus.PUBLISHED
