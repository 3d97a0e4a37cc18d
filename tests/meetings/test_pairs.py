"""Who met whom, as lists (issue 17): the meeting list's ``with_person``, ``with_organization`` and ``with_country``
name the other side of a pair; every counterparts row and every pair of the network links to the meetings the two
shared, and the count shown is the number of rows that list shows. Drafts and hidden participants never count."""

import datetime
import html
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


def titles(client, query):
    """The titles the meeting list shows for ``query`` (one page is enough here), after checking its count."""
    response = client.get("/meetings/" + query)
    assert response.status_code == 200, query
    text = body(response)
    found = [html.unescape(t) for t in re.findall(r'<li>\s*<a href="/meetings/[^"/]+/">([^<]+)</a>', text)]
    count = re.search(r'<p class="result-count" role="status">(\d+) results?\.</p>', text)
    assert count and int(count.group(1)) == len(found), query
    return found


def list_link_rows(text, heading_id):
    """(name of the row, count shown, its link) of each row of the table under ``heading_id``."""
    section = text.split(f'id="{heading_id}"')[1].split("</section>")[0]
    return [
        (html.unescape(name), int(n.replace(",", "")), html.unescape(href))
        for name, href, n in re.findall(
            r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th>(?:<td><a href="[^"]+">[^<]+</a></td>)?'
            r'<td><a href="([^"]+)">([\d,]+)</a></td>',
            section,
        )
    ]


@pytest.fixture
def register():
    """Karimov (Azerbaijan) met Serbia's Blagojević three times, once with Mexico's Frausto too; a hidden Serbian
    adviser, a draft meeting and a meeting at which Karimov himself stood for Serbia must never count."""
    people = {
        "karimov": f.PersonFactory(name="Anar Karimov", slug="anar-karimov", alternative_names="Анар Керимов"),
        "blagojevic": f.PersonFactory(name="Nikola Blagojević", slug="blagojevic"),
        "frausto": f.PersonFactory(name="Alejandra Frausto", slug="frausto"),
        "hidden": f.PersonFactory(name="Hidden adviser", slug="hidden", status=PublishStatus.DRAFT),
    }
    moc_az = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", slug="moc-az")
    moc_rs = f.OrganizationFactory(name="Ministry of Culture of Serbia", slug="moc-rs", country="RS")
    moc_mx = f.OrganizationFactory(name="Secretariat of Culture of Mexico", slug="moc-mx", country="MX")
    draft_body = f.OrganizationFactory(name="Secret council", slug="draft-council", status=PublishStatus.DRAFT)

    def meeting(title, year, *others, status=PublishStatus.PUBLISHED, karimov_for="AZ"):
        m = f.MeetingFactory(title=title, date=datetime.date(year, 5, 1), status=status)
        f.ParticipantFactory(meeting=m, person=people["karimov"], organization=moc_az, represented_country=karimov_for)
        for person, organization, country in others:
            f.ParticipantFactory(meeting=m, person=person, organization=organization, represented_country=country)
        return m

    rs = (people["blagojevic"], moc_rs, "RS")
    meeting("Talks in Belgrade", 2019, rs)
    meeting("Talks in Mexico City", 2022, rs, (people["frausto"], moc_mx, "MX"))
    meeting("Talks in Baku", 2023, rs, (people["hidden"], moc_rs, "RS"))
    meeting("Talks with Mexico", 2023, (people["frausto"], moc_mx, "MX"))
    # Only hidden participants stood for Serbia: a hidden person, and a draft organization without a person.
    meeting("Talks with an adviser", 2021, (people["hidden"], moc_rs, "RS"), (None, draft_body, "RS"))
    # Karimov twice (two roles), once for Serbia: nobody else did.
    m = meeting("Talks as a go-between", 2020, (people["frausto"], moc_mx, "MX"), karimov_for="RS")
    f.ParticipantFactory(meeting=m, person=people["karimov"], organization=moc_rs, role="Envoy")
    meeting("Draft talks", 2024, rs, (people["frausto"], moc_mx, "MX"), status=PublishStatus.DRAFT)
    return people


