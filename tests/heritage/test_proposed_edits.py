"""Proposed edits (issue 13): an Editor's change to a published record (its fields and its inlines) is kept as a
proposal and the public keeps seeing the published version; a Publisher sees the difference and approves (applied,
in history, naming both) or rejects it with a reason the Editor reads. Stale, deleted and crafted paths."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from reversion.models import Version

from heritage.models import EditKind, Proposal, ProposalStatus
from meetings.models import Meeting
from monuments.models import Monument
from tests import factories as f
from tests.monuments.test_location_guard import EXACT, assert_still_hidden, change_url, form_data, stored
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def mosque():
    return f.MonumentFactory(name="Juma Mosque", slug="juma-mosque", latitude="40.1", longitude="46.2")


def proposal_url(proposal):
    return reverse("admin:heritage_proposal_change", args=[proposal.pk])


def propose(client, user, monument, **changes):
    client.force_login(user)
    response = client.post(change_url(monument), form_data(monument, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    return response


def decide(client, user, proposal, decision, **extra):
    client.force_login(user)
    return client.post(proposal_url(proposal), {"decision": decision, **extra})


def test_an_editors_rename_and_move_wait_for_a_publisher_and_are_public_at_once_after(
    client, editor, publisher, mosque
):
    response = propose(
        client, editor, mosque, name="Cümə məscidi", latitude="40.2", proposal_reason="Name per the 2023 survey"
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == proposal_url(proposal)
    assert (proposal.status, proposal.proposed_by, proposal.record_repr) == ("open", editor, "Juma Mosque")
    mosque.refresh_from_db()
    assert (mosque.name, mosque.latitude) == ("Juma Mosque", Decimal("40.1"))
    client.logout()
    page = body(client.get(mosque.get_absolute_url()))
    assert "Juma Mosque" in page and "Cümə məscidi" not in page
    assert "Cümə" not in body(client.get("/monuments/?q=Cume"))
    assert "Cümə" not in body(client.get("/monuments/export.csv"))
    assert not Version.objects.get_for_object(mosque).exists()  # history holds no edit that did not happen

    # The Editor reads their proposal; the Publisher sees it as a difference and approves it.
    client.force_login(editor)
    page = body(client.get(proposal_url(proposal)))
    assert "Name per the 2023 survey" in page and 'id="proposal-decide"' not in page
    client.force_login(publisher)
    page = body(client.get(proposal_url(proposal)))
    diff = page[page.index('id="proposal-diff"') :]
    assert "<del>Juma Mosque</del>" in diff and "<ins>Cümə məscidi</ins>" in diff
    assert "<del>40.100000</del>" in diff and "<ins>40.2</ins>" in diff
    response = decide(client, publisher, proposal, "approve", reason="Checked against the survey")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, publisher)
    mosque.refresh_from_db()
    assert (mosque.name, mosque.latitude, mosque.slug) == ("Cümə məscidi", Decimal("40.2"), "juma-mosque")
    client.logout()
    assert "Cümə məscidi" in body(client.get(mosque.get_absolute_url()))
    assert "Cümə məscidi" in body(client.get("/monuments/?q=Cume"))
    # The history names who proposed and who approved, and why.
    revision = Version.objects.get_for_object(mosque).first().revision
    assert revision.user == publisher and revision == proposal.revision
    comment = revision.get_comment()
    assert "editor" in comment and "publisher" in comment and "Checked against the survey" in comment
    assert revision.kinds.get().kind == EditKind.APPROVED


def test_a_moved_sensitive_point_never_leaks_before_approval(client, editor, publisher):
    shrine = f.MonumentFactory(
        name="Hidden Shrine", slug="hidden-shrine", latitude=EXACT[0], longitude=EXACT[1], location_sensitive=True
    )
    propose(client, editor, shrine, latitude="41.299999", location_sensitive=None)
    assert_still_hidden(client, shrine)
    for url in ("/monuments/map/data.json?zoom=18", "/monuments/export.geojson", "/monuments/export.csv"):
        response = client.get(url)
        assert "41.299999" not in body(response) and "41.234567" not in body(response), url
    decide(client, publisher, Proposal.objects.get(), "approve")
    assert stored(shrine) == {
        "location_sensitive": False,
        "latitude": Decimal("41.299999"),
        "longitude": Decimal(EXACT[1]),
        "status": "published",
    }
    client.logout()
    assert "41.299999" in body(client.get(shrine.get_absolute_url()))


def test_a_rejection_needs_a_reason_leaves_the_record_and_the_editor_reads_it(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="Vandal's name")
    proposal = Proposal.objects.get()
    response = decide(client, publisher, proposal, "reject", reason="  ")
    assert response.status_code == 200 and "Give a reason for the rejection" in body(response)
    proposal.refresh_from_db()
    assert proposal.is_open
    decide(client, publisher, proposal, "reject", reason="No source says so")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == (ProposalStatus.REJECTED, "No source says so")
    mosque.refresh_from_db()
    assert mosque.name == "Juma Mosque"
    client.logout()
    assert "Vandal" not in body(client.get(mosque.get_absolute_url()))
    # The Editor sees the reason on the record's form and on the proposal.
    client.force_login(editor)
    assert "was rejected by publisher: No source says so" in body(client.get(change_url(mosque)))
    assert "No source says so" in body(client.get(proposal_url(proposal)))
    # A decided proposal is not decided again.
    response = decide(client, publisher, proposal, "approve")
    assert "already decided" in body(response)
    mosque.refresh_from_db()
    assert mosque.name == "Juma Mosque"


def test_an_editor_cannot_approve_their_own_proposal_by_a_crafted_post(client, editor, mosque):
    propose(client, editor, mosque, name="Mine")
    proposal = Proposal.objects.get()
    response = decide(client, editor, proposal, "approve", reason="trust me")
    assert "Only a Publisher may approve or reject" in body(response)
    proposal.refresh_from_db()
    mosque.refresh_from_db()
    assert proposal.is_open and mosque.name == "Juma Mosque"


def test_inline_rows_are_proposed_and_applied(client, editor, publisher, mosque):
    registration = f.RegistrationFactory(monument=mosque, registry="National list", number="101")
    data = {
        "registrations-TOTAL_FORMS": "2",
        "registrations-INITIAL_FORMS": "1",
        "registrations-0-id": registration.pk,
        "registrations-0-monument": mosque.pk,
        "registrations-0-registry": "National list",
        "registrations-0-number": "102",
        "registrations-0-significance": registration.significance,
        "registrations-0-registered_precision": "day",
        "registrations-1-monument": mosque.pk,
        "registrations-1-registry": "World list",
        "registrations-1-number": "W-7",
        "registrations-1-significance": "world",
        "registrations-1-registered_precision": "day",
    }
    propose(client, editor, mosque, **data)
    registration.refresh_from_db()
    assert registration.number == "101" and mosque.registrations.count() == 1
    client.logout()
    assert "W-7" not in body(client.get(mosque.get_absolute_url()))
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    diff = body(client.get(proposal_url(proposal)))
    assert "<del>101</del>" in diff and "<ins>102</ins>" in diff and "<ins>W-7</ins>" in diff
    decide(client, publisher, proposal, "approve")
    assert sorted(mosque.registrations.values_list("number", flat=True)) == ["102", "W-7"]
    client.logout()
    assert "W-7" in body(client.get(mosque.get_absolute_url()))


def test_a_meetings_changed_date_waits_for_approval(client, editor, publisher):
    meeting = f.MeetingFactory(title="Ministers meet", slug="ministers-meet")
    data = {
        "title": meeting.title,
        "slug": meeting.slug,
        "date": "2023-03-09",
        "date_precision": "day",
        "event": "",
        "place": "",
        "format": meeting.format,
        "summary": "",
        "account": "",
        "status": "published",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "outcomes-TOTAL_FORMS": "0",
        "outcomes-INITIAL_FORMS": "0",
    }
    client.force_login(editor)
    assert client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data).status_code == 302
    client.logout()
    assert "1 March 2023" in body(client.get(meeting.get_absolute_url()))
    decide(client, publisher, Proposal.objects.get(), "approve")
    client.logout()
    assert "9 March 2023" in body(client.get(meeting.get_absolute_url()))
    assert Meeting.objects.get().date.day == 9


def test_a_proposal_made_on_an_older_version_shows_what_changed_and_asks_again(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="Editor's name")
    proposal = Proposal.objects.get()
    # Meanwhile a Publisher renames it directly.
    client.force_login(publisher)
    assert client.post(change_url(mosque), form_data(mosque, name="Publisher's name")).status_code == 302
    page = body(client.get(proposal_url(proposal)))
    assert "made on an older version" in page and "it is now “Publisher&#x27;s name”" in page
    response = decide(client, publisher, proposal, "approve")
    assert response.status_code == 200 and "changed after this proposal" in body(response)
    mosque.refresh_from_db()
    assert mosque.name == "Publisher's name"
    decide(client, publisher, proposal, "approve", confirm_stale="on")
    mosque.refresh_from_db()
    assert mosque.name == "Editor's name"


def test_a_proposal_whose_record_was_deleted_is_closed_with_a_message(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="Too late")
    proposal = Proposal.objects.get()
    Monument.objects.filter(pk=mosque.pk).delete()
    client.force_login(publisher)
    assert "deleted or merged into another since" in body(client.get(proposal_url(proposal)))
    response = decide(client, publisher, proposal, "approve")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    assert "merged into another meanwhile" in body(client.get(response["Location"]))


def test_an_editors_second_change_joins_their_open_proposal_one_per_editor(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="First name")
    propose(client, editor, mosque, description="A new description")
    proposal = Proposal.objects.get()
    assert set(proposal.changes["fields"]) == {"name", "description"}
    # A second Editor's proposal is separate; the database keeps one open proposal per Editor and record.
    other = f.UserFactory(username="other", groups=["Editors"])
    propose(client, other, mosque, name="Other name")
    assert Proposal.objects.open().count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            content_type=ContentType.objects.get_for_model(mosque),
            object_id=mosque.pk,
            record_repr="x",
            proposed_by=editor,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="maybe")
    # Editors list their own proposals; Publishers every one, oldest first.
    client.force_login(editor)
    listed = client.get(reverse("admin:heritage_proposal_changelist")).context["cl"].result_list
    assert [p.proposed_by for p in listed] == [editor]
    client.force_login(publisher)
    listed = client.get(reverse("admin:heritage_proposal_changelist")).context["cl"].result_list
    assert [p.proposed_by for p in listed] == [editor, other]
    page = body(client.get(change_url(mosque)))
    assert "2 proposed edits of this record wait for review" in page
    # The newer one points to the older: proposals on one record are decided in order.
    newer = Proposal.objects.get(proposed_by=other)
    page = body(client.get(proposal_url(newer)))
    assert "An older proposed edit of this record waits too" in page and proposal_url(proposal) in page
    assert "An older proposed edit" not in body(client.get(proposal_url(proposal)))


def test_an_editor_withdraws_and_a_publishers_edit_is_direct(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="Changed my mind")
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    assert "Only the Editor" in body(client.post(proposal_url(proposal), {"decision": "withdraw"}, follow=True))
    client.force_login(editor)
    client.post(proposal_url(proposal), {"decision": "withdraw"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    propose(client, publisher, mosque, name="Direct")
    mosque.refresh_from_db()
    assert mosque.name == "Direct" and Proposal.objects.open().count() == 0
    revision = Version.objects.get_for_object(mosque).first().revision
    assert revision.kinds.get().kind == EditKind.CHANGED
    assert "Name" in revision.get_comment()


def test_the_why_box_is_shown_only_when_the_change_will_be_a_proposal(client, editor, publisher):
    event = f.EventFactory(name="Culture Forum")
    url = reverse("admin:meetings_event_change", args=[event.pk])
    client.force_login(editor)
    assert body(client.get(url)).count('name="proposal_reason"') == 1
    client.force_login(publisher)
    assert 'name="proposal_reason"' not in body(client.get(url))
    draft = f.EventFactory(name="Draft forum", status="draft")
    client.force_login(editor)
    assert 'name="proposal_reason"' not in body(client.get(reverse("admin:meetings_event_change", args=[draft.pk])))


def test_a_proposal_no_longer_valid_applies_nothing_and_says_why(client, editor, publisher, mosque):
    data = {
        "registrations-TOTAL_FORMS": "1",
        "registrations-0-monument": mosque.pk,
        "registrations-0-registry": "World list",
        "registrations-0-number": "W-7",
        "registrations-0-significance": "world",
        "registrations-0-registered_precision": "day",
    }
    propose(client, editor, mosque, name="Renamed", **data)
    proposal = Proposal.objects.get()
    f.RegistrationFactory(registry="World list", number="W-7")  # taken meanwhile by another monument
    response = decide(client, publisher, proposal, "approve")
    assert response.status_code == 200 and "The proposal no longer applies" in body(response)
    mosque.refresh_from_db()
    proposal.refresh_from_db()
    assert mosque.name == "Juma Mosque" and not mosque.registrations.exists() and proposal.is_open
    assert not Version.objects.get_for_object(mosque).exists()


def test_many_to_many_fields_are_proposed_and_applied(client, editor, publisher, mosque):
    source = f.SourceFactory(title="Survey of 2023")
    propose(client, editor, mosque, sources=[source.pk])
    assert not mosque.sources.exists()
    client.force_login(publisher)
    assert "<ins>" in body(client.get(proposal_url(Proposal.objects.get()))) and "Survey of 2023" in body(
        client.get(proposal_url(Proposal.objects.get()))
    )
    decide(client, publisher, Proposal.objects.get(), "approve")
    assert list(mosque.sources.all()) == [source]


def test_the_proposal_page_and_list_stay_within_a_query_budget(
    client, editor, publisher, mosque, django_assert_max_num_queries
):
    for n in range(5):
        f.RegistrationFactory(monument=mosque, registry="List", number=str(n))
    propose(client, editor, mosque, name="A", description="B", latitude="40.3")
    proposal = Proposal.objects.get()
    client.force_login(publisher)
    with django_assert_max_num_queries(15):
        assert client.get(proposal_url(proposal)).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("admin:heritage_proposal_changelist")).status_code == 200


def test_the_records_history_lists_its_proposals_with_who_decided_and_why(client, editor, publisher, mosque):
    propose(client, editor, mosque, name="Rejected name", proposal_reason="Local usage")
    decide(client, publisher, Proposal.objects.get(), "reject", reason="No source")
    propose(client, editor, mosque, name="Approved name")
    decide(client, publisher, Proposal.objects.open().get(), "approve")
    page = body(client.get(reverse("admin:monuments_monument_history", args=[mosque.pk])))
    history = page[page.index('id="proposal-history"') :]
    assert "Local usage — No source" in history and "Rejected" in history and "Approved" in history
    assert "approved by publisher" in page  # the revision that applied the other one


def test_an_editors_change_of_a_public_outcome_waits_in_the_proposal(client, editor, publisher):
    meeting = f.MeetingFactory(title="Ministers meet", slug="ministers-meet")
    kept = f.OutcomeFactory(meeting=meeting, text="To hold culture days.")
    other = f.OutcomeFactory(meeting=meeting, text="To exchange exhibitions.")
    source = f.SourceFactory(title="Ministry release")

    def outcome(i, obj, **extra):
        return {
            f"outcomes-{i}-id": obj.pk,
            f"outcomes-{i}-meeting": meeting.pk,
            f"outcomes-{i}-kind": obj.kind,
            f"outcomes-{i}-follow_up": obj.follow_up,
            f"outcomes-{i}-text": obj.text,
            **{f"outcomes-{i}-{k}": v for k, v in extra.items()},
        }

    data = {
        "title": meeting.title,
        "slug": meeting.slug,
        "date": "2023-03-01",
        "date_precision": "day",
        "format": meeting.format,
        "status": "published",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
        "outcomes-TOTAL_FORMS": "2",
        "outcomes-INITIAL_FORMS": "2",
        **outcome(0, kept, text="To hold culture days in Baku.", sources=[source.pk]),
        **outcome(1, other, DELETE="on"),  # Editors may not delete (no delete permission): ignored
    }
    client.force_login(editor)
    response = client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    kept.refresh_from_db()
    assert kept.text == "To hold culture days." and not kept.sources.exists()
    client.logout()
    page = body(client.get(meeting.get_absolute_url()))
    assert "To exchange exhibitions." in page and "in Baku" not in page
    decide(client, publisher, Proposal.objects.get(), "approve")
    kept.refresh_from_db()
    assert kept.text == "To hold culture days in Baku." and list(kept.sources.all()) == [source]
    assert meeting.outcomes.filter(pk=other.pk).exists()
