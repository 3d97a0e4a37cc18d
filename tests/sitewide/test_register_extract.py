"""`load_demo` loads the state-register extract (893 monuments from Wikidata) beside the seed article, and the
public pages show them: the list, the map, a record with its register numbers and Wikidata link, search by Q-id,
/figures/ beside the reported figure."""

import time

import pytest
from django.core.management import call_command

from heritage.models import Source
from monuments.models import Condition, ConditionAssessment, Monument, MonumentIdentifier, Registration
from sitewide.register_extract import REGISTRY
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_demo")


def test_load_demo_twice_gives_the_893_monuments_once():
    started = time.monotonic()
    call_command("load_demo")
    seconds = time.monotonic() - started
    counts = (Monument.objects.count(), Registration.objects.count(), MonumentIdentifier.objects.count())
    call_command("load_demo")
    assert (Monument.objects.count(), Registration.objects.count(), MonumentIdentifier.objects.count()) == counts
    assert counts[0] == 893 and Monument.objects.published().count() == 893
    assert counts[1] == 907  # 7 monuments are entered under several numbers
    assert MonumentIdentifier.objects.filter(scheme__code="wikidata").count() == 893
    assert MonumentIdentifier.objects.filter(scheme__code="commons").count() == 444
    assert seconds < 10  # measured: docs/staff/imports.md, "The state-register extract"


def test_each_monument_is_what_wikidata_says_and_nothing_more(loaded):
    palace = Monument.objects.get(identifiers__value="Q12837306")
    assert palace.name == "Bakı xan sarayı"
    assert sorted(palace.registrations.values_list("registry", "number")) == [
        (REGISTRY, "69"),
        (REGISTRY, "70"),
        (REGISTRY, "71"),
        (REGISTRY, "73"),
    ]
    assert palace.monument_type.name == "Type not recorded"
    assert palace.place.country == "AZ"
    source = palace.sources.get()
    assert (source.publisher, source.licence, str(source.retrieved_on)) == ("Wikidata", "CC0 1.0", "2026-12-01")
    atashgah = Monument.objects.get(identifiers__value="Q754560")
    assert atashgah.alternative_names_list == ["Suraxanı atəşgahı"]
    assert str(atashgah.latitude) == "40.415556"  # 40.415555555 in the file, stored to 6 decimals
    # No condition is invented: no assessment, so the condition is unknown.
    assert not ConditionAssessment.objects.exists()
    assert set(Monument.objects.values_list("current_condition", flat=True)) == {Condition.UNKNOWN}
    assert Source.objects.count() == 2  # the article and Wikidata


def test_a_record_page_shows_its_register_numbers_and_links_to_wikidata_and_commons(client, loaded):
    atashgah = Monument.objects.get(identifiers__value="Q754560")
    text = body(client.get(atashgah.get_absolute_url()))
    assert f"{REGISTRY} № 1" in text
    assert '<a href="https://www.wikidata.org/wiki/Q754560" rel="noopener noreferrer">Q754560</a>' in text
    assert 'href="https://commons.wikimedia.org/wiki/Category:Ateshgah_of_Baku"' in text
    assert "retrieved 1 December 2026" in text and "CC0 1.0" in text


@pytest.mark.parametrize("query", ["Q754560", "q754560", "https://www.wikidata.org/wiki/Q754560"])
def test_a_reader_pasting_a_wikidata_item_finds_the_monument(client, loaded, query):
    text = body(client.get("/search/", {"q": query}))
    assert "Atəşgah" in text
    assert Monument.objects.search(query).get().name == "Atəşgah"


def test_list_map_and_figures_show_the_register(client, loaded):
    assert "893 results." in body(client.get("/monuments/"))
    cells = client.get("/monuments/map/data.json", {"bbox": "44,38,51,42", "zoom": "6"}).json()
    assert sum(feature["properties"]["count"] for feature in cells["features"]) == 893
    figures = body(client.get("/figures/"))
    assert "2,600" in figures and "706" in figures
    assert "893 published monuments in total." in figures
