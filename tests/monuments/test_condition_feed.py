"""The Atom feed of condition changes: public assessments of published monuments, attributed, honouring the list's
filters; read with feedparser, as a feed reader would."""

import datetime

import feedparser
import pytest

from heritage.models import DatePrecision, PublishStatus, ReviewStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.fixture
def reports():
    baku, ganja = f.PlaceFactory(name="Baku", country="AZ"), f.PlaceFactory(name="Tbilisi", country="GE")
    mosque = f.MonumentFactory(name="Juma Mosque", place=baku, monument_type=f.MonumentTypeFactory(name="Mosque"))
    church = f.MonumentFactory(name="Sioni Church", place=ganja, monument_type=f.MonumentTypeFactory(name="Church"))
    source = f.SourceFactory(title="Field report 2022", url="https://example.org/report")
    f.ConditionAssessmentFactory(
        monument=mosque,
        condition="damaged",
        observed_on=datetime.date(2022, 10, 1),
        observed_precision=DatePrecision.MONTH,
        assessed_by="Monitoring group",
        source=source,
    )
    f.ConditionAssessmentFactory(monument=church, condition="restored", observed_on=datetime.date(2023, 5, 2))
    f.ConditionAssessmentFactory(
        monument=mosque,
        condition="destroyed",
        observed_on=datetime.date(2024, 1, 1),
        review_status=ReviewStatus.PENDING,
    )
    draft = f.MonumentFactory(name="Draft chapel", status=PublishStatus.DRAFT)
    f.ConditionAssessmentFactory(monument=draft, condition="vandalized", observed_on=datetime.date(2024, 2, 1))
    return mosque, church


def test_each_entry_is_one_public_assessment_attributed_newest_first(client, reports):
    feed = parsed(client, "/monuments/conditions.atom")
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 2
    assert titles[0].startswith("Sioni Church: Restored, as reported by ")
    assert titles[1] == "Juma Mosque: Damaged, as reported by Monitoring group"
    mosque_entry = feed.entries[1]
    assert "observed October 2022" in mosque_entry.summary  # at the precision recorded, not 1 October
    assert "Field report 2022" in mosque_entry.summary
    related = [link for link in mosque_entry.links if link.rel == "related"]
    assert related and "Field report 2022" in related[0].title
    assert mosque_entry.link.endswith("/monuments/juma-mosque/")
    body = client.get("/monuments/conditions.atom").content.decode()
    assert "Destroyed" not in body and "Draft chapel" not in body  # pending evidence, draft records


def test_the_list_filters_narrow_the_feed(client, reports):
    feed = parsed(client, "/monuments/conditions.atom?country=GE")
    assert [entry.title.split(":")[0] for entry in feed.entries] == ["Sioni Church"]
    assert feed.feed.link.endswith("/monuments/?country=GE")


def test_a_filter_not_understood_is_a_400_naming_it(client, reports):
    response = client.get("/monuments/conditions.atom?condition=on-fire")
    assert response.status_code == 400
    assert "condition" in response.content.decode()


def test_the_list_links_to_its_feed_with_its_filters(client, reports):
    page = client.get("/monuments/?country=GE").content.decode()
    assert 'href="/monuments/conditions.atom?country=GE"' in page


def test_the_feed_costs_a_fixed_number_of_queries(client, reports, django_assert_max_num_queries):
    for n in range(5):
        f.ConditionAssessmentFactory(
            monument=reports[0], condition="damaged", observed_on=datetime.date(2021, 1, n + 1)
        )
    with django_assert_max_num_queries(3):
        client.get("/monuments/conditions.atom")


@pytest.mark.parametrize("prefix, accept", [("/ru", "en"), ("", "ru")])
def test_a_russian_feed_declares_its_language_and_names_the_monument_in_russian(client, reports, prefix, accept):
    """Under /ru/ or with Accept-Language ru: ``xml:lang="ru"`` on the feed, the monument's Russian name in the
    title (as on its page), the source's citation marked with the source's own language, the condition a code."""
    mosque, _church = reports
    mosque.name_language, mosque.name_ru = "en", "Джума-мечеть"
    mosque.save()
    mosque.assessments.filter(condition="damaged").update(source=f.SourceFactory(title="Saha hesabatı", language="az"))
    response = client.get(f"{prefix}/monuments/conditions.atom", HTTP_ACCEPT_LANGUAGE=accept)
    assert response["Content-Language"] == "ru"
    body = response.content.decode()
    assert '<feed xml:lang="ru" ' in body
    feed = feedparser.parse(response.content)
    entry = next(e for e in feed.entries if e.link.endswith("/monuments/juma-mosque/"))
    assert entry.title.startswith("Джума-мечеть: ")
    assert '<span lang="az">Saha hesabatı</span>' in entry.summary
    assert [tag.term for tag in entry.tags] == ["damaged"]


def test_the_meeting_feed_declares_its_language_and_marks_sources_in_another(client):
    meeting = f.MeetingFactory(title="Talks")
    meeting.sources.add(f.SourceFactory(title="Пресс-релиз", language="ru"), f.SourceFactory(title="Press release"))
    for language in ["en", "az", "ru", "es"]:
        response = client.get(f"/{language}/feeds/meetings/")
        assert f'xml:lang="{language}"' in response.content.decode().split(">", 2)[1]
        summary = feedparser.parse(response.content).entries[0].summary
        # The title in the source's language, the date in the reader's.
        marked = ' — <span lang="ru">Пресс-релиз</span>'
        assert (marked in summary) == (language != "ru") and "Press release" in summary, language
