"""Journeys through the site in a real browser, as the people who use it take them.

Journeys 1, 2, 3 and 5 of the issue (visitor search, filters and export, map, small screens) need the public pages
that are being rebuilt; they join this module with them.
"""

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from heritage.demo import load_demo
from meetings.models import Meeting, Person
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Culture ministers discuss museum loans"
# Public pages the journey checks once they exist: search and the meetings feed.
SEARCH, FEED = "/search/", "/feeds/meetings/"


def page_exists(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


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
    popup.locator("#id_name").fill("Ana Lopez")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    new_box = editor_page.locator("#id_participants-1-person + .select2-container")
    assert "Ana Lopez" in new_box.inner_text()
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
        ("Ana Lopez", "Director of Museums"),
    ]
    assert Person.objects.get(name="Ana Lopez").status == "draft"
    assert meeting.outcomes.get().kind == "agreement"
    assert list(meeting.sources.values_list("publisher", flat=True)) == ["Azernews"]

    # A draft is private: its public page does not exist, and neither search nor the feed knows it.
    visitor = new_page()
    assert visitor.goto(meeting.get_absolute_url()).status == 404
    assert TITLE not in visitor_text(visitor, reverse("meetings:meeting_list"))
    if page_exists(SEARCH):
        assert TITLE not in visitor_text(visitor, f"{SEARCH}?q=museum+loans")
    if page_exists(FEED):
        assert TITLE not in visitor_text(visitor, FEED)

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
    visitor.goto(reverse("meetings:meeting_list"))
    assert visitor.get_by_role("link", name=TITLE).get_attribute("href") == meeting.get_absolute_url()
    if page_exists(SEARCH):
        assert TITLE in visitor_text(visitor, f"{SEARCH}?q=museum+loans")
    if page_exists(FEED):
        assert TITLE in visitor_text(visitor, FEED)

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


def expect_message(page, text):
    assert text in page.locator("ul.messagelist").inner_text()
