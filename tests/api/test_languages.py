"""The API says the language of its texts: a meeting's ``title_language``, and every nested name (event, place,
person, organization, topic, monument, monument type) with its ``name_language``, null where it is not recorded;
the answer's ``Content-Language`` is the reader's (its messages), whatever language the records are written in."""

import datetime

import pytest

from tests import factories as f
from tests.api.helpers import assert_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    meeting = f.MeetingFactory(
        title="Встреча министров культуры",
        title_language="ru",
        slug="vstrecha",
        date=datetime.date(2024, 5, 2),
        event=f.EventFactory(name="Bakı Forumu", name_language="az", slug="forum"),
        place=f.PlaceFactory(name="Şuşa", name_language="az", slug="susa", country="AZ"),
    )
    organization = f.OrganizationFactory(name="Ministry of Culture", name_language="en", slug="ministry")
    f.ParticipantFactory(
        meeting=meeting,
        person=f.PersonFactory(name="Anar Kərimov", name_language="az", slug="anar"),
        organization=organization,
    )
    f.OutcomeFactory(meeting=meeting).parties.add(organization)
    meeting.topics.add(f.TopicFactory(name="Heritage", name_language="en", slug="heritage"))
    meeting.monuments.add(
        f.MonumentFactory(
            name="Gövhər Ağa məscidi",
            name_language="az",
            slug="govhar-agha",
            monument_type=f.MonumentTypeFactory(name="Mosque", name_language="en"),
        )
    )
    f.MeetingFactory(title="Talks", slug="talks", date=datetime.date(2024, 5, 1))
    return meeting


def test_a_meeting_carries_its_title_language_and_each_nested_names_language(client, meeting):
    data = client.get("/api/v1/meetings/vstrecha/").json()
    assert_matches(client, "Meeting", data)
    assert (data["title"], data["title_language"]) == ("Встреча министров культуры", "ru")
    assert data["event"]["name_language"] == "az" and data["place"]["name_language"] == "az"
    [participant] = data["participants"]
    assert participant["person"]["name_language"] == "az"
    assert participant["organization"]["name_language"] == "en"
    assert data["outcomes"][0]["parties"][0]["name_language"] == "en"
    assert data["topics"] == [{"slug": "heritage", "name": "Heritage", "name_language": "en"}]
    assert [(m["name"], m["name_language"]) for m in data["monuments"]] == [("Gövhər Ağa məscidi", "az")]


def test_a_language_not_recorded_is_null(client, meeting):
    listed = {m["slug"]: m for m in client.get("/api/v1/meetings/").json()["results"]}
    assert listed["talks"]["title_language"] is None and listed["vstrecha"]["title_language"] == "ru"
    for record in listed.values():
        assert_matches(client, "Meeting", record)


def test_a_monuments_type_carries_its_names_language(client, meeting):
    data = client.get("/api/v1/monuments/govhar-agha/").json()
    assert data["type"] == {"slug": data["type"]["slug"], "name": "Mosque", "name_language": "en"}
    assert_matches(client, "Monument", data)


def test_the_description_documents_the_languages(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "title_language" in schemas["Meeting"]["properties"]
    for ref in ["RecordRef", "PlaceRef", "NamedRef"]:
        assert "name_language" in schemas[ref]["properties"], ref


@pytest.mark.parametrize("language", ["en", "az", "ru", "es"])
def test_content_language_is_the_readers_and_the_records_stay_as_written(client, meeting, language):
    response = client.get("/api/v1/meetings/vstrecha/", HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    data = response.json()
    assert (data["title"], data["title_language"]) == ("Встреча министров культуры", "ru")
    feed = client.get("/feeds/meetings/", HTTP_ACCEPT_LANGUAGE=language)
    assert feed["Content-Language"] == language
