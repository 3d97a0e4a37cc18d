"""Journeys through the site in a real browser, as the people who use it take them (issue 5, journeys 1 to 5)."""

import copy
import csv
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Event, Meeting, Person
from monuments.models import Condition, Monument
from sitewide.demo import load_demo
from tests import factories as f
from tests.gates.browser.conftest import log_in
from tests.gates.pages import PAGE_STATUS, PUBLIC_PAGES, build_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Journey 1 ----------------------------------------------------------------------------------------------------------


def test_visitor_searches_finds_the_serbian_meeting_and_copies_its_citation(new_page, live_server):
    load_demo()
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/")
    box = page.get_by_label("Search monuments, meetings, people, organizations and events")
    box.fill("MONDIACULT")
    box.press("Enter")
    page.wait_for_url("**/search/?q=MONDIACULT")

    event = Event.objects.get(slug="mondiacult-2022")
    page.get_by_role("region", name="Events").get_by_role("link", name="MONDIACULT 2022").click()
    page.wait_for_url(f"**{event.get_absolute_url()}")
    page.get_by_role("link", name=re.compile("Serbian Deputy Minister")).click()

    meeting = Meeting.objects.get(slug="karimov-blagojevic-mexico-2022")
    page.wait_for_url(f"**{meeting.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
    participants = page.locator("h2:text-is('Participants') ~ ul").first
    expect(participants).to_contain_text("Stanko Blagojevic, Deputy Minister of Culture and Information")
    expect(participants).to_contain_text("(representing Serbia)")
    expect(participants).to_contain_text("Anar Karimov, Minister of Culture")
    expect(page.locator("h2:text-is('Topics') + ul")).to_contain_text("Museum cooperation")
    expect(page.locator("h2:text-is('Outcomes') ~ ul").first).to_contain_text("Proposal")
    sources = page.get_by_role("region", name="Sources")
    expect(sources).to_contain_text("Azernews, Laman Ismayilova, 5 October 2022")

    citation = page.locator("#citation").inner_text()
    assert meeting.title in citation and f"{live_server.url}{meeting.get_absolute_url()}" in citation
    page.get_by_role("button", name="Copy the citation").click()
    expect(page.get_by_role("region", name="Cite this record").get_by_role("status")).to_have_text("Citation copied.")
    assert page.evaluate("navigator.clipboard.readText()") == citation


# Journey 2 ----------------------------------------------------------------------------------------------------------


def test_visitor_filters_pages_through_opens_a_record_and_downloads_the_same_rows(new_page, live_server):
    mosque, church = f.MonumentTypeFactory(name="Mosque"), f.MonumentTypeFactory(name="Church")
    destroyed = [
        f.MonumentFactory(name=f"Mosque {n:02d}", monument_type=mosque, current_condition=Condition.DESTROYED)
        for n in range(52)
    ]
    for n in range(3):
        f.MonumentFactory(name=f"Damaged mosque {n}", monument_type=mosque, current_condition=Condition.DAMAGED)
        f.MonumentFactory(name=f"Church {n}", monument_type=church, current_condition=Condition.DESTROYED)
    f.MonumentFactory(name="Mosque draft", monument_type=mosque, current_condition="destroyed", status="draft")

    page = new_page()
    page.goto(reverse("monuments:monument_list"))
    page.get_by_role("group", name="Type").get_by_label("Mosque").check()
    conditions = page.get_by_role("group", name="Current condition")
    conditions.get_by_label(re.compile(r"^\s*Destroyed\b")).check()
    conditions.get_by_label(re.compile(r"^\s*Damaged\b")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".result-count")).to_have_text("55 results.")

    page.get_by_role("link", name="Remove filter Current condition: Damaged").click()
    expect(page.locator(".result-count")).to_have_text("52 results.")
    assert page.get_by_role("region", name="Filters applied").get_by_role("listitem").all_inner_texts() == [
        "Type: Mosque remove",
        "Current condition: Destroyed remove",
    ]

    # Page through: the list is by name, 50 to a page.
    listed = row_links(page)
    assert len(listed) == 50
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")).to_have_text("2")
    listed += row_links(page)
    expected = sorted(destroyed, key=lambda m: m.name)
    assert listed == [m.get_absolute_url() for m in expected]

    page.get_by_role("link", name="Mosque 51").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mosque 51")
    expect(page.locator(".facts")).to_contain_text("Destroyed")
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    with Path(download.path()).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Every filtered row, in the list's order, and nothing else (the download ignores the page number).
    assert [row["url"] for row in rows] == [live_server.url + url for url in listed]
    assert {(row["type"], row["current_condition"]) for row in rows} == {("Mosque", "destroyed")}


