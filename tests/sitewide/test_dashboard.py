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


def queue_fixture(editor, publisher, n):
    """``n`` pending assessments and outcomes and ``n`` open proposals, the first of each the oldest."""
    from django.contrib.contenttypes.models import ContentType

    from heritage.models import Proposal

    start = timezone.now() - datetime.timedelta(days=30)
    for i in range(n):
        when = start + datetime.timedelta(days=i)
        f.ConditionAssessmentFactory(review_status="pending", submitted_by=editor, submitted_at=when)
        f.OutcomeFactory(review_status="pending", submitted_by=editor, submitted_at=when, text=f"Outcome {i}")
        monument = f.MonumentFactory(name=f"Proposed {i}")
        Proposal.objects.create(
            content_type=ContentType.objects.get_for_model(Monument),
            object_id=monument.pk,
            record_repr=monument.name,
            changes={"fields": {}},
            proposed_by=editor,
            proposed_at=when + datetime.timedelta(hours=1),
        )


def queue_page(client, user):
    page = client.get(reverse("admin:index")).content.decode()
    return page[page.index('id="dashboard-queue"') : page.index('id="dashboard-queue-items"')], page


@pytest.mark.parametrize("n", [2, 12])
def test_the_review_queue_counts_ages_and_lists_the_oldest_first_in_bounded_queries(
    client, editor, publisher, n, django_assert_max_num_queries
):
    queue_fixture(editor, publisher, n)
    client.force_login(publisher)
    with django_assert_max_num_queries(45):
        queue, page = queue_page(client, publisher)
    counts = count_links(queue)
    assert counts[f"{reverse('admin:monuments_conditionassessment_changelist')}?review_status__exact=pending"] == n
    assert counts[f"{reverse('admin:meetings_outcome_changelist')}?review_status__exact=pending"] == n
    assert counts[f"{reverse('admin:heritage_proposal_changelist')}?status__exact=open"] == n
    assert "4\xa0weeks" in queue  # the oldest waits since 30 days
    start = page.index('id="dashboard-queue-items"')
    items = page[start : page.index("</table>", start)]
    assert items.count("<tr>") == 1 + min(10, 3 * n)
    # Oldest first: the first assessment and outcome (day 0), then the first proposal (day 0, an hour later).
    first = [m.start() for m in re.finditer("<td><a href", items)][:3]
    assert "Proposed 0" in items[first[2] :] and "Proposed 0" not in items[: first[2]]
    # Each links to its admin page, which opens.
    for href in re.findall(r'<td><a href="([^"]+)"', items)[:3]:
        assert client.get(href).status_code == 200, href


def test_editors_see_their_own_proposals_and_no_queue(client, editor, publisher):
    from tests.monuments.test_location_guard import change_url, form_data

    monument = f.MonumentFactory(name="Old Bridge")
    client.force_login(editor)
    client.post(change_url(monument), form_data(monument, name="Ancient Bridge"))
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-queue"' not in page
    own = page[page.index('id="dashboard-own-proposals"') :]
    assert "Old Bridge" in own and "Waiting for review" in own


def test_recent_edits_say_what_kind_of_edit_each_was(client, editor, publisher):
    from heritage.models import Proposal
    from tests.monuments.test_location_guard import change_url, form_data

    client.force_login(publisher)
    client.post(
        reverse("admin:meetings_event_add"),
        {"name": "Culture Forum", "kind": "conference", "status": "draft"},
    )
    monument = f.MonumentFactory(name="Old Bridge")
    client.post(change_url(monument), form_data(monument, description="Stone, 12th century"))  # changed
    client.force_login(editor)
    client.post(change_url(monument), form_data(monument, name="Proposed Bridge"))  # proposed
    client.post(change_url(monument), form_data(monument, description="Vandal text"))  # joins it
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    client.post(reverse("admin:heritage_proposal_change", args=[proposal.pk]), {"decision": "approve"})
    other = f.MonumentFactory(name="Second Bridge")
    client.force_login(editor)
    client.post(change_url(other), form_data(other, name="Bad name"))
    client.force_login(publisher)
    rejected = Proposal.objects.open().get()
    client.post(
        reverse("admin:heritage_proposal_change", args=[rejected.pk]), {"decision": "reject", "reason": "No source"}
    )
    client.post(reverse("admin:monuments_monument_delete", args=[other.pk]), {"post": "yes"})
    page = client.get(reverse("admin:index")).content.decode()
    changes = page[page.index('id="dashboard-changes"') :]
    kinds = re.findall(r'<tr class="edit-(\w+)">', changes)
    assert kinds[:6] == ["deleted", "rejected", "proposed", "approved", "proposed", "changed"], kinds
    assert "No source" in changes and escape("Proposed Bridge") in changes
    assert reverse("admin:heritage_proposal_change", args=[rejected.pk]) in changes