def test_a_persons_meetings_with_a_countrys_officials(client, register):
    # Someone other than Karimov, whom the public may see, represented Serbia.
    assert titles(client, "?person=anar-karimov&with_country=RS") == [
        "Talks in Baku",
        "Talks in Mexico City",
        "Talks in Belgrade",
    ]
    # Without a person chosen, with_country is any visible participant, as country is.
    assert titles(client, "?with_country=RS") == titles(client, "?country=RS")
    assert "Talks as a go-between" in titles(client, "?with_country=RS")
    # Not of the organization chosen: only Karimov, of his own ministry, stood for Serbia besides its ministry.
    assert titles(client, "?organization=moc-rs&with_country=RS") == ["Talks as a go-between"]
    assert titles(client, "?organization=moc-az&with_country=MX") == [
        "Talks with Mexico",
        "Talks in Mexico City",
        "Talks as a go-between",
    ]


def test_a_pair_of_people_and_of_organizations(client, register):
    assert titles(client, "?person=anar-karimov&with_person=frausto") == [
        "Talks with Mexico",
        "Talks in Mexico City",
        "Talks as a go-between",
    ]
    # Repeated: each one named took part.
    assert titles(client, "?person=anar-karimov&with_person=frausto&with_person=blagojevic") == ["Talks in Mexico City"]
    assert titles(client, "?with_person=frausto&with_person=blagojevic") == ["Talks in Mexico City"]
    assert titles(client, "?organization=moc-az&with_organization=moc-mx&with_country=RS") == ["Talks in Mexico City"]
    assert titles(client, "?person=frausto&with_organization=moc-rs") == [
        "Talks in Mexico City",
        "Talks as a go-between",
    ]


def test_names_typed_for_the_other_side_resolve_to_slugs(client, register):
    response = client.get("/meetings/?person=Керимов&with_person=Nikola+Blagojevic&with_person=frausto")
    assert response.status_code == 302
    assert response["Location"] == "/meetings/?person=anar-karimov&with_person=blagojevic&with_person=frausto"
    text = body(client.get(response["Location"]))
    # The box shows the last name; the one before rides along, hidden, and each has its chip.
    assert '<input type="hidden" name="with_person" value="blagojevic">' in text
    assert re.search(r'<input type="text" name="with_person" value="Alejandra Frausto"', text)
    assert 'id="id_with_person_helptext"' in text
    chips = re.findall(r'<li>With person: <strong>([^<]+)</strong> <a href="([^"]+)"', text)
    assert [(name, html.unescape(url)) for name, url in chips] == [
        ("Nikola Blagojević", "?person=anar-karimov&with_person=frausto"),
        ("Alejandra Frausto", "?person=anar-karimov&with_person=blagojevic"),
    ]


def test_an_ambiguous_name_offers_a_choice_that_keeps_the_other_values(client, register):
    f.PersonFactory(name="Alejandro Frausto Ruiz", slug="frausto-ruiz")
    text = body(client.get("/meetings/?with_person=blagojevic&with_person=Frausto"))
    assert "Several records match “Frausto”: choose one below." in text
    assert 'href="?with_person=blagojevic&amp;with_person=frausto-ruiz"' in text
    # The value not understood is in the box, the other kept hidden; the filter is ignored meanwhile.
    assert re.search(r'<input type="text" name="with_person" value="Frausto"', text)
    assert '<input type="hidden" name="with_person" value="blagojevic">' in text


def test_drafts_are_not_a_side(client, register):
    text = body(client.get("/meetings/?person=anar-karimov&with_person=hidden"))
    assert "were not understood" in text and "Nothing matches “hidden”" in text
    assert "Hidden adviser" not in text
    assert "were not understood" in body(client.get("/meetings/?with_organization=draft-council"))
    assert "At most 10 at once." in body(client.get("/meetings/?" + "&".join(["with_person=frausto"] * 11)))