def row_links(page):
    return page.locator(".record-list > li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


# Journey 3 ----------------------------------------------------------------------------------------------------------

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def test_map_loads_markers_for_the_filtered_set_and_a_popup_links_to_the_record(new_page, network, settings):
    # A base map on another host, allowed by the policy as production allows it; its tiles are answered locally.
    settings.MAP_TILE_URL = TILES
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append("https://tiles.example.org")
    settings.CONTENT_SECURITY_POLICY = policy
    # Far apart, so that none share a cluster cell at the first zoom.
    destroyed = {
        "Bibi-Heybat Mosque": (40.30, 49.83),
        "Old Bridge of Rome": (41.90, 12.50),
        "Chapel of Mexico City": (19.43, -99.13),
    }
    for name, (lat, lon) in destroyed.items():
        f.MonumentFactory(name=name, latitude=lat, longitude=lon, current_condition=Condition.DESTROYED)
    f.MonumentFactory(name="Intact tower", latitude=48.85, longitude=2.35, current_condition=Condition.INTACT)
    f.MonumentFactory(name="Unplaced ruin", current_condition=Condition.DESTROYED)  # no coordinates: not on a map
    f.MonumentFactory(
        name="Draft ruin", latitude=-33.9, longitude=18.4, current_condition=Condition.DESTROYED, status="draft"
    )

    page = new_page()
    page.goto(reverse("monuments:monument_map") + "?condition=destroyed")
    markers = page.locator("#monument-map path.leaflet-interactive")
    expect(markers).to_have_count(len(destroyed))
    assert network.tiles and all(url.startswith("https://tiles.example.org/") for url in network.tiles)

    names = {}
    for index in range(len(destroyed)):
        markers.nth(index).click()
        link = page.locator(".leaflet-popup-content a")
        expect(link).to_have_count(1)
        names[link.inner_text()] = link.get_attribute("href")
        page.keyboard.press("Escape")
        expect(link).to_have_count(0)
    assert names == {name: Monument.objects.get(name=name).get_absolute_url() for name in destroyed}

    markers.first.click()
    page.locator(".leaflet-popup-content a").click()
    page.wait_for_url(re.compile("/monuments/[^/]+/$"))
    assert page.get_by_role("heading", level=1).inner_text() in destroyed

    # Unfiltered, the map reads its pre-counted cells: every published monument with a position, no draft.
    page.goto(reverse("monuments:monument_map"))
    expect(page.locator("#monument-map path.leaflet-interactive")).to_have_count(len(destroyed) + 1)


# Journey 4 ----------------------------------------------------------------------------------------------------------

TITLE = "Culture ministers discuss museum loans"
NEW_PERSON = "Ana Lopez"


def pick_in_autocomplete(page, select_id, text):
    """Open the select2 box standing for ``select_id``, type ``text`` and pick the first matching choice."""
    page.locator(f"#{select_id} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_drafts_a_meeting_and_a_publisher_publishes_it(new_page, editor, publisher):
    load_demo()
    editor_page = new_page()
    log_in(editor_page, editor.username)
    editor_page.goto(reverse("admin:meetings_meeting_add"))

    editor_page.locator("#id_title").fill(TITLE)
    editor_page.locator("#id_date").fill("2023-04-12")

    # The first participant is someone already in the register, picked through the autocomplete.
    pick_in_autocomplete(editor_page, "id_participants-0-person", "Stanko Blagojevic")
    editor_page.locator("#id_participants-0-role").fill("Deputy Minister of Culture")
    editor_page.locator("#id_participants-0-represented_country").select_option("RS")

    # The second is new: added through the autocomplete's "+" popup, which hands the new person back to the form.
    editor_page.get_by_role("button", name=re.compile("Add another Participant")).click()
    with editor_page.expect_popup() as popup_info:
        editor_page.locator("#add_id_participants-1-person").click()
    popup = popup_info.value
    popup.locator("#id_name").fill(NEW_PERSON)
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    new_box = editor_page.locator("#id_participants-1-person + .select2-container")
    assert NEW_PERSON in new_box.inner_text()
    editor_page.locator("#id_participants-1-role").fill("Director of Museums")

    editor_page.get_by_role("button", name=re.compile("Add another Outcome")).click()
    editor_page.locator("#id_outcomes-0-kind").select_option("agreement")
    editor_page.locator("#id_outcomes-0-text").fill("Azernews reports an agreement to exchange museum exhibitions.")
    pick_in_autocomplete(editor_page, "id_sources", "Azernews")

    assert editor_page.locator("#id_status").input_value() == "draft"
    editor_page.get_by_role("button", name="Save", exact=True).click()
    expect_message(editor_page, "was added successfully")

    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.status == "draft"
    assert [(p.person.name, p.role) for p in meeting.participants.order_by("order", "id")] == [
        ("Stanko Blagojevic", "Deputy Minister of Culture"),
        (NEW_PERSON, "Director of Museums"),
    ]
    assert Person.objects.get(name=NEW_PERSON).status == "draft"
    assert meeting.outcomes.get().kind == "agreement"
    assert list(meeting.sources.values_list("publisher", flat=True)) == ["Azernews"]

    # A draft is private: its public page does not exist, and neither search nor the feed knows it.
    visitor = new_page()
    assert visitor.goto(meeting.get_absolute_url()).status == 404
    assert TITLE not in visitor_text(visitor, reverse("meetings:meeting_list"))
    assert TITLE not in visitor_text(visitor, reverse("heritage:search") + "?q=museum+loans")
    assert TITLE not in feed_text(visitor)

    publisher_page = new_page()
    log_in(publisher_page, publisher.username)
    publisher_page.goto(reverse("admin:meetings_meeting_changelist"))
    publisher_page.locator(f"input[name=_selected_action][value='{meeting.pk}']").check()
    publisher_page.locator("select[name=action]").select_option("publish")
    publisher_page.get_by_role("button", name="Go").click()
    expect_message(publisher_page, "1 record published.")

    assert visitor.goto(meeting.get_absolute_url()).status == 200
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Deputy Minister of Culture" in visitor.content()
    assert "an agreement to exchange museum exhibitions" in visitor.content()
    # The new person is still a draft: the published meeting shows nothing of their participation, anywhere.
    participants = visitor.locator("h2:text-is('Participants') ~ ul").first
    expect(participants.locator("li")).to_have_count(1)
    expect(participants).to_contain_text("Stanko Blagojevic, Deputy Minister of Culture")
    assert NEW_PERSON not in visitor.content() and "Director of Museums" not in visitor.content()
    visitor.goto(reverse("meetings:meeting_list"))
    assert visitor.get_by_role("link", name=TITLE).get_attribute("href") == meeting.get_absolute_url()
    found = visitor_text(visitor, reverse("heritage:search") + "?q=museum+loans")
    assert TITLE in found and NEW_PERSON not in found
    visitor.goto(reverse("heritage:search") + "?q=Ana+Lopez")
    expect(visitor.get_by_role("status")).to_have_text("Nothing published matches “Ana Lopez”.")
    feed = feed_text(visitor)
    assert TITLE in feed and NEW_PERSON not in feed

    # History keeps both edits, each with who made it.
    publisher_page.goto(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    rows = publisher_page.locator("#change-history tbody tr")
    assert rows.count() == 2
    assert "publisher" in rows.nth(0).inner_text() and "Published" in rows.nth(0).inner_text()
    assert "editor" in rows.nth(1).inner_text()


def visitor_text(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    return response.text()


def feed_text(page):
    # Fetched through the page's own browser context: a browser offers an Atom document as a download.
    response = page.request.get(reverse("meetings:meeting_feed"))
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    return response.text()


def expect_message(page, text):
    assert text in page.locator("ul.messagelist").inner_text()


# Journey 5 ----------------------------------------------------------------------------------------------------------

WIDTHS = [375, 1280]

# Elements wider than their box, on the whole document and on every element. The map is exempt: two-dimensional
# content that pans is what WCAG 1.4.10 (Reflow) excepts, and Leaflet lays out its panes beyond the box on purpose.
# Visually hidden text is 1 px wide by design.
OVERFLOWING = """() => {
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const doc = document.documentElement, found = [];
  if (doc.scrollWidth > doc.clientWidth) found.push(`document: ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.leaflet-container, .visually-hidden')) continue;
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;  // a chart's own text, scaled with it
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) {
      found.push(`${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return found;
}"""

# Every element a keyboard user should reach with Tab, in document order, each marked with its index.
TABBABLE = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const tabbable = [...document.querySelectorAll(selector)].filter(el =>
    !el.disabled && el.tabIndex >= 0 && !el.closest('[hidden], [inert]') && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden');
  tabbable.forEach((el, i) => { el.dataset.tabIndexInTest = i; });
  return tabbable.length;
}"""

# What has the focus now, and whether it shows: an outline or a box shadow drawn around it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {index: el.dataset.tabIndexInTest ?? null, visible: outline || style.boxShadow !== 'none',
          name: el.outerHTML.slice(0, 120)};
}"""


def keyboard_gaps(page, limit=400):
    """Tab through the page from the top: what could not be reached, and what was reached without a visible focus."""
    count = page.evaluate(TABBABLE)
    reached, unseen, last = set(), [], None
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break  # the focus left the page
        # A stop the selector did not list (Chromium makes an SVG shape with focus listeners one, as Leaflet's
        # markers with tooltips are) is fine, as long as its focus shows.
        key = focused["index"] if focused["index"] is not None else focused["name"]
        if key == last:
            continue  # Tab moves between the parts of one control (day, month and year of a date box)
        if key in reached:
            break  # the focus came round again
        reached.add(key)
        last = key
        if not focused["visible"]:
            unseen.append(f"no visible focus: {focused['name']}")
    missed = [str(i) for i in range(count) if str(i) not in reached]
    return missed, unseen


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_and_work_with_the_keyboard_alone(new_page, width):
    content = build_content()
    page = new_page(width=width, height=800)
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        assert page.goto(path(content)).status == PAGE_STATUS.get(name, 200), name
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OVERFLOWING)
        missed, unseen = keyboard_gaps(page)
        if missed:
            found.append(f"not reachable with Tab: elements {missed}")
        if found or unseen:
            problems[name] = found + unseen
    assert problems == {}, "\n".join(f"{name}: {p}" for name, ps in problems.items() for p in ps)

    # The filter form works at this width: tick a condition, apply, and the list says what it applied.
    page.goto(reverse("monuments:monument_list"))
    page.get_by_role("group", name="Current condition").get_by_label(re.compile(r"^\s*Destroyed\b")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("region", name="Filters applied")).to_contain_text("Current condition: Destroyed")
    expect(page.locator(".result-count")).to_have_text("1 result.")


@pytest.mark.parametrize("prefix", ["/az", "/ru", "/es"])
def test_pages_in_the_longer_languages_fit_a_phone(new_page, prefix):
    """Russian and Azerbaijani run longer than English: every public page type still fits 375 px."""
    content = build_content()
    page = new_page(width=375, height=800)
    problems = {}
    for name, path in PUBLIC_PAGES.items():
        assert page.goto(prefix + path(content)).status == PAGE_STATUS.get(name, 200), name
        page.wait_for_load_state("networkidle")
        if found := page.evaluate(OVERFLOWING):
            problems[name] = found
    assert problems == {}, "\n".join(f"{name}: {p}" for name, ps in problems.items() for p in ps)
