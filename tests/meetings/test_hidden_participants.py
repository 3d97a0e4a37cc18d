"""A participant the public may not see leaves no trace: not its name, role or country, nor that there is one.

Hidden: a participant whose person is a draft, or, without a person, whose organization is a draft. Visible: a
published person (without their organization while it is a draft), a published organization, a group described
in words. Checked on the meeting page, the lists and their country filter and counts, the exports, search, the
feed, the country and organization pages and the home page.
"""

import re

import pytest
from django.urls import reverse

from heritage.models import PublishStatus
from meetings.models import Participant
from tests import factories as f
from tests.public import body, csv_rows, json_results

pytestmark = pytest.mark.django_db

DRAFT = PublishStatus.DRAFT
# Words only the hidden participants carry: none may appear on any public path.
TRACES = ["Hidden Person", "Secret envoy", "Quiet delegation", "Secret Office", "Office clerk", "Shadow Agency"]


@pytest.fixture
def meeting():
    meeting = f.MeetingFactory(title="Talks on museum loans", slug="talks")
    open_ministry = f.OrganizationFactory(name="Open Ministry", slug="open-ministry")
    f.ParticipantFactory(
        meeting=meeting,
        person__name="Ana Petrovic",
        organization=open_ministry,
        role="Minister",
        represented_country="RS",
    )
    # Hidden: a draft person (with a published organization and words of their own).
    f.ParticipantFactory(
        meeting=meeting,
        person=f.PersonFactory(name="Hidden Person", slug="hidden-person", status=DRAFT),
        organization=open_ministry,
        description="Quiet delegation",
        role="Secret envoy",
        represented_country="FR",
    )
    # Hidden: no person, a draft organization (with words of its own).
    f.ParticipantFactory(
        meeting=meeting,
        person=None,
        organization=f.OrganizationFactory(name="Secret Office", status=DRAFT),
        description="Office clerk",
        represented_country="DE",
    )
    # Visible: a published person, shown without their draft organization.
    f.ParticipantFactory(
        meeting=meeting,
        person__name="Bob Adviser",
        organization=f.OrganizationFactory(name="Shadow Agency", status=DRAFT),
        role="Adviser",
        represented_country="IT",
    )
    # Visible: a group described in words.
    f.ParticipantFactory(meeting=meeting, person=None, organization=None, description="Journalists", role="")
    meeting.refresh_search()
    return meeting


def assert_no_trace(text, where):
    # Country names stand in every list's country filter: a trace is a participant "representing" one.
    for word in TRACES + ["representing France", "representing Germany", "[FR]", "[DE]", "FR |", "| DE"]:
        assert word not in text, (where, word)


def listed(client, query):
    return re.findall(r'<li>\s*<a href="/meetings/([^"/]+)/">', body(client.get("/meetings/" + query)))


def test_the_meeting_page_shows_only_the_visible_participants(client, meeting):
    text = body(client.get(meeting.get_absolute_url()))
    assert_no_trace(text, "page")
    participants = re.search(r"<h2>Participants</h2>.*?<ul>(.*?)</ul>", text, re.S).group(1)
    assert participants.count("<li>") == 3
    assert "Ana Petrovic</a>, Minister — <a" in participants and "Open Ministry" in participants
    assert "Bob Adviser</a>, Adviser (representing Italy)" in participants
    assert "<li>Journalists\n</li>" in participants


def test_exports_carry_only_the_visible_participants_and_their_countries(client, meeting):
    [row] = csv_rows(client.get("/meetings/export.csv"))
    assert (
        row["participants"] == "Ana Petrovic (Minister, Open Ministry) [RS] | Bob Adviser (Adviser) [IT] | Journalists"
    )
    assert row["countries_represented"] == "IT | RS"
    [item] = json_results(client.get("/meetings/export.json"))
    assert (item["participants"], item["countries_represented"]) == (row["participants"], "IT | RS")
    for url in ["/meetings/export.csv", "/meetings/export.json"]:
        assert_no_trace(body(client.get(url)), url)


def test_a_hidden_participant_makes_no_meeting_findable(client, meeting):
    for country in ["FR", "DE"]:
        assert listed(client, f"?country={country}") == [], country
        assert "0 results." in body(client.get(f"/meetings/?country={country}")), country
        assert csv_rows(client.get(f"/meetings/export.csv?country={country}")) == [], country
        assert "<entry>" not in body(client.get(f"/feeds/meetings/?country={country}")), country
        assert "Talks on museum loans" not in body(client.get(f"/countries/{country}/")), country
    assert listed(client, "?country=IT") == ["talks"] and "1 result." in body(client.get("/meetings/?country=IT"))
    assert "Talks on museum loans" in body(client.get("/countries/IT/"))

    # The published organization took part only through a hidden person here (Ana's row names it too: drop it).
    Participant.objects.filter(person__name="Ana Petrovic").update(organization=None)
    assert "Talks on museum loans" not in body(
        client.get(reverse("meetings:organization_detail", args=["open-ministry"]))
    )
    assert listed(client, "?organization=open-ministry") == []

    for words in ["Quiet delegation", "Office clerk", "Hidden Person"]:
        assert "Talks on museum loans" not in body(client.get("/search/", {"q": words})), words
        assert listed(client, "?" + f"q={words}") == [], words
    for url in ["/", "/meetings/", "/feeds/meetings/", "/search/?q=museum+loans", "/countries/IT/"]:
        assert_no_trace(body(client.get(url)), url)


def test_once_published_the_participant_shows_with_its_role_and_country(client, meeting):
    person = meeting.participants.get(person__name="Hidden Person").person
    person.status = PublishStatus.PUBLISHED
    person.save()  # re-indexes its meetings
    text = body(client.get(meeting.get_absolute_url()))
    assert "Hidden Person</a>, Secret envoy — <a" in text and "(representing France)" in text
    assert listed(client, "?country=FR") == ["talks"]
    assert "Talks on museum loans" in body(client.get("/search/", {"q": "Quiet delegation"}))
    [row] = csv_rows(client.get("/meetings/export.csv"))
    assert "Hidden Person (Secret envoy, Open Ministry) [FR]" in row["participants"]
    assert row["countries_represented"] == "FR | IT | RS"
