"""The list pages' filter forms: the selects and checkboxes drawn in Python (heritage.listing), their choices,
what they keep selected, and the query budgets of the lists at the sizes the benchmark asks about."""

import datetime
import gc
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from heritage.listing import COUNTRY_CHOICES, Select
from heritage.models import PublishStatus
from monuments.models import Condition
from tests import factories as f
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def select(text, name):
    """The <select name=…> element of a page, as text."""
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', text, re.S)
    assert match, f"no select {name}"
    return match.group(0)


COUNT = re.compile(r" \([\d,\xa0 ]+\)$")  # a facet's count after a choice's label (tests/heritage/test_facets.py)


def options(select_html):
    """(value, label without its facet count, selected) of each <option>."""
    return [
        (value, COUNT.sub("", label), bool(selected))
        for value, selected, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select_html)
    ]


def test_meeting_selects_list_published_events_and_topics_in_use_escaped_and_keep_the_choice(client):
    published = f.EventFactory(name="MONDIACULT <2022> & friends", slug="mondiacult-2022")
    f.EventFactory(name="Secret summit", status=PublishStatus.DRAFT)
    topic = f.TopicFactory(name="Baku Process")
    f.MeetingFactory(event=published).topics.add(topic)  # a topic is public once a published meeting has it
    text = body(client.get(f"/meetings/?event={published.slug}&topic={topic.slug}&country=IT"))
    events = options(select(text, "event"))
    assert events == [("", "Any event", False), ("mondiacult-2022", "MONDIACULT &lt;2022&gt; &amp; friends", True)]
    assert "Secret summit" not in text
    assert (topic.slug, "Baku Process", True) in options(select(text, "topic"))
    countries = options(select(text, "country"))
    assert countries[0] == ("", "Any country", False)
    assert [c for c in countries if c[2]] == [("IT", "Italy", True)]
    assert len(countries) == 1 + len(list(COUNTRY_CHOICES)) > 240
    assert '<label for="id_event">Event</label>' in text and 'id="id_event"' in text


def test_a_value_no_longer_offered_selects_nothing_and_says_why(client):
    text = body(client.get("/meetings/?event=no-such-event&sort=sideways"))
    assert not [o for o in options(select(text, "event")) if o[2]]
    assert not [o for o in options(select(text, "sort")) if o[2]]
    # aria-describedby on the select names the element holding the message.
    assert 'aria-describedby="id_event_error"' in select(text, "event")
    assert re.search(r'<div id="id_event_error"><p class="error">Nothing matches “no-such-event”', text)


def test_country_names_are_in_the_readers_language_and_sorted_for_it(client):
    english = options(select(body(client.get("/monuments/", HTTP_ACCEPT_LANGUAGE="en")), "country"))
    russian = options(select(body(client.get("/monuments/", HTTP_ACCEPT_LANGUAGE="ru")), "country"))
    assert ("IT", "Italy", False) in english and ("IT", "Италия", False) in russian
    names = [label for value, label, _ in russian[1:]]
    assert names.index("Италия") < names.index("Япония")  # sorted by the Russian names: И before Я
    with translation.override("en"):
        assert ("IT", "Italy") in list(COUNTRY_CHOICES)


def test_monument_checkboxes_keep_every_checked_value_inside_their_labels(client):
    # A type is public once a published monument has it.
    f.MonumentFactory(monument_type=f.MonumentTypeFactory(name="Mosque"))
    f.MonumentFactory(monument_type=f.MonumentTypeFactory(name="Bridge"))
    text = body(client.get("/monuments/?type=mosque&type=bridge&condition=damaged&significance=world"))
    fieldset = re.search(r"<fieldset>\s*<legend>Current condition</legend>(.*?)</fieldset>", text, re.S).group(1)
    box = r'<label class="choice"><input type="checkbox" name="condition" value="(\w+)"([^>]*)> ([^<]+)</label>'
    boxes = re.findall(box, fieldset)
    assert [value for value, _, _ in boxes] == list(Condition.values)
    checked = [(value, COUNT.sub("", label)) for value, attrs, label in boxes if "checked" in attrs]
    assert checked == [("damaged", "Damaged")]
    assert 'id="id_condition_0"' in fieldset
    assert re.search(r'value="mosque"[^>]*checked', text) and re.search(r'value="bridge"[^>]*checked', text)
    assert ("world", "World", True) in options(select(text, "significance"))


def test_help_text_is_the_element_the_input_names(client):
    text = body(client.get("/monuments/"))
    assert 'aria-describedby="id_place_helptext"' in text
    assert '<p class="help" id="id_place_helptext">Includes the places inside it.</p>' in text


def test_select_draws_optgroups_as_django_does():
    widget = Select(choices=[("", "Any"), ("Europe", [("IT", "Italy"), ("RS", "Serbia")])])
    html = widget.render("country", "RS", attrs={"id": "id_country"})
    assert '<optgroup label="Europe">' in html and '<option value="RS" selected>Serbia</option>' in html


def test_list_query_budgets_do_not_grow_with_rows_or_depth(client, django_assert_max_num_queries):
    """The benchmark's list pages, with more than a page of rows: a count, the page, its related rows and the
    choices the form offers; a deep page costs what the first does."""
    town = f.PlaceFactory(name="Rome", parent=f.PlaceFactory(name="Italy", country="IT"), country="IT")
    event, topic = f.EventFactory(), f.TopicFactory()
    for i in range(60):
        meeting = f.MeetingFactory(title=f"Talks {i}", event=event, place=town, date=datetime.date(2010, 1, 1))
        meeting.topics.add(topic)
        f.ParticipantFactory(meeting=meeting, represented_country="IT")
        monument = f.MonumentFactory(name=f"Monument {i:02}", place=town)
        f.RegistrationFactory(monument=monument)
        f.ConditionAssessmentFactory(monument=monument)
    meetings = "/meetings/?country=IT&date_from=2005-01-01&date_to=2015-12-31"
    # The count, the events and topics offered, the page, its topics, the meetings per year and the three facets'
    # counts (both kept until the register changes, so the second page reads them from the cache).
    for url in [meetings, meetings + "&page=2"]:
        with django_assert_max_num_queries(9):
            assert "60 results." in body(client.get(url)), url
    # The count, the types offered, the page (conditions as sub-queries), its registrations, and on the first
    # request of each filter set the six facets' counts (kept until the register changes); on the first request
    # the risk lists the filter offers (likewise kept).
    for url in ["/monuments/", "/monuments/?page=2", "/monuments/?country=IT&sort=-updated&page=2"]:
        with django_assert_max_num_queries(4 + 6 + 1):
            assert "60 results." in body(client.get(url)), url


def test_the_long_lived_objects_are_frozen_after_the_first_request(client):
    """heritage.apps.freeze_long_lived_objects: full collections then skip the modules, templates and URLs."""
    client.get("/monuments/")
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[2] == 1
