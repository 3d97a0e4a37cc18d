"""The name filters in a real browser (issue 17, "Names, not slugs"): the person and place boxes are WAI-ARIA
comboboxes (static/js/combobox.js) that offer matching records as the reader types, are used with the keyboard,
pass axe and the Nu checker with the listbox open, fit a phone; and without JavaScript a typed name still resolves.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.gates.browser.conftest import axe_violations
from tests.gates.quality_tools import VNU_JAR, require, require_java, vnu_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    anar = f.PersonFactory(name="Anar Karimov", slug="anar-karimov", alternative_names="Анар Керимов")
    other = f.PersonFactory(name="Anar Mammadov", slug="anar-mammadov")
    f.ParticipantFactory(person=anar, meeting=f.MeetingFactory(title="Karimov meets Blagojević"))
    f.ParticipantFactory(person=other, meeting=f.MeetingFactory(title="Mammadov meets Vučić"))
    return anar


@pytest.fixture
def places():
    shusha = f.PlaceFactory(name="Şuşa", slug="susa")
    f.PlaceFactory(name="Şəki", slug="saki")
    f.MonumentFactory(place=shusha, name="Yukhari Govhar Agha Mosque")
    f.MonumentFactory(place=f.PlaceFactory(name="Baku", slug="baku"), name="Maiden Tower")
    return shusha


def combobox_parts(page, label):
    box = page.get_by_role("combobox", name=label, exact=True)  # not "With person"
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    return box, listbox


def assert_the_pattern_holds(box, listbox, expanded):
    """The WAI-ARIA 1.2 combobox attributes: role, aria-autocomplete, aria-expanded, aria-controls → the listbox."""
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-autocomplete") == "list"
    assert box.get_attribute("aria-expanded") == ("true" if expanded else "false")
    assert listbox.get_attribute("role") == "listbox"
    assert listbox.get_attribute("aria-labelledby")  # named by the filter's label
    assert listbox.is_visible() == expanded


def test_the_person_filter_offers_names_as_typed_and_is_used_with_the_keyboard(page, people):
    page.goto("/meetings/")
    box, listbox = combobox_parts(page, "Person")
    assert_the_pattern_holds(box, listbox, expanded=False)

    box.press_sequentially("Anar")
    options = listbox.get_by_role("option")
    expect(options).to_have_text(["Anar Karimov", "Anar Mammadov"])
    assert_the_pattern_holds(box, listbox, expanded=True)
    assert box.get_attribute("aria-activedescendant") is None  # focus stays in the box until an arrow key

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_be_focused()  # the option is pointed at, DOM focus never leaves the box
    box.press("ArrowLeft")  # an editing key: back to the box, the list stays open
    assert box.get_attribute("aria-activedescendant") is None
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")

    box.press("Enter")
    expect(box).to_have_value("Anar Karimov")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    assert box.get_attribute("aria-activedescendant") is None

    # Escape closes an open list and leaves the box as typed; Tab leaves the box and closes it too.
    box.fill("")
    box.press_sequentially("Керимов")  # another script: the search folds it to the same record
    expect(options).to_have_text(["Anar Karimov"])
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Керимов")
    box.press("ArrowDown")  # reopens the list with the same suggestions
    expect(listbox).to_be_visible()
    box.press("Tab")
    expect(box).not_to_be_focused()
    expect(listbox).to_be_hidden()

    # Picked, then applied: the address carries the slug, the list only that person's meetings.
    box.focus()
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Anar Karimov")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/meetings/\?person=anar-karimov$"))
    results = page.get_by_role("region", name="Results")
    expect(results).to_contain_text("Karimov meets Blagojević")
    expect(results).not_to_contain_text("Mammadov meets Vučić")
    expect(page.get_by_role("combobox", name="Person", exact=True)).to_have_value("Anar Karimov")


def test_the_place_filter_offers_places_in_any_spelling(page, places):
    page.goto("/monuments/")
    box, listbox = combobox_parts(page, "Place")
    box.press_sequentially("shusha")  # ASCII for Şuşa
    expect(listbox.get_by_role("option")).to_have_text(["Şuşa"])
    listbox.get_by_role("option", name="Şuşa").click()  # the mouse picks too
    expect(box).to_have_value("Şuşa")
    expect(listbox).to_be_hidden()
    box.press("Enter")  # the list is closed: Enter submits the form
    page.wait_for_url(re.compile(r"/monuments/\?place=susa$"))
    expect(page.get_by_role("region", name="Results")).to_contain_text("Yukhari Govhar Agha Mosque")
    expect(page.get_by_role("region", name="Results")).not_to_contain_text("Maiden Tower")


def test_the_lists_with_the_listbox_open_pass_axe_and_the_nu_checker(page, people, places, tmp_path):
    require_java()
    require(VNU_JAR, "the Nu Html Checker")
    files, found = [], {}
    for path, label, typed in [("/meetings/", "Person", "Anar"), ("/monuments/", "Place", "ş")]:
        page.emulate_media(color_scheme="light")
        page.goto(path)
        box, listbox = combobox_parts(page, label)
        box.press_sequentially(typed)
        expect(listbox.get_by_role("option")).to_have_count(2)
        box.press("ArrowDown")  # an option in focus, drawn in the accent colours
        found[path] = axe_violations(page)
        page.emulate_media(color_scheme="dark")  # the same contrast in the dark scheme
        found[path] += axe_violations(page)
        # The markup as the script left it, for the Nu checker (it reads files, not a live page).
        files.append(tmp_path / f"{path.strip('/')}.html")
        files[-1].write_text("<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"))
        assert 'role="combobox"' in files[-1].read_text() and 'aria-expanded="true"' in files[-1].read_text()
    assert found == {"/meetings/": [], "/monuments/": []}
    assert vnu_errors(files) == {}


def test_on_a_phone_the_listbox_stays_within_the_screen(new_page, people):
    page = new_page(width=375, height=700)
    page.goto("/meetings/")
    box, listbox = combobox_parts(page, "Person")
    box.press_sequentially("Anar")
    expect(listbox.get_by_role("option")).to_have_count(2)
    left, right = listbox.evaluate("l => [l.getBoundingClientRect().left, l.getBoundingClientRect().right]")
    assert 0 <= left and right <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_without_javascript_a_typed_name_resolves_and_an_ambiguous_one_offers_a_choice(browser, live_server, people):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/meetings/")
        page.get_by_role("textbox", name="Person", exact=True).fill("Керимов")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"/meetings/\?person=anar-karimov$"))  # the server's redirect to the slug
        expect(page.get_by_role("region", name="Results")).not_to_contain_text("Mammadov meets Vučić")

        page.get_by_role("textbox", name="Person", exact=True).fill("Anar")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_text("Several records match “Anar”: choose one below.")).to_be_visible()
        page.locator(".did-you-mean").get_by_role("link", name="Anar Mammadov").click()
        page.wait_for_url(re.compile(r"/meetings/\?person=anar-mammadov$"))
        expect(page.get_by_role("region", name="Results")).to_contain_text("Mammadov meets Vučić")
        expect(page.get_by_role("region", name="Results")).not_to_contain_text("Karimov meets Blagojević")
    finally:
        context.close()


class HeldSuggestions:
    """Answers /suggest/ requests when the test says so, to play out slow and out-of-order responses."""

    def __init__(self, page, hold):
        self.asked, self.held, self.hold = [], {}, hold
        page.route("**/suggest/**", self.route)

    def route(self, route):
        q = parse_qs(urlsplit(route.request.url).query).get("q", [""])[0]
        self.asked.append(q)
        if q in self.hold:
            self.held[q] = route
        else:
            route.continue_()

    def release(self, page, q):
        with page.expect_response(lambda response: "/suggest/" in response.url):
            self.held.pop(q).continue_()
        page.wait_for_timeout(100)  # time for the page to read the answer and (not) draw it


def wait_for_request(page, held, q):
    page.wait_for_function("() => true")  # a round trip, so the keystrokes are in
    for _ in range(50):
        if q in held.asked:
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"no request for {q!r}: {held.asked}")


def test_a_slow_earlier_answer_never_replaces_a_later_one(page, people):
    f.PersonFactory(name="Andrei Popescu")  # fits "An", not "Anar"
    page.goto("/meetings/")
    held = HeldSuggestions(page, hold={"An"})
    box, listbox = combobox_parts(page, "Person")
    box.press_sequentially("An")
    wait_for_request(page, held, "An")
    box.press_sequentially("ar")
    options = listbox.get_by_role("option")
    expect(options).to_have_text(["Anar Karimov", "Anar Mammadov"])
    held.release(page, "An")
    expect(options).to_have_text(["Anar Karimov", "Anar Mammadov"])


def test_an_answer_after_a_pick_or_escape_does_not_reopen_the_list(page, people):
    page.goto("/meetings/")
    held = HeldSuggestions(page, hold={"Anar K", "Anar M"})
    box, listbox = combobox_parts(page, "Person")
    box.press_sequentially("Anar")
    expect(listbox.get_by_role("option")).to_have_count(2)
    box.press_sequentially(" K")
    wait_for_request(page, held, "Anar K")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Anar Karimov")
    held.release(page, "Anar K")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.fill("Anar")
    expect(listbox.get_by_role("option")).to_have_count(2)
    box.press_sequentially(" M")
    wait_for_request(page, held, "Anar M")
    box.press("Escape")
    held.release(page, "Anar M")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Anar M")


def test_one_request_per_pause_in_typing_none_for_an_empty_box_and_a_spoken_count(page, people):
    page.goto("/meetings/")
    held = HeldSuggestions(page, hold=set())
    box, listbox = combobox_parts(page, "Person")
    box.press_sequentially("Anar")  # four keystrokes within the pause
    expect(listbox.get_by_role("option")).to_have_count(2)
    status = box.locator("xpath=..").get_by_role("status")
    expect(status).to_have_text("2 records match: use the Up and Down arrow keys to choose one.")
    box.press("End")
    for _ in range(4):
        box.press("Backspace")
    expect(listbox).to_be_hidden()
    page.wait_for_timeout(300)  # longer than the pause: nothing more is asked for
    assert held.asked == ["Anar"]
    box.press_sequentially("Zzyzx")
    expect(status).to_have_text("Nothing matches “Zzyzx”. Type a name, or the beginning of one, in any spelling.")
    expect(listbox).to_be_hidden()


def test_the_combobox_speaks_the_pages_language(page, people):
    page.goto("/ru/meetings/")
    box = page.locator("#id_person")
    box.press_sequentially("Anar")
    expect(box.locator("xpath=..").get_by_role("status")).to_have_text(
        "2 записи подходят: выберите одну клавишами со стрелками вверх и вниз."
    )
