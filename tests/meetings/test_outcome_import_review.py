"""An Editor's meeting import follows the review rule (issue 13): new outcomes on a published meeting are pending
(not public until a Publisher approves them), a public outcome is not changed or dropped by the file, and a
Publisher's import, or an Editor's on a draft, is public at once."""

import pytest
from django.urls import reverse

from heritage.models import PublishStatus, ReviewStatus
from meetings.importers import MeetingImport
from meetings.models import Outcome
from tests import factories as f
from tests.heritage.test_imports import run
from tests.public import body

pytestmark = pytest.mark.django_db

HEADER = ["slug", "outcomes"]
AGREED = "agreement | open |  | To hold culture days."
SECRET = "offer | open |  | Training offered in secret."


@pytest.fixture
def meeting():
    meeting = f.MeetingFactory(title="Ministers meet", slug="ministers-meet")
    f.OutcomeFactory(meeting=meeting, kind="agreement", follow_up="open", text="To hold culture days.")
    return meeting


def test_an_editors_imported_outcome_on_a_published_meeting_waits_for_review(client, editor, publisher, meeting):
    result = run(MeetingImport(user=editor), HEADER, [[meeting.slug, f"{AGREED}\n{SECRET}"]], dry_run=False)
    assert result.committed and not result.has_errors
    secret = Outcome.objects.get(text="Training offered in secret.")
    assert (secret.review_status, secret.submitted_by) == (ReviewStatus.PENDING, editor)
    client.logout()
    for url in (meeting.get_absolute_url(), "/meetings/export.csv", "/meetings/export.json"):
        assert "Training offered in secret." not in body(client.get(url)), url

    client.force_login(publisher)
    client.post(
        reverse("admin:meetings_outcome_changelist"),
        {"action": "approve_evidence", "_selected_action": [secret.pk], "confirm": "yes", "reason": ""},
    )
    client.logout()
    assert "Training offered in secret." in body(client.get(meeting.get_absolute_url()))


def test_an_editors_import_may_not_change_or_drop_a_public_outcome(editor, meeting):
    for cell in (SECRET, ""):
        result = run(MeetingImport(user=editor), HEADER, [[meeting.slug, cell]], dry_run=False)
        assert not result.committed
        assert "only a Publisher may change it" in str(result.invalid[0].errors), cell
    assert list(Outcome.objects.values_list("text", flat=True)) == ["To hold culture days."]


def test_a_publishers_import_and_an_editors_on_a_draft_are_public_at_once(editor, publisher, meeting):
    result = run(MeetingImport(user=publisher), HEADER, [[meeting.slug, f"{AGREED}\n{SECRET}"]], dry_run=False)
    assert result.committed
    assert Outcome.objects.get(text="Training offered in secret.").review_status == ReviewStatus.APPROVED
    draft = f.MeetingFactory(slug="draft-meeting", status=PublishStatus.DRAFT)
    result = run(MeetingImport(user=editor), HEADER, [[draft.slug, SECRET]], dry_run=False)
    assert result.committed
    assert Outcome.objects.get(meeting=draft).review_status == ReviewStatus.APPROVED
