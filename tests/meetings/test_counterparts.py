"""Who met whom: on a person's, an organization's and a country's page, the counterparts met most often, with the
number of meetings together and their years; drafts and hidden participants never count."""

import datetime
import re

import pytest

from heritage.models import PublishStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def counterpart_rows(client, url):
    body = client.get(url).content.decode()
    if 'id="counterparts-heading"' not in body:
        return []
    section = body.split('id="counterparts-heading"')[1].split("</section>")[0]
    rows = re.findall(
        r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th>'
        r'<td><a href="[^"]+">(\d+)</a></td><td>([^<]+)</td></tr>',
        section,
    )
    return [(name, int(n), years) for _, name, n, years in rows]


@pytest.fixture
def meetings():
    karimov = f.PersonFactory(name="Anar Karimov", slug="karimov")
    blagojevic = f.PersonFactory(name="Nikola Blagojević", slug="blagojevic")
    frausto = f.PersonFactory(name="Alejandra Frausto", slug="frausto")
    hidden = f.PersonFactory(name="Hidden adviser", status=PublishStatus.DRAFT)
    ministry_az = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", slug="moc-az")
    ministry_rs = f.OrganizationFactory(name="Ministry of Culture of Serbia", slug="moc-rs")
    for year, others in [(2019, [blagojevic]), (2022, [blagojevic, frausto]), (2023, [blagojevic, hidden])]:
        meeting = f.MeetingFactory(date=datetime.date(year, 5, 1))
        f.ParticipantFactory(meeting=meeting, person=karimov, organization=ministry_az, represented_country="AZ")
        for other in others:
            f.ParticipantFactory(meeting=meeting, person=other, organization=ministry_rs, represented_country="RS")
    draft = f.MeetingFactory(date=datetime.date(2024, 1, 1), status=PublishStatus.DRAFT)
    f.ParticipantFactory(meeting=draft, person=karimov)
    f.ParticipantFactory(meeting=draft, person=frausto)
    return karimov


def test_a_person_page_names_who_they_met_most_often(client, meetings):
    assert counterpart_rows(client, "/people/karimov/") == [
        ("Nikola Blagojević", 3, "2019–2023"),
        ("Alejandra Frausto", 1, "2022"),
    ]


def test_an_organization_page_names_the_organizations_met(client, meetings):
    assert counterpart_rows(client, "/organizations/moc-az/") == [("Ministry of Culture of Serbia", 3, "2019–2023")]


def test_a_country_page_names_the_countries_met(client, meetings):
    assert counterpart_rows(client, "/countries/AZ/") == [("Serbia", 3, "2019–2023")]


def test_a_record_met_by_nobody_has_no_such_section(client):
    f.PersonFactory(name="Alone", slug="alone")
    assert counterpart_rows(client, "/people/alone/") == []


def test_the_counterparts_cost_a_fixed_number_of_queries(client, meetings, django_assert_max_num_queries):
    for n in range(5):
        meeting = f.MeetingFactory()
        f.ParticipantFactory(meeting=meeting, person=meetings)
        f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name=f"Counterpart {n}"))
    with django_assert_max_num_queries(12):
        client.get("/people/karimov/")
