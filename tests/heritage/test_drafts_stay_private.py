"""Drafts stay private on the pages that span the register: figures, vocabulary, counts.

A draft leaves no trace in public: a figure's draft reporter is not named, vocabulary (topics, monument types)
that only drafts use is neither a filter choice nor a page, and the register's counts leave out what is not
published, the moment it is unpublished.
"""

import datetime

import pytest
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
    assert "Select a valid choice" in body(client.get("/meetings/?topic=looted-manuscripts"))
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
