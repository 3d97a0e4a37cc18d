"""Drafts stay private on the pages that span the register: figures, vocabulary, counts.

A draft leaves no trace in public: a figure's draft reporter is not named, vocabulary (topics, monument types)
that only drafts use is neither a filter choice nor a page, and the register's counts leave out what is not
published, the moment it is unpublished.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from heritage.models import PublishStatus
from tests import factories as f
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure_by_a_draft():
    reporter = f.OrganizationFactory(name="Secretive Ministry", slug="secretive-ministry", status=PublishStatus.DRAFT)
    source = f.SourceFactory(title="Survey of losses")
    return f.ReportedFigureFactory(
        statement="Over 900 monuments lost.",
        count=900,
        reported_by=reporter,
        source=source,
        as_of=datetime.date(2021, 1, 1),
    )


def test_a_draft_reporter_is_not_named_on_any_page_that_shows_the_figure(client, figure_by_a_draft):
    reporter = figure_by_a_draft.reported_by
    pages = ["/", "/figures/", figure_by_a_draft.source.get_absolute_url()]
    for url in pages:
        text = body(client.get(url))
        assert "Over 900 monuments lost." in text, url
        assert "Secretive" not in text and "secretive-ministry" not in text, url
        assert figure_by_a_draft.source.get_absolute_url() in text or url == pages[2], url
    assert "As of 2021 — source:" in body(client.get("/figures/"))
    assert client.get(reverse("meetings:organization_detail", args=[reporter.slug])).status_code == 404

    reporter.status = PublishStatus.PUBLISHED
    reporter.save()
    for url in pages:
        assert "Secretive Ministry" in body(client.get(url)), url
    assert "Reported by Secretive Ministry, as of 2021" in body(client.get("/figures/"))


def test_a_topic_only_drafts_have_is_neither_an_option_nor_a_page(client):
    draft = f.MeetingFactory(title="Draft talks", status=PublishStatus.DRAFT)
    draft.topics.add(f.TopicFactory(name="Looted manuscripts", slug="looted-manuscripts"))
    f.MeetingFactory(title="Open talks").topics.add(f.TopicFactory(name="Museum loans", slug="museum-loans"))
    f.TopicFactory(name="Unused topic", slug="unused-topic")
    page = "/topics/looted-manuscripts/"
    for url in ["/meetings/", "/sitemap-topics.xml"]:
        text = body(client.get(url))
        assert "museum-loans" in text and "looted-manuscripts" not in text and "unused-topic" not in text, url
        assert "Looted manuscripts" not in text, url
    assert client.get(page).status_code == 404 and client.get("/topics/unused-topic/").status_code == 404
    assert client.get("/topics/museum-loans/").status_code == 200
    # As a parameter it is not a valid choice: the list says so (naming no topic) and the exports refuse it.
    assert "Nothing matches “looted-manuscripts”" in body(client.get("/meetings/?topic=looted-manuscripts"))
    assert client.get("/meetings/export.csv?topic=looted-manuscripts").status_code == 400

    draft.status = PublishStatus.PUBLISHED
    draft.save()
    assert 'value="looted-manuscripts"' in body(client.get("/meetings/"))
    assert client.get(page).status_code == 200 and page in body(client.get("/sitemap-topics.xml"))


def test_a_monument_type_only_drafts_have_is_not_a_filter_choice(client):
    f.MonumentFactory(name="Draft tower", status=PublishStatus.DRAFT, monument_type=f.MonumentTypeFactory(name="Tower"))
    f.MonumentFactory(name="Open mosque", monument_type=f.MonumentTypeFactory(name="Mosque"))
    text = body(client.get("/monuments/"))
    assert 'name="type" value="mosque"' in text and 'value="tower"' not in text and "Tower" not in text
    assert "Select a valid choice" in body(client.get("/monuments/?type=tower"))
    for url in ["/monuments/export.csv?type=tower", "/monuments/map/data.json?type=tower"]:
        assert client.get(url).status_code == 400, url

    f.MonumentFactory(name="Open tower", monument_type=f.MonumentTypeFactory(name="Tower"))
    assert 'name="type" value="tower"' in body(client.get("/monuments/"))
    assert "Open tower" in body(client.get("/monuments/?type=tower"))


def headline(text):
    """The home page's three counts: published monuments, published meetings, sources."""
    return [int(n.replace(",", "")) for n in re.findall(r"<strong>([\d,]+)</strong>", text)[:3]]


def register_total(text):
    return int(re.search(r"([\d,]+) published monuments? in total", text).group(1).replace(",", ""))


@pytest.mark.parametrize("page_cache", [0, 60], ids=["page cache off", "page cache on"])
def test_counts_drop_the_moment_a_monument_is_unpublished(client, settings, publisher, page_cache):
    settings.PAGE_CACHE_SECONDS = page_cache
    kept, gone = f.MonumentFactory(name="Kept"), f.MonumentFactory(name="Gone")
    staff = Client()
    staff.force_login(publisher)  # a logged-in reader never gets a cached page: only the counts can be stale
    for reader in (client, staff):
        assert headline(body(reader.get("/")))[0] == 2
        assert register_total(body(reader.get("/figures/"))) == 2
    staff.post(reverse("admin:monuments_monument_changelist"), {"action": "unpublish", "_selected_action": [gone.pk]})
    assert "Gone" not in body(client.get("/monuments/"))
    for reader in (client, staff):
        assert headline(body(reader.get("/")))[0] == 1
        figures = body(reader.get("/figures/"))
        assert register_total(figures) == 1 and re.search(r'type=mosque">Mosque</a></th><td>1</td>', figures)
    kept.delete()
    assert headline(body(staff.get("/")))[0] == 0 and register_total(body(staff.get("/figures/"))) == 0


def test_the_source_count_counts_only_sources_a_published_record_cites(client):
    cited = {
        "meeting": f.SourceFactory(title="Cited by a meeting"),
        "assessment": f.SourceFactory(title="Cited by an assessment"),
        "figure": f.SourceFactory(title="Cited by a figure"),
    }
    f.MeetingFactory().sources.add(cited["meeting"])
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(), source=cited["assessment"])
    f.ReportedFigureFactory(source=cited["figure"], reported_by=f.OrganizationFactory())
    only_a_draft = f.SourceFactory(title="Cited only by a draft")
    draft = f.MonumentFactory(status=PublishStatus.DRAFT)
    draft.sources.add(only_a_draft)
    f.EventFactory(status=PublishStatus.DRAFT).sources.add(only_a_draft)
    f.ConditionAssessmentFactory(monument=draft, source=only_a_draft)
    f.SourceFactory(title="Cited by nothing")

    assert headline(body(client.get("/")))[2] == 3
    for source in cited.values():
        assert client.get(source.get_absolute_url()).status_code == 200, source
    assert client.get(only_a_draft.get_absolute_url()).status_code == 404

    draft.status = PublishStatus.PUBLISHED
    draft.save()
    assert headline(body(client.get("/")))[2] == 4
    assert client.get(only_a_draft.get_absolute_url()).status_code == 200
