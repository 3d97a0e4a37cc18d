"""Property-based tests: arbitrary strings and numbers in every parameter and path of every public URL, no 5xx.

Hypothesis draws the values (control characters, NUL, unicode, very long text, huge and non-finite numbers,
bytes that are not UTF-8); each drawn request is answered and, for streamed exports, read to the end, since a
streamed response fails only while it is being read. The examples per URL are bounded so the suite stays fast.
"""

from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.filters import MeetingFilterSet
from monuments.filters import MonumentFilterSet
from tests.gates.pages import build_content
from tests.public import body

pytestmark = pytest.mark.django_db

# No example database on disk: a failure prints the falsifying request, which is all a fix needs.
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
PATH_FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)

MONUMENT_PARAMS = [*MonumentFilterSet.base_filters, "page"]
MEETING_PARAMS = [*MeetingFilterSet.base_filters, "page"]

# Public URLs with the parameters each one reads.
QUERY_URLS = {
    "/": ["q"],
    "/search/": ["q", "page"],
    "/figures/": [],
    "/monuments/": MONUMENT_PARAMS,
    "/monuments/map/": MONUMENT_PARAMS,
    "/monuments/map/data.json": [*MONUMENT_PARAMS, "bbox", "zoom"],
    "/monuments/export.csv": MONUMENT_PARAMS,
    "/monuments/export.json": MONUMENT_PARAMS,
    "/monuments/export.geojson": MONUMENT_PARAMS,
    "/meetings/": MEETING_PARAMS,
    "/meetings/export.csv": MEETING_PARAMS,
    "/meetings/export.json": MEETING_PARAMS,
    "/feeds/meetings/": MEETING_PARAMS,
    "/sitemap.xml": ["p"],
    "/sitemap-monuments.xml": ["p"],
    "/robots.txt": [],
    "/healthz": [],
}

# Paths with a part taken from the address; "{}" is where the drawn text goes.
PATH_URLS = [
    "/monuments/{}/",
    "/meetings/{}/",
    "/events/{}/",
    "/people/{}/",
    "/organizations/{}/",
    "/topics/{}/",
    "/countries/{}/",
    "/sources/{}/",
    "/sitemap-{}.xml",
]

# Numbers as a visitor could type them: huge, negative, fractional, exponent, non-finite.
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
).map(str)
# Any unicode text, including control characters and NUL (Hypothesis draws those by default), sometimes long.
texts = st.one_of(
    st.text(max_size=40),
    st.text(min_size=1, max_size=5).map(lambda s: s * 2000),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "%00", "\x00", "../../etc/passwd", "-1,-1,1,1"]),
)
values = st.one_of(texts, numbers)


def _params(names):
    """A list of (name, value) pairs: known parameters (sometimes repeated) plus now and then an unknown one."""
    name = st.sampled_from(names) if names else st.nothing()
    return st.lists(st.tuples(st.one_of(name, st.text(max_size=10)), values), max_size=6)


def _raw_query(names):
    """A raw query string from arbitrary bytes, percent-encoded: invalid UTF-8 and stray separators included."""
    name = st.sampled_from(names) if names else st.just("x")
    pair = st.tuples(name, st.binary(max_size=30)).map(lambda p: p[0] + "=" + quote_from_bytes(p[1]))
    return st.lists(st.one_of(pair, st.binary(max_size=10).map(quote_from_bytes)), max_size=5).map("&".join)


@pytest.fixture
def content(db):
    cache.clear()
    return build_content()


def assert_answered(client, url):
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    body(response)  # a streamed export must also finish without an error


@pytest.mark.parametrize("path", list(QUERY_URLS))
def test_arbitrary_parameters_never_give_a_5xx(client, content, path):
    names = QUERY_URLS[path]

    @FUZZ
    @given(params=_params(names))
    def run(params):
        assert_answered(client, path + "?" + urlencode(params))

    run()


@pytest.mark.parametrize("path", list(QUERY_URLS))
def test_arbitrary_bytes_in_the_query_string_never_give_a_5xx(client, content, path):
    @PATH_FUZZ
    @given(query=_raw_query(QUERY_URLS[path]))
    def run(query):
        assert_answered(client, path + "?" + query)

    run()


@pytest.mark.parametrize("template", PATH_URLS)
def test_arbitrary_slugs_and_ids_in_paths_never_give_a_5xx(client, content, template):
    @PATH_FUZZ
    @given(part=st.one_of(texts, numbers).filter(lambda s: s not in ("", ".", "..")))
    def run(part):
        assert_answered(client, template.format(quote(part, safe="")))

    run()
