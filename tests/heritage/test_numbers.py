"""Numbers as each language writes them: thousands grouped with its separator, decimals with its mark, a pair of
coordinates separated by ";" where the decimal mark is a comma; attributes, addresses and data keep plain numbers."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.mark.parametrize(
    "language, grouped",
    [("en", "12,345"), ("ru", f"12{NBSP}345"), ("az", f"12{NBSP}345"), ("es", f"12{NBSP}345")],
)
def test_counts_on_the_figures_page_are_grouped_as_the_language_writes_them(client, language, grouped):
    f.ReportedFigureFactory(count=12345, statement="Many monuments.")
    body = client.get(f"/{language}/figures/").content.decode()
    assert grouped in body
    if language != "en":
        assert "12,345" not in body


@pytest.mark.parametrize(
    "language, shown",
    [
        ("en", "40.3667, 49.8352"),
        ("ru", "40,3667; 49,8352"),
        ("az", "40,3667; 49,8352"),
        ("es", "40,3667; 49,8352"),
    ],
)
def test_coordinates_take_the_languages_decimal_mark_and_stay_a_readable_pair(client, language, shown):
    f.MonumentFactory(slug="juma", latitude="40.3667", longitude="49.8352")
    body = client.get(f"/{language}/monuments/juma/").content.decode()
    coordinates = re.search(r"<dd>([^<]*49[.,]8352[^<]*)</dd>", body).group(1)
    assert coordinates == shown
    # The map's data attributes are for the script: plain numbers in every language.
    assert 'data-lat="40.3667" data-lon="49.8352"' in body


def test_an_approximate_point_says_about_in_the_readers_language_with_its_numbers(client):
    f.MonumentFactory(slug="hidden", latitude="40.3667", longitude="49.8352", location_sensitive=True)
    body = client.get("/ru/monuments/hidden/").content.decode()
    assert re.search(r"около \d+,\d+; \d+,\d+", body)
    assert re.search(r'data-lat="\d+\.\d+"', body)


@pytest.mark.parametrize("language, shown", [("en", "2,500 results."), ("ru", f"2{NBSP}500"), ("es", f"2{NBSP}500")])
def test_a_list_count_is_grouped_in_the_readers_language(language, shown):
    # The list pages' count line (partials/result_count.html), at a count of thousands without thousands of rows.
    with translation.override(language):
        text = render_to_string("partials/result_count.html", {"result_count": 2500})
    assert shown in text
