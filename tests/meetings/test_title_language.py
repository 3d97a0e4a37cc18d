"""A meeting's title is written in one language, not necessarily the reader's: staff record it in the admin and in
the import, and every way out says it (the page's ``lang``, the exports' last column, Atom's ``xml:lang``,
iCalendar's ``LANGUAGE``, JSON-LD's ``@language``); Popolo's other names carry their ``lang``."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from icalendar import Calendar
from rdflib import URIRef

from meetings.importers import MeetingImport
from meetings.models import Meeting
from tests import factories as f
from tests.heritage.test_admin import admin_url
from tests.heritage.test_imports import export, run
from tests.sitewide.test_linked_data import SCHEMA, markup

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TITLE = "Mədəniyyət nazirlərinin Şuşada görüşü"


@pytest.fixture
def meetings():
    azerbaijani = f.MeetingFactory(title=TITLE, title_language="az", slug="gorus", date=datetime.date(2024, 5, 2))
    unrecorded = f.MeetingFactory(title="Talks", slug="talks", date=datetime.date(2024, 5, 1))
    return azerbaijani, unrecorded


def streamed(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_admin_edits_the_title_language_and_refuses_a_bad_one(client, superuser):
    client.force_login(superuser)
    assert 'name="title_language"' in client.get(admin_url(Meeting, "add")).content.decode()
    data = {
        "title": TITLE,
        "title_language": "az",
        "slug": "",
        "date": "2024-05-02",
        "date_precision": "day",
        "format": "bilateral",
        "status": "draft",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "outcomes-TOTAL_FORMS": "0",
        "outcomes-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(Meeting, "add"), {**data, "title_language": "Azeri"})
    assert response.status_code == 200
    message = str(response.context["adminform"].form.errors["title_language"])
    assert "“Azeri”" in message and "ISO 639" in message
    assert client.post(admin_url(Meeting, "add"), data).status_code == 302
    assert Meeting.objects.get().title_language == "az"


def test_the_import_reads_and_writes_a_title_language_column(superuser):
    header = ["title", "date", "title_language"]
    result = run(MeetingImport(user=superuser), header, [[TITLE, "2024-05-02", "az"]], dry_run=False)
    assert result.committed, [r.errors for r in result.invalid]
    assert Meeting.objects.get().title_language == "az"
    result = run(MeetingImport(user=superuser), header, [["Talks", "2024-05-01", "Az1"]])
    [row] = result.invalid
    assert row.errors[0].startswith("title_language: “Az1” is not a language code")
    handle, _name = export(MeetingImport, Meeting.objects.all())
    rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0]["title_language"] == "az"


def test_the_exports_carry_the_title_language_as_their_last_column(client, meetings):
    rows = list(csv.reader(io.StringIO(streamed(client.get("/meetings/export.csv")))))
    assert rows[0][-1] == "title_language"
    assert {row[0]: row[-1] for row in rows[1:]} == {"gorus": "az", "talks": ""}
    results = json.loads(streamed(client.get("/meetings/export.json")))["results"]
    assert {row["slug"]: row["title_language"] for row in results} == {"gorus": "az", "talks": ""}


@pytest.mark.parametrize("language, marked", [("en", "az"), ("ru", "az"), ("az", None)])
def test_the_feed_marks_a_title_in_another_language_than_its_own(client, meetings, language, marked):
    response = client.get(f"/{language}/feeds/meetings/")
    assert response.status_code == 200 and response["Content-Language"] == language
    feed = ET.fromstring(response.content)
    assert feed.get(XML_LANG) == language
    titles = {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}title").get(XML_LANG) for entry in feed.iter(f"{ATOM}entry")
    }
    assert titles == {TITLE: marked, "Talks": None}


def test_the_calendar_gives_each_summary_the_language_of_the_title(client, meetings):
    response = client.get("/ru/meetings/calendar.ics")
    assert response["Content-Language"] == "ru"
    summaries = {
        str(event["SUMMARY"]): event["SUMMARY"].params.get("LANGUAGE")
        for event in Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert summaries == {TITLE: "az", "Talks": None}


def test_the_json_ld_name_is_tagged_with_the_title_language(client, meetings):
    _data, graph, subject = markup(client, "/meetings/gorus/")
    assert [(str(o), o.language) for o in graph.objects(subject, URIRef(SCHEMA + "name"))] == [(TITLE, "az")]
    data, _graph, _subject = markup(client, "/meetings/talks/")
    assert data["name"] == "Talks"


@pytest.mark.parametrize("language, attribute", [("en", ' lang="az"'), ("es", ' lang="az"'), ("az", "")])
def test_the_page_and_the_list_mark_a_title_in_another_language(client, meetings, language, attribute):
    page = client.get(f"/{language}/meetings/gorus/").content.decode()
    assert re.search(r"<h1([^>]*)>", page)[1] == attribute
    listing = client.get(f"/{language}/meetings/").content.decode()
    assert f'href="/{language}/meetings/gorus/"{attribute}>{TITLE}</a>' in listing
    assert f'href="/{language}/meetings/talks/">Talks</a>' in listing


def test_popolo_other_names_carry_their_language(client):
    meeting = f.MeetingFactory(slug="talks")
    person = f.PersonFactory(
        name="Anar Kərimov",
        name_language="az",
        name_ru="Анар Керимов",
        slug="anar",
        alternative_names="Anar Karimov\nhy: Անար Քերիմով",
    )
    f.ParticipantFactory(meeting=meeting, person=person)
    data = json.loads(client.get("/meetings/export.popolo.json").content)
    [popolo_person] = data["persons"]
    assert popolo_person["other_names"] == [
        {"name": "Анар Керимов", "lang": "ru"},
        {"name": "Anar Karimov"},
        {"name": "Անար Քերիմով", "lang": "hy"},
    ]
