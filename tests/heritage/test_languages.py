"""Choosing a language: the browser's by default at today's addresses; an address with a prefix (/ru/, /az/,
/es/, /en/) in its language whatever the browser asks; a switcher on every page that keeps the page and its
filters; hreflang alternates in pages and the sitemap; one cached copy per language."""

import re

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def html_lang(response):
    return re.search(r'<html lang="([a-z]+)">', response.content.decode()).group(1)


def test_todays_addresses_answer_in_the_browsers_language(client):
    english = client.get("/monuments/")
    assert english.status_code == 200 and html_lang(english) == "en"
    russian = client.get("/monuments/", HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")
    assert html_lang(russian) == "ru" and russian["Content-Language"] == "ru"
    assert "Accept-Language" in russian["Vary"]


@pytest.mark.parametrize("prefix, language", [("ru", "ru"), ("az", "az"), ("es", "es"), ("en", "en")])
def test_an_address_with_a_prefix_opens_in_its_language_whatever_the_browser_asks(client, prefix, language):
    f.MonumentFactory(name="Juma Mosque", slug="juma")
    browser = "en" if language != "en" else "ru"
    response = client.get(f"/{prefix}/monuments/juma/", HTTP_ACCEPT_LANGUAGE=browser)
    assert response.status_code == 200
    assert html_lang(response) == language and response["Content-Language"] == language
    body = response.content.decode()
    # Its links stay in the language: the navigation, the record's own address, the citation.
    assert f'href="/{prefix}/monuments/"' in body and f"http://testserver/{prefix}/monuments/juma/" in body
    # Static files are shared by every language.
    assert 'href="/static/' in body and f'"/{prefix}/static/' not in body


def test_the_switcher_keeps_the_page_and_its_filters(client):
    body = client.get("/ru/monuments/?condition=damaged").content.decode()
    switcher = body.split('class="languages"')[1].split("</nav>")[0]
    links = re.findall(
        r'<a href="([^"]+)" lang="([a-z]+)" hreflang="[a-z]+"( aria-current="true")?>([^<]+)</a>', switcher
    )
    assert [(href, code, bool(current), name) for href, code, current, name in links] == [
        ("/en/monuments/?condition=damaged", "en", False, "English"),
        ("/az/monuments/?condition=damaged", "az", False, "Azərbaycanca"),
        ("/es/monuments/?condition=damaged", "es", False, "Español"),
        ("/ru/monuments/?condition=damaged", "ru", True, "Русский"),
    ]


def test_every_page_names_its_alternates_and_the_default(client):
    body = client.get("/es/meetings/").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([a-zA-Z-]+)" href="([^"]+)">', body))
    assert alternates == {
        "en": "http://testserver/en/meetings/",
        "az": "http://testserver/az/meetings/",
        "es": "http://testserver/es/meetings/",
        "ru": "http://testserver/ru/meetings/",
        "x-default": "http://testserver/meetings/",
    }


def test_the_sitemap_lists_every_language_of_each_address(client):
    f.MonumentFactory(name="Juma Mosque", slug="juma")
    body = client.get("/sitemap-monuments.xml").content.decode()
    assert '<xhtml:link rel="alternate" hreflang="ru" href="http://testserver/ru/monuments/juma/"/>' in body
    assert '<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver/monuments/juma/"/>' in body


def test_the_page_cache_keeps_one_copy_per_language(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    for url, browser, language in [
        ("/monuments/", "ru", "ru"),
        ("/monuments/", "en", "en"),
        ("/monuments/", "es", "es"),
        ("/az/monuments/", "ru", "az"),
        ("/monuments/", "ru", "ru"),
    ]:
        assert html_lang(client.get(url, HTTP_ACCEPT_LANGUAGE=browser)) == language, (url, browser)


def test_the_staff_area_and_the_api_are_not_prefixed(client):
    assert client.get("/api/v1/monuments/").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_every_public_page_type_costs_the_same_queries_in_every_language(client, demo):
    """A translated page reads nothing more: names in each language are columns of rows already read, labels come
    from the catalogs. Each page is asked for once in every language first, so that what is built once per
    language (the country choices) is not counted against the first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heritage.models import Source
    from meetings.models import Event, Meeting, Organization, Person, Topic

    monument = f.ConditionAssessmentFactory().monument
    records = [Meeting, Person, Organization, Event]
    pages = [
        monument.get_absolute_url(),
        "/",
        "/monuments/",
        "/monuments/?q=mosque&condition=destroyed",
        "/meetings/",
        "/meetings/network/",
        "/figures/",
        "/search/?q=culture",
        "/countries/AZ/",
        *(model.objects.published().first().get_absolute_url() for model in records),
        Topic.objects.filter(meetings__isnull=False).first().get_absolute_url(),
        Source.objects.first().get_absolute_url(),
    ]
    for page in pages:
        counts = {}
        for language in ["en", "az", "ru", "es"]:
            assert client.get(f"/{language}{page}").status_code == 200, (language, page)
        for language in ["en", "az", "ru", "es"]:
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/{language}{page}")
            counts[language] = len(queries)
        assert set(counts.values()) == {counts["en"]}, (page, counts)
