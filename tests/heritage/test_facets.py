"""Facet counts beside the list filters: each equals the rows the list shows when that choice is added."""

import datetime
import re

import pytest
from django.core.cache import cache

from heritage.models import PublishStatus, ReviewStatus
from monuments.models import Condition, Monument, Significance
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def monuments():
    az = f.PlaceFactory(name="Shusha", country="AZ")
    ge = f.PlaceFactory(name="Tbilisi", country="GE")
    mosque = f.MonumentTypeFactory(name="Mosque")
    bridge = f.MonumentTypeFactory(name="Bridge")
    rows = [
        (mosque, Condition.DESTROYED, az, True),
        (mosque, Condition.DAMAGED, az, False),
        (mosque, Condition.DESTROYED, ge, True),
        (bridge, Condition.DESTROYED, az, False),
        (bridge, Condition.INTACT, ge, True),
    ]
    for monument_type, condition, place, registered in rows:
        m = f.MonumentFactory(monument_type=monument_type, current_condition=condition, place=place)
        if registered:
            f.RegistrationFactory(monument=m, significance=Significance.NATIONAL)
            f.RegistrationFactory(monument=m, significance=Significance.NATIONAL, registry="Other register")
    # On lists of heritage at risk: one in force, one ended, one on two lists, one on a list only as a draft listing.
    danger, watch = f.RiskListFactory(name="In danger"), f.RiskListFactory(name="Watch list")
    listed = Monument.objects.order_by("pk")
    f.RiskListingFactory(monument=listed[0], risk_list=danger)
    f.RiskListingFactory(monument=listed[1], risk_list=danger, listed_until=datetime.date(2010, 1, 1))
    f.RiskListingFactory(monument=listed[2], risk_list=danger)
    f.RiskListingFactory(monument=listed[2], risk_list=watch, listed_until=datetime.date(2012, 1, 1))
    f.RiskListingFactory(monument=listed[3], risk_list=watch, review_status=ReviewStatus.PENDING)
    # Drafts never count, whatever they match.
    for _ in range(3):
        draft = f.MonumentFactory(
            monument_type=mosque, current_condition=Condition.DESTROYED, place=az, status=PublishStatus.DRAFT
        )
        f.RegistrationFactory(monument=draft, significance=Significance.LOCAL)


def shown_count(client, url, query):
    """How many rows the list says it shows for ``query``."""
    page = client.get(url, query).content.decode()
    return page.count('class="item"') if 'class="item"' in page else len(re.findall(r"<li[^>]*>", page))


def choice_counts(page, name):
    """{value: count} read from the labels of the ``name`` filter's choices."""
    checkboxes = re.findall(rf'name="{name}" value="([^"]+)"[^>]*> ([^<]*) \(([\d,]+)\)</label>', page)
    if checkboxes:
        return {value: int(count.replace(",", "")) for value, _label, count in checkboxes}
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return {
        v: int(c.replace(",", ""))
        for v, c in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\(([\d,]+)\)</option>', select)
    }


def rows_shown(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.context["result_count"]


@pytest.mark.parametrize(
    "current",
    [{}, {"condition": ["destroyed"]}, {"type": ["mosque"], "country": "AZ"}, {"registered": "yes", "q": "Monument"}],
)
def test_monument_counts_equal_the_rows_the_choice_shows(client, monuments, current):
    url = "/monuments/"
    page = client.get(url, current).content.decode()
    for name, multi in [
        ("type", True),
        ("condition", True),
        ("country", False),
        ("significance", False),
        ("registered", False),
        ("risk", False),
    ]:
        counts = choice_counts(page, name)
        assert counts, name
        for value, count in counts.items():
            params = dict(current)
            if multi:
                # Faceted search ORs a second value of the same facet: the count is the rows with this value alone
                # added to the other facets' filters.
                params[name] = [value]
            else:
                params[name] = value
            assert rows_shown(client, url, params) == count, (name, value, current)


def test_monument_counts_read_in_the_label_and_zero_is_shown(client, monuments):
    page = client.get("/monuments/", {"type": ["bridge"]}).content.decode()
    assert "> Mosque (3)</label>" in page  # its own facet is not narrowed by the choice
    assert re.search(r'value="restored"[^>]*> [^<]+ \(0\)</label>', page)
    assert re.search(r'<option value="GE">Georgia \(1\)</option>', page)
    assert re.search(r'<option value="local">[^<]+\(0\)</option>', page)  # only drafts have it


def test_monument_counts_cost_a_fixed_number_of_queries(client, monuments, django_assert_max_num_queries):
    client.get("/monuments/", {"condition": ["destroyed"]})
    for i in range(20):
        f.MonumentTypeFactory(name=f"Type {i}")
        f.MonumentFactory(monument_type__name=f"Type {i}")
    cache.clear()
    # The list's own queries (7, tests/monuments/test_public.py) and one per facet, however many choices.
    with django_assert_max_num_queries(7 + 6):
        client.get("/monuments/", {"condition": ["destroyed"]})
    with django_assert_max_num_queries(7):
        client.get("/monuments/", {"condition": ["destroyed"]})  # the counts are kept until the register changes


@pytest.fixture
def meetings():
    unesco = f.EventFactory(name="MONDIACULT")
    other = f.EventFactory(name="Forum")
    culture, heritage = f.TopicFactory(name="Culture"), f.TopicFactory(name="Heritage")
    rows = [(unesco, [culture], ["RS", "RS"]), (unesco, [culture, heritage], ["FR"]), (other, [heritage], ["RS"])]
    for event, topics, countries in rows:
        meeting = f.MeetingFactory(event=event)
        meeting.topics.set(topics)
        for country in countries:
            f.ParticipantFactory(meeting=meeting, represented_country=country)
    draft = f.MeetingFactory(event=unesco, status=PublishStatus.DRAFT)
    draft.topics.set([culture])
    f.ParticipantFactory(meeting=draft, represented_country="RS")


@pytest.mark.parametrize("current", [{}, {"event": "mondiacult"}, {"country": "RS"}, {"topic": "heritage"}])
def test_meeting_counts_equal_the_rows_the_choice_shows(client, meetings, current):
    page = client.get("/meetings/", current).content.decode()
    for name in ["event", "topic", "country"]:
        counts = choice_counts(page, name)
        assert counts, name
        for value, count in counts.items():
            assert rows_shown(client, "/meetings/", {**current, name: value}) == count, (name, value, current)


def test_meeting_counts_count_a_meeting_once_per_country(client, meetings):
    page = client.get("/meetings/").content.decode()
    assert re.search(r'<option value="RS">Serbia \(2\)</option>', page)
    assert re.search(r'<option value="[^"]+">MONDIACULT \(2\)</option>', page)
