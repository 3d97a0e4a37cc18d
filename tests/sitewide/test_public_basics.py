"""The first public pages: published records show, drafts are a 404, the health check answers."""

import pytest

from heritage.models import PublishStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_home_shows_demo_meetings_and_the_attributed_figure(client, demo):
    body = client.get("/").content.decode()
    assert "Anar Karimov meets Serbian Deputy Minister" in body
    assert "Reported by Ministry of Culture of Azerbaijan" in body


def test_demo_detail_pages_render(client, demo):
    for url in [
        "/meetings/",
        "/meetings/karimov-blagojevic-mexico-2022/",
        "/events/mondiacult-2022/",
        "/people/stanko-blagojevic/",
        "/organizations/unesco/",
        "/countries/RS/",
        "/monuments/",
    ]:
        assert client.get(url).status_code == 200, url
    body = client.get("/meetings/karimov-blagojevic-mexico-2022/").content.decode()
    assert "Deputy Minister of Culture and Information" in body and "Azernews" in body


def test_drafts_are_a_404_for_the_public(client):
    meeting = f.MeetingFactory(status=PublishStatus.DRAFT)
    monument = f.MonumentFactory(status=PublishStatus.REVIEW)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(monument.get_absolute_url()).status_code == 404
    assert meeting.title not in client.get("/meetings/").content.decode()


def test_unknown_country_is_a_404(client):
    assert client.get("/countries/ZZ/").status_code == 404


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_search_matches_every_word_in_names_and_alternative_names(demo):
    from meetings.models import Meeting, Person

    assert [p.name for p in Person.objects.search("kərimov")] == ["Anar Karimov"]
    assert list(Meeting.objects.search("Blagojevic Serbian").values_list("slug", flat=True)) == [
        "karimov-blagojevic-mexico-2022"
    ]
    assert Person.objects.search("").count() == Person.objects.count()
