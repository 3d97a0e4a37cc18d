"""Pages that span both halves: home, search, figures, sources, countries, sitemap, robots, health, templates."""

import re

import pytest
from django.core.cache import cache
from django.utils import dateformat, timezone

from heritage.models import PublishStatus, Source
from monuments.models import Condition
from tests import factories as f
from tests.public import GARBAGE, assert_no_raw_echo, body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def demo_source_url():
    return Source.objects.get(publisher="Azernews").get_absolute_url()


@pytest.fixture
def documented(demo):
    """Demo data plus documented monuments in the demo figure's scope (destroyed, in Azerbaijan)."""
    az = f.PlaceFactory(name="Azerbaijan", country="AZ")
    for i in range(3):
        f.ConditionAssessmentFactory(
            monument=f.MonumentFactory(name=f"Ruin {i}", place=az), condition=Condition.DESTROYED
        )
    f.RegistrationFactory(monument=f.MonumentFactory(name="Ruin 0 twin", place=az))
    f.ConditionAssessmentFactory(
        monument=f.MonumentFactory(name="Draft ruin", place=az, status=PublishStatus.DRAFT),
        condition=Condition.DESTROYED,
    )


def test_home_has_search_counts_meetings_and_figures_beside_documented_counts(client, documented):
    text = body(client.get("/"))
    assert 'action="/search/"' in text and 'name="q"' in text
    assert "<strong>4</strong> published monuments" in text and "<strong>3</strong> published meetings" in text
    assert "Anar Karimov meets Serbian Deputy Minister" in text
    assert "Reported by Ministry of Culture of Azerbaijan, as of 2022" in text
    assert "more than 2,600" in text and "706 state-registered" in text
    assert 'href="/monuments/?condition=destroyed&amp;country=AZ">3</a>' in text
    assert "They measure different things" in text


def test_figures_page_attributes_every_figure_and_shows_the_register_counts(client, documented):
    text = body(client.get("/figures/"))
    assert "Reported by Ministry of Culture of Azerbaijan" in text and "Azernews" in text
    assert "Documented in this register" in text and "They measure different things" in text
    assert re.search(r'condition=destroyed">Destroyed</a></th><td>3</td>', text)
    assert re.search(r'registered=yes">State-registered</a></th><td>1</td>', text)
    assert re.search(r'registered=no">Not registered</a></th><td>3</td>', text)
    assert re.search(r'type=mosque">Mosque</a></th><td>4</td>', text)


def test_search_groups_results_by_kind(client, demo):
    text = body(client.get("/search/?q=Karimov"))
    assert '<h2 id="group-meetings">Meetings</h2>' in text and '<h2 id="group-people">People</h2>' in text
    assert 'href="/people/anar-karimov/"' in text
    assert 'href="/meetings/?q=Karimov"' in text
    text = body(client.get("/search/?q=UNESCO"))
    assert '<h2 id="group-organizations">Organizations</h2>' in text and '<h2 id="group-events">Events</h2>' in text
    assert "Nothing published matches" in body(client.get("/search/?q=zzzz-nothing"))


@pytest.mark.parametrize("garbage", GARBAGE)
def test_search_garbage_never_gives_a_500_nor_a_raw_echo(client, demo, garbage):
    response = client.get(f"/search/?{garbage}")
    assert response.status_code == 200
    assert_no_raw_echo(body(response))


def test_search_too_long_gives_a_message(client, demo):
    text = body(client.get("/search/?q=" + "x" * 10240))
    assert "at most 200 characters" in text


def test_query_budgets(client, documented, django_assert_max_num_queries):
    # One figure here; the count per part of the page, and that it does not grow with rows: tests/sitewide/test_home.py.
    with django_assert_max_num_queries(19):
        assert client.get("/").status_code == 200
    # Five kinds; on PostgreSQL each search is a bounded probe (≤ 1,001 ids, to decide on ranking) plus the rows.
    with django_assert_max_num_queries(12):
        assert client.get("/search/?q=Karimov").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/figures/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(demo_source_url()).status_code == 200
    # Meetings and monuments, their rows' relations, the meetings per year and the countries met: one query each.
    with django_assert_max_num_queries(6):
        assert client.get("/countries/AZ/").status_code == 200


def test_source_page_lists_what_cites_it_and_hides_sources_only_drafts_cite(client, demo):
    text = body(client.get(demo_source_url()))
    assert "Anar Karimov meets Serbian Deputy Minister" in text and "MONDIACULT 2022" in text and "Over 2,600" in text
    hidden = f.SourceFactory(title="Only a draft cites me")
    f.MeetingFactory(status=PublishStatus.DRAFT).sources.add(hidden)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_country_page_links_to_its_filtered_lists(client, demo):
    text = body(client.get("/countries/rs/"))
    assert "Serbia" in text and 'href="/meetings/?country=RS"' in text
    assert "Stanko Blagojevic" in text and "Nunez" not in text
    assert client.get("/countries/ZZ/").status_code == 404


