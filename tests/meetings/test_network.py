"""Who met whom as a network (/meetings/network/): the people or organizations present at most of the filtered
meetings, as links drawn on the server, and the meetings each two shared as a table; the list's filters apply,
drafts and hidden participants never count, the work is bounded however many meetings match."""

import datetime
import re

import pytest
from django.urls import reverse

from heritage.models import PublishStatus
from meetings import network
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("meetings:meeting_network")


def page(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def pairs(body):
    """The pairs table: (first, second, meetings together)."""
    if 'id="pairs-heading"' not in body:
        return []
    link = r'<a href="[^"]+">([^<]+)</a>'
    rows = re.findall(
        rf'<tr><th scope="row">{link}</th><td>{link}</td><td><a href="[^"]+">([\d,]+)</a></td></tr>', body
    )
    return [(a, b, int(n.replace(",", ""))) for a, b, n in rows]


def nodes(body):
    """The nodes drawn, in their order: (link, accessible name)."""
    return re.findall(r'<a class="network-node" href="([^"]+)" aria-label="([^"]+)">', body)


@pytest.fixture
def register():
    karimov = f.PersonFactory(name="Anar Karimov", slug="karimov")
    blagojevic = f.PersonFactory(name="Nikola Blagojević", slug="blagojevic")
    frausto = f.PersonFactory(name="Alejandra Frausto", slug="frausto")
    hidden = f.PersonFactory(name="Hidden adviser", slug="hidden", status=PublishStatus.DRAFT)
    ministry_az = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", slug="moc-az")
    ministry_rs = f.OrganizationFactory(name="Ministry of Culture of Serbia", slug="moc-rs")
    unesco = f.OrganizationFactory(name="UNESCO", slug="unesco")
    for year, others in [(2019, [blagojevic]), (2022, [blagojevic, frausto]), (2023, [blagojevic, hidden])]:
        meeting = f.MeetingFactory(title=f"Talks {year}", date=datetime.date(year, 5, 1))
        f.ParticipantFactory(meeting=meeting, person=karimov, organization=ministry_az, represented_country="AZ")
        for other in others:
            f.ParticipantFactory(meeting=meeting, person=other, organization=ministry_rs, represented_country="RS")
    # Karimov twice at one meeting (two roles): still one meeting shared.
    f.ParticipantFactory(meeting=meeting, person=karimov, role="Chair")
    # An organization without a person, and a hidden person who would tie UNESCO to Serbia's ministry.
    f.ParticipantFactory(meeting=meeting, person=None, organization=unesco)
    f.ParticipantFactory(meeting=meeting, person=hidden, organization=unesco)
    draft = f.MeetingFactory(title="Draft talks", date=datetime.date(2024, 1, 1), status=PublishStatus.DRAFT)
    f.ParticipantFactory(meeting=draft, person=karimov, organization=ministry_az)
    f.ParticipantFactory(meeting=draft, person=frausto, organization=unesco)
    return karimov


def test_the_network_counts_the_meetings_each_two_people_shared(client, register):
    body = page(client)
    assert pairs(body) == [
        ("Anar Karimov", "Nikola Blagojević", 3),
        ("Anar Karimov", "Alejandra Frausto", 1),
        ("Nikola Blagojević", "Alejandra Frausto", 1),
    ]
    assert "Drawn from 3 meetings." in body
    # Most meetings first: the order of the keyboard's Tab, each node a link to the person's page with a name.
    assert nodes(body) == [
        ("/people/karimov/", "Anar Karimov: 3 meetings"),
        ("/people/blagojevic/", "Nikola Blagojević: 3 meetings"),
        ("/people/frausto/", "Alejandra Frausto: 1 meeting"),
    ]
    assert "<title>Anar Karimov and Nikola Blagojević: 3 meetings together</title>" in body


def test_drafts_never_count(client, register):
    body = page(client)
    assert "Hidden adviser" not in body and "/people/hidden/" not in body
    # Frausto and Karimov were together at the draft meeting too: it does not count.
    assert ("Anar Karimov", "Alejandra Frausto", 1) in pairs(body)
    assert "Draft talks" not in body


def test_the_network_by_organization(client, register):
    body = page(client, "?by=organization")
    # UNESCO's person is hidden, but UNESCO came on its own too; the hidden person's ties do not count.
    assert pairs(body) == [
        ("Ministry of Culture of Azerbaijan", "Ministry of Culture of Serbia", 3),
        ("Ministry of Culture of Azerbaijan", "UNESCO", 1),
        ("Ministry of Culture of Serbia", "UNESCO", 1),
    ]
    assert ("/organizations/moc-az/", "Ministry of Culture of Azerbaijan: 3 meetings") in nodes(body)


def test_the_list_filters_apply(client, register):
    body = page(client, "?date_from=2022-01-01&person=frausto")
    assert "Drawn from 1 meeting." in body
    assert pairs(body) == [
        ("Anar Karimov", "Nikola Blagojević", 1),
        ("Anar Karimov", "Alejandra Frausto", 1),
        ("Nikola Blagojević", "Alejandra Frausto", 1),
    ]
    # The names lead to the meeting list under the same filters; the list link keeps them too.
    assert 'href="/meetings/?date_from=2022-01-01&amp;person=karimov"' in body
    assert 'href="/meetings/?date_from=2022-01-01&amp;person=frausto">These meetings as a list' in body
    assert pairs(page(client, "?country=RS&date_to=2019-12-31")) == [("Anar Karimov", "Nikola Blagojević", 1)]


def test_nothing_found_says_so(client, register):
    body = page(client, "?date_from=2030-01-01")
    assert "No meetings match these filters." in body
    assert "<svg" not in body


def test_invalid_values_are_named_and_ignored(client, register):
    body = page(client, "?by=country&date_from=soon")
    assert "“country” is not a way to draw the network" in body
    assert "This filter was ignored." in body
    assert ("Anar Karimov", "Nikola Blagojević", 3) in pairs(body)


def test_blank_parameters_redirect_to_the_clean_address(client, register):
    response = client.get(URL + "?q=&person=karimov&by=person")
    assert response.status_code == 302
    assert response["Location"] == URL + "?person=karimov&by=person"


def test_the_meeting_list_and_record_pages_link_to_the_network(client, register):
    assert f'href="{URL}?country=AZ"' in client.get("/meetings/?country=AZ").content.decode()
    assert f'href="{URL}?person=karimov"' in client.get("/people/karimov/").content.decode()
    assert (
        f'href="{URL}?organization=moc-az&amp;by=organization"' in client.get("/organizations/moc-az/").content.decode()
    )
    assert f'href="{URL}?country=AZ"' in client.get("/countries/AZ/").content.decode()


def test_a_large_set_is_capped_to_its_newest_meetings(client, register, monkeypatch):
    monkeypatch.setattr(network, "MEETING_CAP", 2)
    body = page(client)
    assert "Drawn from the newest 2 of 3 meetings found" in body
    # 2022 and 2023 only.
    assert ("Anar Karimov", "Nikola Blagojević", 2) in pairs(body)


def test_only_the_most_present_are_drawn(client, register, monkeypatch):
    monkeypatch.setattr(network, "NODE_LIMIT", 2)
    assert pairs(page(client)) == [("Anar Karimov", "Nikola Blagojević", 3)]


def test_the_network_costs_a_fixed_number_of_queries(client, register, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as few:
        page(client, "?person=karimov")
    for n in range(30):
        meeting = f.MeetingFactory(date=datetime.date(2020, 1, 1 + n % 28))
        f.ParticipantFactory(meeting=meeting, person=register)
        f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name=f"Counterpart {n}"))
        f.ParticipantFactory(meeting=meeting, person=None, organization=f.OrganizationFactory(name=f"Body {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = page(client, "?person=karimov")
    assert len(nodes(body)) == 33
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, "?by=organization")
