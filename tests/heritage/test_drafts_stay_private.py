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