def test_counterparts_rows_link_to_exactly_the_meetings_they_count(client, register):
    for page, expected in [
        ("/people/anar-karimov/", ["Nikola Blagojević", "Alejandra Frausto"]),
        ("/organizations/moc-az/", ["Ministry of Culture of Serbia", "Secretariat of Culture of Mexico"]),
        ("/countries/AZ/", ["Serbia", "Mexico"]),
        ("/countries/RS/", ["Azerbaijan", "Mexico"]),
        ("/people/frausto/", ["Anar Karimov", "Nikola Blagojević"]),
    ]:
        rows = list_link_rows(body(client.get(page)), "counterparts-heading")
        assert [name for name, _n, _url in rows] == expected, page
        for name, n, url in rows:
            assert len(titles(client, url.removeprefix("/meetings/"))) == n, (page, name, url)
    rows = list_link_rows(body(client.get("/people/anar-karimov/")), "counterparts-heading")
    assert rows[0] == ("Nikola Blagojević", 3, "/meetings/?person=anar-karimov&with_person=blagojevic")
    assert list_link_rows(body(client.get("/countries/AZ/")), "counterparts-heading")[0] == (
        "Serbia",
        3,
        "/meetings/?country=AZ&with_country=RS",
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?by=organization",
        "?person=frausto",
        "?person=anar-karimov&with_country=RS",
        "?with_country=RS",
        "?with_country=AZ",
        "?organization=moc-rs",
        "?organization=moc-az&with_country=MX&by=organization",
        "?with_person=frausto&date_from=2022-01-01",
    ],
)
def test_every_pair_of_the_network_links_to_exactly_the_meetings_it_counts(client, register, query):
    text = body(client.get("/meetings/network/" + query))
    rows = list_link_rows(text, "pairs-heading")
    assert rows, query
    for name, n, url in rows:
        assert len(titles(client, url.removeprefix("/meetings/"))) == n, (query, name, url)


def test_the_journeys_pair_on_the_network_and_its_list(client, register):
    text = body(client.get("/meetings/network/?person=anar-karimov&with_country=RS"))
    assert "Drawn from 3 meetings." in text
    rows = list_link_rows(text, "pairs-heading")
    assert rows[0] == (
        "Anar Karimov",
        3,
        "/meetings/?person=anar-karimov&with_country=RS&with_person=blagojevic",
    )
    assert "Hidden adviser" not in text
    # The list the pair leads to draws its own chart: these meetings per year, and nothing else.
    listed = body(client.get(rows[0][2]))
    chart = listed.split('id="meetings-by-year-caption"')[1]
    assert re.findall(r'<tr><th scope="row">(\d+)</th><td>(\d+)</td></tr>', chart) == [
        ("2019", "1"),
        ("2020", "0"),
        ("2021", "0"),
        ("2022", "1"),
        ("2023", "1"),
    ]
    assert 'href="/meetings/network/?person=anar-karimov&amp;with_country=RS&amp;with_person=blagojevic"' in listed


def test_the_queries_of_a_pair_list_and_network_do_not_grow_with_rows(client, register, django_assert_max_num_queries):
    list_query = "/meetings/?person=anar-karimov&with_person=blagojevic&with_person=frausto&with_country=RS"
    network_query = "/meetings/network/?person=anar-karimov&with_country=RS&with_organization=moc-rs"
    # The list's budget (tests/meetings/test_public.py) plus one look-up per name given on the other side.
    with django_assert_max_num_queries(8 + 3 + 2) as few_list:
        client.get(list_query)
    with django_assert_max_num_queries(6 + 1) as few_network:  # the network's budget (test_network.py), one name more
        client.get(network_query)
    people = register
    moc_rs = f.OrganizationFactory(name="Ministry of Culture of Serbia, again")
    for n in range(30):
        m = f.MeetingFactory(title=f"More talks {n}", date=datetime.date(2018, 1, 1 + n % 28))
        f.ParticipantFactory(meeting=m, person=people["karimov"], represented_country="AZ")
        f.ParticipantFactory(meeting=m, person=people["blagojevic"], organization=moc_rs, represented_country="RS")
        f.ParticipantFactory(meeting=m, person=people["frausto"], represented_country="MX")
        f.ParticipantFactory(meeting=m, person=f.PersonFactory(name=f"Official {n}"), represented_country="RS")
    cache.clear()
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        assert len(titles(client, list_query.removeprefix("/meetings/"))) == 31
    with django_assert_max_num_queries(len(few_network.captured_queries)):
        client.get(network_query)
