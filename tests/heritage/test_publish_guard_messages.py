"""The publish guard's words and counts: the exact message an Editor gets, and what the actions report."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from heritage.models import Proposal, PublishStatus
from meetings.models import Event, Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db

REFUSED = "You may not publish or unpublish this record. Save it as draft or in review for a Publisher."


def event_form(**overrides):
    data = {"name": "Culture Forum", "short_name": "", "slug": "culture-forum", "kind": "forum",
            "start_date": "2023-05-01", "date_precision": "day", "end_date": "2023-05-03", "place": "",
            "organizer": "", "url": "", "description": "", "status": "draft",
            "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0"}  # fmt: skip
    return {**data, **overrides}


def test_an_editor_who_publishes_gets_exactly_the_message_on_the_status_field(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:meetings_event_add"), event_form(status="published"))
    assert response.context["adminform"].form.errors == {"status": [REFUSED]}
    assert not Event.objects.exists()


def test_an_editor_edits_a_published_record_and_it_stays_published(client, editor):
    event = f.EventFactory(slug="culture-forum", name="Culture Forum", status=PublishStatus.PUBLISHED)
    client.force_login(editor)
    response = client.post(
        reverse("admin:meetings_event_change", args=[event.pk]),
        event_form(status="published", description="Corrected."),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    # Still published, and the change waits as a proposed edit (tests/heritage/test_proposed_edits.py).
    assert (event.status, event.description) == (PublishStatus.PUBLISHED, "")
    assert Proposal.objects.get().changes["fields"]["description"]["to"] == "Corrected."


def act(client, action, meetings):
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": action, "_selected_action": [m.pk for m in meetings]},
        follow=True,
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_actions_count_the_records_they_changed(client, publisher):
    drafts = [f.MeetingFactory(status=PublishStatus.DRAFT) for _ in range(2)]
    published = f.MeetingFactory(status=PublishStatus.PUBLISHED)
    client.force_login(publisher)
    assert act(client, "publish", drafts) == ["2 records published."]
    assert act(client, "publish", [*drafts, published]) == ["0 records published."]
    assert act(client, "unpublish", [drafts[0]]) == ["1 record unpublished."]
    assert act(client, "unpublish", [*drafts, published]) == ["2 records unpublished."]
    assert set(Meeting.objects.values_list("status", flat=True)) == {PublishStatus.DRAFT}


def test_an_editor_cannot_publish_through_an_add_link_that_presets_the_status(client, editor):
    # The admin fills a new record's form from the address (?status=published): that is not the record's old
    # status, which for a new record is always draft.
    client.force_login(editor)
    url = reverse("admin:meetings_event_add") + "?status=published"
    response = client.post(url, event_form(status="published"))
    assert response.context["adminform"].form.errors == {"status": [REFUSED]}
    assert not Event.objects.exists()
