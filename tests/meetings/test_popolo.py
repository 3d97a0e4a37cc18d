"""The Popolo export: every event, person, organization and membership valid against the Popolo project's own
schemas (draft-03, resolved from tests/data/popolo/ without a network), published records only, attributed."""

import datetime
import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from heritage.models import DatePrecision, PublishStatus
from meetings.models import Participant
from tests import factories as f

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "popolo"
BASE = "http://www.popoloproject.com/schemas/"


def validator(kind):
    registry = Registry().with_resources(
        (BASE + path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT3))
        for path in SCHEMAS.glob("*.json")
    )
    return Draft3Validator(json.loads((SCHEMAS / f"{kind}.json").read_text()), registry=registry)


def popolo(client, url="/meetings/export.popolo.json"):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.fixture
def meeting():
    ministry = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", slug="ministry-az", acronym="MoC")
    secret = f.OrganizationFactory(name="Secret agency", status=PublishStatus.DRAFT)
    conference = f.EventFactory(name="MONDIACULT 2022", slug="mondiacult-2022")
    talks = f.MeetingFactory(
        title="Talks in Mexico City",
        slug="talks",
        date=datetime.date(2022, 9, 1),
        date_precision=DatePrecision.MONTH,
        event=conference,
        summary="Culture ministers met.",
    )
    talks.sources.add(f.SourceFactory(title="AzerNews article", url="https://www.azernews.az/culture/200000.html"))
    minister = f.PersonFactory(name="Anar Karimov", slug="anar-karimov", alternative_names="Anar Kərimov")
    f.ParticipantFactory(meeting=talks, person=minister, organization=ministry, role="Minister of Culture", order=1)
    f.ParticipantFactory(meeting=talks, person=f.PersonFactory(name="Hidden", status=PublishStatus.DRAFT), order=2)
    f.ParticipantFactory(
        meeting=talks, person=f.PersonFactory(name="Agent", slug="agent"), organization=secret, order=3
    )
    Participant.objects.create(meeting=talks, description="Representatives of media", order=4)
    f.MeetingFactory(title="Draft talks", slug="draft", status=PublishStatus.DRAFT)
    return talks


def test_every_object_is_valid_popolo(client, meeting):
    data = popolo(client)
    for key, kind in [
        ("events", "event"),
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
    ]:
        check = validator(kind)
        assert data[key], key
        for item in data[key]:
            errors = [error.message for error in check.iter_errors(item)]
            assert not errors, (kind, item["id"], errors)


def test_meetings_are_events_within_their_conference_at_the_precision_recorded(client, meeting):
    events = {e["id"]: e for e in popolo(client)["events"]}
    assert set(events) == {"meeting-talks", "event-mondiacult-2022"}
    talks = events["meeting-talks"]
    assert talks["start_date"] == "2022-09"  # known to the month, not 1 September
    assert talks["parent_id"] == "event-mondiacult-2022"
    assert [a["id"] for a in talks["attendees"]] == ["anar-karimov", "agent"]
    assert talks["sources"] == [
        {"url": "https://www.azernews.az/culture/200000.html", "note": str(meeting.sources.get())}
    ]


def test_a_participant_for_an_organization_is_a_membership_with_the_title_held(client, meeting):
    data = popolo(client)
    assert [(m["person_id"], m["organization_id"], m["role"]) for m in data["memberships"]] == [
        ("anar-karimov", "ministry-az", "Minister of Culture")
    ]
    assert data["memberships"][0]["links"][0]["url"] == "http://testserver/meetings/talks/"
    persons = {p["id"]: p for p in data["persons"]}
    assert persons["anar-karimov"]["other_names"] == [{"name": "Anar Kərimov"}]
    assert [o["id"] for o in data["organizations"]] == ["ministry-az"]
    body = json.dumps(data)
    assert "Secret agency" not in body and "Hidden" not in body and "Draft talks" not in body


def test_the_list_filters_narrow_it_and_a_bad_one_is_a_400(client, meeting):
    assert popolo(client, "/meetings/export.popolo.json?date_from=2023-01-01")["events"] == []
    response = client.get("/meetings/export.popolo.json?date_from=someday")
    assert response.status_code == 400 and "date_from" in response.content.decode()


def test_the_export_costs_a_fixed_number_of_queries(client, meeting, django_assert_max_num_queries):
    for n in range(5):
        other = f.MeetingFactory(title=f"More talks {n}", event=meeting.event)
        f.ParticipantFactory(meeting=other, person=f.PersonFactory(), organization=f.OrganizationFactory())
    with django_assert_max_num_queries(6):
        client.get("/meetings/export.popolo.json")
