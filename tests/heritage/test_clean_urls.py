"""Clean shareable addresses: a filtered list's URL carries only the filters applied (heritage.listing.clean_query),
without JavaScript by a redirect, and the links a list draws (pages, chips, "clear all") are clean too."""

import re

import pytest
from django.core.cache import cache

from heritage.listing import CappedPaginator
from monuments.models import Condition
from monuments.views import MonumentListView
from tests import factories as f
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def hrefs(text):
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', text)]


@pytest.mark.parametrize(
    ("asked", "clean"),
    [
        ("/monuments/?q=&condition=destroyed&country=&place=&sort=", "/monuments/?condition=destroyed"),
        ("/monuments/?q=+&type=&condition=", "/monuments/"),
        (
            "/monuments/?condition=destroyed&condition=&condition=damaged",
            "/monuments/?condition=destroyed&condition=damaged",
        ),
        ("/monuments/?country=AZ&page=1&q=", "/monuments/?country=AZ"),
        ("/monuments/map/?q=&country=AZ", "/monuments/map/?country=AZ"),
        (
            "/meetings/?q=&date_from=&date_to=&country=RS&person=&organization=&event=&topic=&sort=",
            "/meetings/?country=RS",
        ),
    ],
)
def test_blank_parameters_redirect_to_the_clean_address(client, asked, clean):
    response = client.get(asked)
    assert response.status_code == 302
    assert response["Location"] == clean
    assert client.get(clean).status_code == 200  # the clean address is served, never redirected again


def test_a_clean_address_and_an_invalid_value_are_served_as_they_are(client):
    served = ["/monuments/", "/monuments/?condition=destroyed&q=bridge", "/meetings/?country=ZZ", "/monuments/?page=1"]
    for url in served:
        assert client.get(url).status_code == 200, url
    assert client.get("/monuments/?page=2x").status_code == 404  # as before, never a redirect
    # The invalid value is kept, so the form can say what was wrong with it.
    response = client.get("/meetings/?country=ZZ&q=", follow=True)
    assert response.redirect_chain == [("/meetings/?country=ZZ", 302)]
    assert "were not understood" in body(response)


def test_the_filter_form_submitted_without_javascript_lands_on_the_clean_address(client):
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(name="Agdam Mosque"), condition=Condition.DESTROYED)
    f.MonumentFactory(name="Intact Bridge")
    text = body(client.get("/monuments/"))
    form = re.search(r'<form class="filters" method="get">.*?</form>', text, re.S).group(0)
    # What a browser sends: every named field, the unchosen ones empty, and the one box ticked.
    names = list(dict.fromkeys(re.findall(r'name="([^"]+)"', form)))
    assert {"q", "type", "condition", "country", "place", "sort"} <= set(names)
    sent = "&".join(f"{name}=" for name in names if name not in ("type", "condition")) + "&condition=destroyed"
    response = client.get("/monuments/?" + sent, follow=True)
    assert response.redirect_chain == [("/monuments/?condition=destroyed", 302)]
    assert "Agdam Mosque" in body(response) and "Intact Bridge" not in body(response)
    assert 'src="/static/js/filters.js"' in text  # with JavaScript the blank fields are not even sent


def test_pages_chips_and_clear_all_link_to_clean_addresses(client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    monkeypatch.setattr(MonumentListView, "paginate_by", 1)
    for i in range(3):
        f.ConditionAssessmentFactory(monument=f.MonumentFactory(name=f"Ruin {i}"), condition=Condition.DESTROYED)
    links = hrefs(body(client.get("/monuments/?condition=destroyed&page=2")))
    assert "?condition=destroyed" in links  # "Previous" and page 1: no page=1
    assert "?condition=destroyed&page=3" in links
    assert not [link for link in links if "page=1" in link or re.search(r"[?&][a-z_]+=(&|$)", link)]
    assert "/monuments/" in links  # the chip removing the only filter, and "Clear all": the bare path
    assert not [link for link in links if link.endswith("?")]
    # The export and map links carry the same clean query.
    assert "/monuments/export.csv?condition=destroyed" in links
    assert "/monuments/map/?condition=destroyed" in links


def test_a_chip_removing_one_of_two_filters_keeps_the_other_only(client):
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(name="Ruin"), condition=Condition.DESTROYED)
    links = hrefs(body(client.get("/monuments/?condition=destroyed&q=ruin")))
    assert "?q=ruin" in links and "?condition=destroyed" in links
