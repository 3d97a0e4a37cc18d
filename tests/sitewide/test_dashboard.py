"""The editorial dashboard on the admin index, and sources as the way in to new records."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from heritage.models import PublishStatus
from meetings.models import Meeting
from monuments.models import Monument
from tests import factories as f

pytestmark = pytest.mark.django_db


def count_links(page):
    """{link: number} for every count on the dashboard."""
    return {
        href.replace("&amp;", "&"): int(n)
        for href, n in re.findall(r'<a href="([^"]+)" class="dashboard-count">(\d+)</a>', page)
    }


@pytest.fixture
def data():
    source = f.SourceFactory()
    cited = f.MeetingFactory()
    cited.sources.add(source)
    f.MeetingFactory()  # published, no source
    f.MeetingFactory(status=PublishStatus.REVIEW)
    f.MeetingFactory(status=PublishStatus.DRAFT)  # a draft without source is not counted as published
    f.PersonFactory(status=PublishStatus.REVIEW)
    f.MonumentFactory()  # no assessment, no source
    old = f.ConditionAssessmentFactory(observed_on=timezone.localdate() - datetime.timedelta(days=1000)).monument
    fresh = f.ConditionAssessmentFactory(observed_on=timezone.localdate()).monument
    f.ConditionAssessmentFactory(monument=fresh, observed_on=datetime.date(2001, 1, 1))
    for monument in (old, fresh):
        monument.sources.add(source)
    f.OutcomeFactory(follow_up="open")
    f.OutcomeFactory(follow_up="open")
    f.OutcomeFactory(follow_up="in_progress")
    f.OutcomeFactory(follow_up="done")
    return {"old": old, "fresh": fresh}


def test_dashboard_counts_match_the_data_and_link_to_filtered_lists(
    client, superuser, data, django_assert_max_num_queries
):
    client.force_login(superuser)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    counts = count_links(response.content.decode())
    meetings = reverse("admin:meetings_meeting_changelist")
    monuments = reverse("admin:monuments_monument_changelist")
    outcomes = reverse("admin:meetings_outcome_changelist")
    expected = {
        f"{meetings}?status__exact=review": 1,
        f"{reverse('admin:meetings_person_changelist')}?status__exact=review": 1,
        # The one above, and the meeting each OutcomeFactory makes.
        f"{meetings}?status__exact=published&has_source=no": 5,
        f"{monuments}?status__exact=published&has_source=no": 1,
        f"{monuments}?has_assessment=no": 1,
        f"{monuments}?stale_assessment=yes": 1,
        f"{outcomes}?follow_up__exact=open": 2,
        f"{outcomes}?follow_up__exact=in_progress": 1,
    }
    for link, number in expected.items():
        assert counts[link] == number, link

    # Each link opens a list showing exactly that many records.
    for link, number in counts.items():
        listed = client.get(link)
        assert listed.status_code == 200, link
        assert listed.context["cl"].result_count == number, link


def test_the_stale_filter_uses_the_configured_age(client, superuser, data, settings):
    settings.ASSESSMENT_MAX_AGE_DAYS = 5000
    client.force_login(superuser)
    counts = count_links(client.get(reverse("admin:index")).content.decode())
    assert counts[f"{reverse('admin:monuments_monument_changelist')}?stale_assessment=yes"] == 0
    assert "older than 5000 days" in client.get(reverse("admin:index")).content.decode()


def test_dashboard_shows_recent_changes_by_whom_and_figures_beside_the_register(client, publisher, demo):
    destroyed = f.ConditionAssessmentFactory(condition="destroyed", monument__place=f.PlaceFactory()).monument
    f.RegistrationFactory(monument=destroyed)
    client.force_login(publisher)
    meeting = Meeting.objects.first()
    client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "unpublish", "_selected_action": [meeting.pk]},
    )
    page = client.get(reverse("admin:index")).content.decode()
    changes = page[page.index('id="dashboard-changes"') :]
    assert "publisher" in changes and "Unpublished" in changes and escape(meeting.title) in changes
    figures = page[page.index('id="dashboard-figures"') : page.index('id="dashboard-changes"')]
    assert "Ministry" in figures or "Culture" in figures
    # The register documents one destroyed, registered, published monument.
    cells = re.findall(r"<td>(\d+)</td>", figures)
    assert cells[-2:] == ["1", "1"]
    assert "measure different things" in page


def test_source_page_starts_records_that_cite_it(client, editor):
    source = f.SourceFactory()
    client.force_login(editor)
    page = client.get(reverse("admin:heritage_source_change", args=[source.pk])).content.decode()
    add_meeting = f"{reverse('admin:meetings_meeting_add')}?sources={source.pk}"
    assert add_meeting in page
    assert f"{reverse('admin:monuments_conditionassessment_add')}?source={source.pk}" in page
    assert f"{reverse('admin:meetings_meeting_import')}?source={source.pk}" in page

    form = client.get(add_meeting).context["adminform"].form
    assert form.initial["sources"] == [str(source.pk)]
    response = client.post(
        add_meeting,
        {
            "title": "Reported talks",
            "slug": "",
            "date": "2023-04-02",
            "date_precision": "day",
            "format": "bilateral",
            "status": "draft",
            "sources": [source.pk],
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert list(Meeting.objects.get(title="Reported talks").sources.all()) == [source]


def test_monuments_without_assessment_filter_is_right(client, superuser):
    assessed = f.ConditionAssessmentFactory().monument
    bare = f.MonumentFactory()
    client.force_login(superuser)
    cl = client.get(reverse("admin:monuments_monument_changelist"), {"has_assessment": "no"}).context["cl"]
    assert list(cl.queryset) == [bare]
    cl = client.get(reverse("admin:monuments_monument_changelist"), {"has_assessment": "yes"}).context["cl"]
    assert list(cl.queryset) == [assessed]
    assert Monument.objects.count() == 2
