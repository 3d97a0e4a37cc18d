"""Issue 17's "done when", in a real browser: a reader finds the meetings of Anar Karimov with Serbian officials by
typing names, sees them on the chart of the list and on the network, and a pair's count opens exactly the meetings
the two shared. Drafts stay out all the way."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from heritage.models import PublishStatus
from meetings.models import Person
from sitewide.demo import load_demo
from tests import factories as f
from tests.gates.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register():
    """The demo's meetings (Karimov with Serbia's Blagojevic, and with Mexico's officials, in 2022), a second
    meeting with Serbian officials in 2023, and one at which only a draft adviser stood for Serbia."""
    load_demo(register=False)
    karimov = Person.objects.get(slug="anar-karimov")
    blagojevic = Person.objects.get(slug="stanko-blagojevic")
    selakovic = f.PersonFactory(name="Nikola Selaković", slug="nikola-selakovic", country="RS")
    adviser = f.PersonFactory(name="Unnamed adviser", country="RS", status=PublishStatus.DRAFT)
    belgrade = f.MeetingFactory(
        title="Anar Karimov meets Serbian officials in Belgrade", date=datetime.date(2023, 4, 12)
    )
    for person, country in [(karimov, "AZ"), (selakovic, "RS"), (blagojevic, "RS")]:
        f.ParticipantFactory(meeting=belgrade, person=person, represented_country=country)
    hidden = f.MeetingFactory(title="Anar Karimov meets an adviser", date=datetime.date(2023, 6, 1))
    f.ParticipantFactory(meeting=hidden, person=karimov, represented_country="AZ")
    f.ParticipantFactory(meeting=hidden, person=adviser, represented_country="RS")


def test_a_reader_finds_karimovs_meetings_with_serbian_officials_on_the_list_the_chart_and_the_network(page, register):
    page.goto("/meetings/")
    person = page.get_by_role("combobox", name="Person", exact=True)
    person.press_sequentially("Anar Karimov")
    listbox = page.locator("#" + person.get_attribute("aria-controls"))
    expect(listbox.get_by_role("option")).to_have_text(["Anar Karimov"])
    person.press("ArrowDown")
    person.press("Enter")
    expect(person).to_have_value("Anar Karimov")
    page.get_by_label("With country represented", exact=True).select_option("RS")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/meetings/\?person=anar-karimov&with_country=RS$"))

    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("status")).to_have_text("2 results.")
    expect(results).to_contain_text("Anar Karimov meets Serbian Deputy Minister of Culture and Information")
    expect(results).to_contain_text("Anar Karimov meets Serbian officials in Belgrade")
    expect(results).not_to_contain_text("Marina Nunez Bespalova")  # Mexico's
    expect(results).not_to_contain_text("meets an adviser")  # only a draft stood for Serbia
    # The chart of the list follows the filters: one meeting in 2022, one in 2023.
    chart = results.get_by_role("figure", name=re.compile("Meetings per year"))
    expect(chart).to_be_visible()
    expect(chart.get_by_role("img")).to_have_accessible_name(re.compile(r"Meetings per year: 2 in all, 2022–2023"))
    expect(page.get_by_text("Person: Anar Karimov")).to_be_visible()
    expect(page.get_by_text("With country represented: Serbia")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Who met whom among these meetings").click()
    page.wait_for_url(re.compile(r"/meetings/network/\?person=anar-karimov&with_country=RS$"))
    expect(page.get_by_role("status")).to_have_text(re.compile("Drawn from 2 meetings."))
    network = page.get_by_role("figure", name=re.compile("Who met whom: people"))
    expect(network.get_by_role("link", name="Stanko Blagojevic: 2 meetings")).to_be_visible()
    pairs = page.locator("table.network-table").first
    pair = (
        pairs.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="Anar Karimov"))
        .filter(has_text="Stanko Blagojevic")
    )
    expect(pair.get_by_role("cell").last).to_have_text("2")
    assert axe_violations(page) == []

    # The pair's count opens the meetings the two shared, under the same filters.
    pair.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"/meetings/\?person=anar-karimov&with_country=RS&with_person=stanko-blagojevic$"))
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("status")).to_have_text("2 results.")
    expect(page.get_by_role("combobox", name="With person", exact=True)).to_have_value("Stanko Blagojevic")
    expect(results.get_by_role("figure", name=re.compile("Meetings per year"))).to_be_visible()


def test_a_counterpart_on_a_person_page_leads_to_the_meetings_they_shared(page, register):
    page.goto("/people/anar-karimov/")
    counterparts = page.get_by_role("region", name="Met most often")
    row = counterparts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Stanko Blagojevic"))
    row.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"/meetings/\?person=anar-karimov&with_person=stanko-blagojevic$"))
    expect(page.get_by_role("region", name="Results").get_by_role("status")).to_have_text("2 results.")