def test_sitemap_lists_published_records_only(client, demo):
    draft = f.MonumentFactory(name="Draft in sitemap", status=PublishStatus.DRAFT)
    published = f.MonumentFactory(name="Published in sitemap")
    index = body(client.get("/sitemap.xml"))
    assert "sitemap-monuments.xml" in index and "sitemap-meetings.xml" in index
    monuments = body(client.get("/sitemap-monuments.xml"))
    assert published.get_absolute_url() in monuments and draft.get_absolute_url() not in monuments
    assert "/meetings/karimov-blagojevic-mexico-2022/" in body(client.get("/sitemap-meetings.xml"))


def test_sitemap_index_dates_each_section_without_reading_every_record(client, demo, monkeypatch):
    from sitewide.sitemaps import PublishedSitemap

    for i in range(5):
        f.MonumentFactory(name=f"Dated {i}")
    newest = f.MonumentFactory(name="Newest")
    f.MonumentFactory(name="Newer draft", status=PublishStatus.DRAFT)
    calls = []
    original = PublishedSitemap.lastmod
    monkeypatch.setattr(PublishedSitemap, "lastmod", lambda self, obj: calls.append(obj) or original(self, obj))
    index = body(client.get("/sitemap.xml"))
    assert calls == []  # Django's default would call lastmod() on every published record of every section
    [monuments] = re.findall(r"sitemap-monuments.xml</loc><lastmod>([^<]+)</lastmod>", index)
    assert monuments == dateformat.format(timezone.localtime(newest.updated_at), "c")  # the draft's date is not


def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_exports(client):
    text = body(client.get("/robots.txt"))
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /monuments/export." in text


def test_healthz(client):
    assert client.get("/healthz").content == b"ok\n"


def test_not_found_page_explains(client):
    response = client.get("/monuments/no-such-monument/")
    assert response.status_code == 404 and "no published record at this address" in body(response)


def test_public_pages_have_no_inline_script_or_style_and_are_semantic(client, documented):
    monument = f.MonumentFactory(name="Mapped", latitude="40.1", longitude="49.2")
    urls = [
        "/",
        "/monuments/",
        "/monuments/map/",
        monument.get_absolute_url(),
        "/meetings/",
        "/meetings/karimov-blagojevic-mexico-2022/",
        "/events/mondiacult-2022/",
        "/people/anar-karimov/",
        "/organizations/unesco/",
        "/topics/museum-cooperation/",
        "/countries/AZ/",
        demo_source_url(),
        "/search/?q=Karimov",
        "/figures/",
    ]
    for url in urls:
        response = client.get(url)
        text = body(response)
        assert response.status_code == 200, url
        # Scripts only from files; JSON-LD is a data block (tests/sitewide/test_linked_data.py), not code.
        assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/ld\+json")[^>]*>', text), url
        assert not re.search(r"\sstyle=", text), url
        assert not re.search(r"\son[a-z]+=", text), url
        assert '<a class="skip-link" href="#main">' in text and '<main id="main"' in text, url
        assert len(re.findall(r"<h1[ >]", text)) == 1, url
        assert "//cdn" not in text and "unpkg" not in text and "googleapis" not in text, url


def test_figures_show_documented_conditions_by_year_of_assessment(client):
    import datetime

    from heritage.models import ReviewStatus

    mosque, church = f.MonumentFactory(name="Mosque"), f.MonumentFactory(name="Church")
    draft = f.MonumentFactory(name="Draft", status=PublishStatus.DRAFT)
    for monument, condition, year in [(mosque, "damaged", 2020), (mosque, "restored", 2023), (church, "damaged", 2023)]:
        f.ConditionAssessmentFactory(monument=monument, condition=condition, observed_on=datetime.date(year, 6, 1))
    f.ConditionAssessmentFactory(monument=draft, condition="destroyed", observed_on=datetime.date(2023, 1, 1))
    f.ConditionAssessmentFactory(
        monument=church,
        condition="destroyed",
        observed_on=datetime.date(2023, 2, 1),
        review_status=ReviewStatus.PENDING,
    )
    text = body(client.get("/figures/"))
    table = text.split("Assessments by year observed and condition reported")[1].split("</table>")[0]
    header = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert header == ["Year", "Damaged", "Restored", "All"]  # no "Destroyed": a draft's and a pending one
    rows = re.findall(r'<tr><th scope="row">(\d{4})</th>((?:<td>[\d,]+</td>)+)</tr>', table)
    assert [(year, re.findall(r"<td>([\d,]+)</td>", cells)) for year, cells in rows] == [
        ("2020", ["1", "0", "1"]),
        ("2023", ["1", "1", "2"]),
    ]
    assert 'id="assessments-by-year-title"' in text


def test_a_sources_title_is_marked_with_the_sources_language(client):
    """On its page and where a record cites it: the title in the source's language, the rest in the page's."""
    source = f.SourceFactory(title="Шуша: отчёт", language="ru")
    monument = f.MonumentFactory(slug="fort")
    f.ConditionAssessmentFactory(monument=monument, source=source)
    marked = '<span lang="ru">Шуша: отчёт</span>'
    assert f"<h1>{marked}</h1>" in client.get(f"/en/sources/{source.pk}/").content.decode()
    assert f">{marked}</a>" in client.get("/en/monuments/fort/").content.decode()
    assert "<h1>Шуша: отчёт</h1>" in client.get(f"/ru/sources/{source.pk}/").content.decode()
