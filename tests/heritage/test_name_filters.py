"""Names, not slugs (issue 17): the person, organization, event, place and topic filters take a name in any spelling
the search understands; a name that fits one record redirects to the address with its slug, several give "Did you
mean" links, none an error naming the value; /suggest/<kind>/ offers published records only, in bounded queries."""

import re

import pytest
from django.core.cache import cache

from heritage.models import PublishStatus
from tests import factories as f
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def people():
    anar = f.PersonFactory(name="Anar Karimov", slug="anar-karimov", alternative_names="Анар Керимов")
    f.PersonFactory(name="Anar Mammadov", slug="anar-mammadov")
    f.PersonFactory(name="Anar Secretov", slug="anar-secretov", status=PublishStatus.DRAFT)
    f.ParticipantFactory(person=anar, meeting=f.MeetingFactory(title="Karimov meets Blagojević"))
    f.ParticipantFactory(meeting=f.MeetingFactory(title="Someone else's meeting"))
    return anar


def test_a_name_that_fits_one_person_redirects_to_the_address_with_the_slug(client, people):
    response = client.get("/meetings/?person=Karimov&country=")
    assert response.status_code == 302
    assert response["Location"] == "/meetings/?person=anar-karimov"
    # Another script, another spelling: the same record.
    assert client.get("/meetings/?person=Анар+Керимов")["Location"] == "/meetings/?person=anar-karimov"
    assert client.get("/meetings/?person=karimow")["Location"] == "/meetings/?person=anar-karimov"


def test_the_slug_still_works_and_the_box_shows_the_name(client, people):
    response = client.get("/meetings/?person=anar-karimov")
    assert response.status_code == 200
    text = body(response)
    assert "Karimov meets Blagojević" in text and "Someone else" not in text
    assert re.search(r'<input type="text" name="person" value="Anar Karimov"[^>]*data-suggest="/suggest/person/"', text)
    assert '<label for="id_person">Person</label>' in text


def test_a_name_that_fits_several_offers_each_as_a_link(client, people):
    response = client.get("/meetings/?person=Anar&sort=date")
    assert response.status_code == 200
    text = body(response)
    assert "Several records match “Anar”: choose one below." in text
    choices = re.search(r'<div class="did-you-mean">(.*?)</div>', text, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', choices)
    assert sorted(links) == [
        ("?person=anar-karimov&amp;sort=date", "Anar Karimov"),
        ("?person=anar-mammadov&amp;sort=date", "Anar Mammadov"),
    ]
    assert "Secretov" not in text  # a draft is never offered


def test_a_full_name_that_is_one_records_name_is_that_record(client, people):
    f.PersonFactory(name="Anar Karimovich Aliyev")
    assert client.get("/meetings/?person=anar+karimov")["Location"] == "/meetings/?person=anar-karimov"


def test_a_name_that_fits_nothing_is_an_error_naming_it_and_the_other_filters_apply(client, people):
    response = client.get("/meetings/?person=Zzyzx&q=Karimov")
    assert response.status_code == 200
    text = body(response)
    assert "Nothing matches “Zzyzx”. Type a name, or the beginning of one, in any spelling." in text
    assert "Karimov meets Blagojević" in text
    # A draft's slug and its name are not found either.
    assert "Nothing matches “anar-secretov”" in body(client.get("/meetings/?person=anar-secretov"))
    assert "Nothing matches “Secretov”" in body(client.get("/meetings/?person=Secretov"))


def test_organization_event_topic_and_place_take_names_too(client):
    unesco = f.OrganizationFactory(name="UNESCO", slug="unesco", alternative_names="ЮНЕСКО")
    event = f.EventFactory(name="MONDIACULT 2022", slug="mondiacult-2022")
    topic = f.TopicFactory(name="Baku Process", slug="baku-process")
    meeting = f.MeetingFactory(event=event)
    meeting.topics.add(topic)
    f.ParticipantFactory(meeting=meeting, person=None, organization=unesco)
    shusha = f.PlaceFactory(name="Şuşa", slug="susa")
    f.MonumentFactory(place=shusha)
    assert client.get("/meetings/?organization=юнеско")["Location"] == "/meetings/?organization=unesco"
    assert client.get("/meetings/?event=mondiacult")["Location"] == "/meetings/?event=mondiacult-2022"
    assert client.get("/meetings/?topic=baku")["Location"] == "/meetings/?topic=baku-process"
    assert client.get("/monuments/?place=Shusha")["Location"] == "/monuments/?place=susa"
    assert client.get("/monuments/?place=susa").status_code == 200


def test_suggestions_are_published_records_whose_names_fit_at_most_ten(client, people, django_assert_max_num_queries):
    for i in range(12):
        f.PersonFactory(name=f"Anarov {i}")
    with django_assert_max_num_queries(3):
        response = client.get("/suggest/person/?q=anar")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert len(results) == 10
    assert all(r["label"].startswith("Anar") for r in results)
    assert "anar-secretov" not in {r["value"] for r in results}
    exact = client.get("/suggest/person/?q=Керимов").json()["results"]
    assert exact == [{"value": "anar-karimov", "label": "Anar Karimov"}]
    nothing = "Nothing matches “Secretov”. Type a name, or the beginning of one, in any spelling."
    assert client.get("/suggest/person/?q=Secretov").json() == {"results": [], "status": nothing}
    assert client.get("/suggest/person/?q=").json() == {"results": [], "status": ""}
    assert client.get("/suggest/nobody/?q=anar").status_code == 404


def test_suggestions_for_topics_and_places_in_bounded_queries(client, django_assert_max_num_queries):
    used = f.TopicFactory(name="Looted manuscripts")
    f.TopicFactory(name="Lost languages")  # no published meeting has it: not public
    f.MeetingFactory().topics.add(used)
    for i in range(15):
        f.PlaceFactory(name=f"Lənkəran {i}")
    with django_assert_max_num_queries(2):
        topics = client.get("/suggest/topic/?q=lo").json()["results"]
    assert topics == [{"value": used.slug, "label": "Looted manuscripts"}]
    with django_assert_max_num_queries(3):
        places = client.get("/suggest/place/?q=lankaran").json()["results"]
    assert len(places) == 10


def test_suggestions_say_how_many_there_are_in_the_pages_language(client, people):
    # What the combobox's live region reads out (static/js/combobox.js), from the address's language prefix.
    assert client.get("/suggest/person/?q=anar").json()["status"] == (
        "2 records match: use the Up and Down arrow keys to choose one."
    )
    assert client.get("/suggest/person/?q=karimov").json()["status"] == (
        "1 record matches: use the Up and Down arrow keys to choose it."
    )
    assert client.get("/ru/suggest/person/?q=anar").json()["status"] == (
        "2 записи подходят: выберите одну клавишами со стрелками вверх и вниз."
    )
    assert client.get("/az/suggest/person/?q=zzyzx").json()["status"].startswith("“zzyzx”")


@pytest.mark.parametrize(
    "url, name, shown",
    [("/monuments/", "place", True), ("/meetings/", "person", True), ("/monuments/map/", "place", False)],
)
def test_a_name_longer_than_the_search_box_takes_is_refused_with_a_message(client, url, name, shown):
    response = client.get(url, {name: "Shusha " * 700})
    assert response.status_code == 200
    if shown:  # the map page draws no filter errors (its form is the list's, linked)
        assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/meetings/", "/api/v1/monuments/", "/meetings/", "/monuments/"])
def test_a_control_character_in_a_typed_name_is_no_server_error(client, url):
    for name in ("topic", "person", "organization", "event", "place"):
        response = client.get(url, {name: "Ðx\x00y\x1b"})
        assert response.status_code in (200, 400), (url, name, response.status_code)
