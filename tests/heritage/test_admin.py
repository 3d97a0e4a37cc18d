"""The admin is the staff's workplace: every page renders, publishing is guarded, history can be reverted."""

import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from heritage.models import Proposal, PublishStatus
from meetings.models import Event, Meeting
from monuments.models import Monument, MonumentImage, Registration
from tests import factories as f

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def one_of_everything(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monument = f.MonumentFactory(place=f.PlaceFactory())
    f.RegistrationFactory(monument=monument)
    f.ConditionAssessmentFactory(monument=monument)
    f.RestorationFactory(monument=monument)
    f.RiskListingFactory(monument=monument)
    MonumentImage.objects.create(
        monument=monument,
        image=SimpleUploadedFile("front.png", png_bytes(), "image/png"),
        alt_text="The front",
        credit="A photographer",
    )
    Proposal.objects.create(
        content_type=ContentType.objects.get_for_model(monument),
        object_id=monument.pk,
        record_repr=str(monument),
        changes={"fields": {"name": {"from": monument.name, "to": "New", "from_text": "", "to_text": "New"}}},
        proposed_by=f.UserFactory(),
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_changelist_add_and_change_page_renders(client, superuser, one_of_everything):
    client.force_login(superuser)
    for model in admin.site._registry:
        if model._meta.app_label not in {"heritage", "meetings", "monuments"}:
            continue
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        # Proposed edits are made by saving a published record, not added on their own.
        assert client.get(admin_url(model, "add")).status_code == (403 if model is Proposal else 200), model
        obj = model.objects.first()
        assert obj is not None, model
        assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 200
        assert client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200


def test_staff_groups_exist_with_the_right_permissions(editor, publisher):
    assert not editor.has_perm("meetings.publish_meeting")
    assert editor.has_perm("meetings.change_meeting") and editor.has_perm("monuments.add_monument")
    assert not editor.has_perm("monuments.delete_monument")
    assert publisher.has_perm("meetings.publish_meeting") and publisher.has_perm("monuments.publish_monument")


def event_data(**overrides):
    data = {
        "name": "Culture Forum",
        "short_name": "",
        "slug": "culture-forum",
        "kind": "forum",
        "start_date": "2023-05-01",
        "date_precision": "day",
        "end_date": "2023-05-03",
        "place": "",
        "organizer": "",
        "url": "",
        "description": "",
        "status": "draft",
        # The external identifiers inline, empty.
        "identifiers-TOTAL_FORMS": "0",
        "identifiers-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_editor_saves_a_draft_but_cannot_publish_by_form(client, editor):
    client.force_login(editor)
    response = client.post(admin_url(Event, "add"), event_data(status="published"))
    assert response.status_code == 200
    assert "You may not publish" in response.content.decode()
    assert not Event.objects.exists()

    client.post(admin_url(Event, "add"), event_data(status="review"))
    event = Event.objects.get()
    assert event.status == PublishStatus.REVIEW
    assert event.created_by == editor and event.updated_by == editor

    client.post(admin_url(Event, "change", event.pk), event_data(status="published"))
    event.refresh_from_db()
    assert event.status == PublishStatus.REVIEW


def test_editor_cannot_publish_by_crafted_action_post(client, editor):
    meeting = f.MeetingFactory(status=PublishStatus.DRAFT)
    client.force_login(editor)
    client.post(admin_url(Meeting, "changelist"), {"action": "publish", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.status == PublishStatus.DRAFT


def test_editor_cannot_unpublish_a_published_record(client, editor):
    event = f.EventFactory(slug="culture-forum", name="Culture Forum", status=PublishStatus.PUBLISHED)
    client.force_login(editor)
    response = client.post(admin_url(Event, "change", event.pk), event_data(status="draft"))
    assert "You may not publish" in response.content.decode()
    event.refresh_from_db()
    assert event.status == PublishStatus.PUBLISHED


def test_publisher_publishes_by_action_and_by_form(client, publisher):
    meeting = f.MeetingFactory(status=PublishStatus.REVIEW)
    client.force_login(publisher)
    client.post(admin_url(Meeting, "changelist"), {"action": "publish", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.status == PublishStatus.PUBLISHED
    assert Version.objects.get_for_object(meeting).count() == 1

    client.post(admin_url(Event, "add"), event_data(status="published"))
    assert Event.objects.get().status == PublishStatus.PUBLISHED


def test_history_records_an_edit_and_a_revert_restores_it(client, superuser):
    client.force_login(superuser)
    client.post(admin_url(Event, "add"), event_data(description="First account"))
    event = Event.objects.get()
    client.post(admin_url(Event, "change", event.pk), event_data(description="Defaced"))
    event.refresh_from_db()
    assert event.description == "Defaced"

    versions = Version.objects.get_for_object(event)
    assert versions.count() == 2
    history = client.get(admin_url(Event, "history", event.pk)).content.decode()
    assert "Changed" in history or "changed" in history

    first = versions.last()
    revert_url = reverse("admin:meetings_event_revision", args=[event.pk, first.pk])
    assert "First account" in client.get(revert_url).content.decode()
    client.post(revert_url, event_data(description="First account"))
    event.refresh_from_db()
    assert event.description == "First account"
    assert Version.objects.get_for_object(event).count() == 3


def test_a_deleted_record_can_be_recovered(client, publisher):
    client.force_login(publisher)
    client.post(admin_url(Event, "add"), event_data())
    event = Event.objects.get()
    client.post(admin_url(Event, "delete", event.pk), {"post": "yes"})
    assert not Event.objects.exists()

    recover_list = client.get(reverse("admin:meetings_event_recoverlist")).content.decode()
    assert "Culture Forum" in recover_list
    version = Version.objects.get_deleted(Event).get()
    client.post(reverse("admin:meetings_event_recover", args=[version.pk]), event_data())
    assert Event.objects.get(slug="culture-forum").name == "Culture Forum"


def test_meeting_with_inline_participants_and_outcomes_is_saved_whole(client, superuser):
    person, org = f.PersonFactory(), f.OrganizationFactory()
    client.force_login(superuser)
    data = {
        "title": "Ministers meet",
        "slug": "",
        "date": "2023-04-02",
        "date_precision": "day",
        "event": "",
        "place": "",
        "format": "bilateral",
        "summary": "",
        "account": "",
        "status": "draft",
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-0-person": person.pk,
        "participants-0-role": "Minister of Culture",
        "participants-0-represented_country": "AZ",
        "participants-0-order": "0",
        "participants-1-organization": org.pk,
        "participants-1-description": "Museum directors",
        "participants-1-order": "1",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-kind": "agreement",
        "outcomes-0-follow_up": "open",
        "outcomes-0-text": "To hold culture days.",
    }
    response = client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.participants.count() == 2 and meeting.outcomes.count() == 1
    assert meeting.slug == "ministers-meet"

    # An invalid participant row: nothing of the meeting is saved.
    data = {
        **data,
        "title": "Second",
        "participants-1-organization": "",
        "participants-1-description": "",
        "participants-1-role": "x",
    }
    response = client.post(admin_url(Meeting, "add"), data)
    assert response.status_code == 200
    assert Meeting.objects.count() == 1


def monument_data(**overrides):
    data = {
        "name": "Old Bridge",
        "alternative_names": "",
        "slug": "",
        "monument_type": f.MonumentTypeFactory(name="Bridge").pk,
        "religious_affiliation": "",
        "place": "",
        "latitude": "",
        "longitude": "",
        "built_from_year": "",
        "built_to_year": "",
        "description": "",
        "status": "draft",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "identifiers-TOTAL_FORMS": "0",
        "identifiers-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
        "restorations-TOTAL_FORMS": "0",
        "restorations-INITIAL_FORMS": "0",
        "risk_listings-TOTAL_FORMS": "0",
        "risk_listings-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"latitude": "95", "longitude": "10"}, "latitude", "less than or equal to 90"),
        ({"latitude": "10", "longitude": "-190"}, "longitude", "greater than or equal to -180"),
        ({"built_from_year": "1800", "built_to_year": "1700"}, "built_to_year", "cannot be before its start"),
    ],
)
def test_bad_monument_input_gets_a_message_on_the_field(client, superuser, overrides, field, message):
    client.force_login(superuser)
    response = client.post(admin_url(Monument, "add"), monument_data(**overrides))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not Monument.objects.exists()


def test_event_end_before_start_gets_a_message_on_the_end_date(client, superuser):
    client.force_login(superuser)
    response = client.post(admin_url(Event, "add"), event_data(start_date="2023-05-03", end_date="2023-05-01"))
    assert "cannot be before the start date" in str(response.context["adminform"].form.errors["end_date"])
    assert not Event.objects.exists()


def test_unknown_country_code_is_refused_on_the_field(client, superuser):
    client.force_login(superuser)
    response = client.post(
        admin_url(f.PersonFactory._meta.model, "add"),
        {"name": "Someone", "slug": "", "country": "ZZ", "status": "draft"},
    )
    assert "country" in response.context["adminform"].form.errors
    assert not f.PersonFactory._meta.model.objects.exists()


def test_duplicate_registration_number_is_refused_and_nothing_half_saved(client, superuser):
    f.RegistrationFactory(registry="State register", number="706")
    client.force_login(superuser)
    data = monument_data(
        **{
            "registrations-TOTAL_FORMS": "1",
            "registrations-0-registry": "State register",
            "registrations-0-number": "706",
            "registrations-0-significance": "national",
        }
    )
    response = client.post(admin_url(Monument, "add"), data)
    assert response.status_code == 200
    assert "already used in this registry" in response.content.decode()
    assert Monument.objects.count() == 1  # only the one the factory made
    assert Registration.objects.count() == 1


def test_deleting_an_assessment_inline_updates_the_current_condition(client, superuser):
    assessment = f.ConditionAssessmentFactory(condition="destroyed")
    monument = assessment.monument
    monument.refresh_from_db()
    assert monument.current_condition == "destroyed"
    client.force_login(superuser)
    data = monument_data(
        name=monument.name,
        slug=monument.slug,
        monument_type=monument.monument_type_id,
        status="published",
        **{
            "assessments-TOTAL_FORMS": "1",
            "assessments-INITIAL_FORMS": "1",
            "assessments-0-id": assessment.pk,
            "assessments-0-monument": monument.pk,
            "assessments-0-observed_on": "2021-06-01",
            "assessments-0-observed_precision": "day",
            "assessments-0-condition": "destroyed",
            "assessments-0-evidence_kind": "site_visit",
            "assessments-0-assessed_by": "Field team",
            "assessments-0-source": assessment.source_id,
            "assessments-0-DELETE": "on",
        },
    )
    response = client.post(admin_url(Monument, "change", monument.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    monument.refresh_from_db()
    assert monument.current_condition == "unknown"


def test_assessment_changelist_lists_the_newest_observation_first(client, superuser):
    # Its order is an index (newest first), not the model's order by monument name, a sort of every row.
    client.force_login(superuser)
    newest = f.ConditionAssessmentFactory(
        monument=f.MonumentFactory(name="Zz Tower"), observed_on=datetime.date(2024, 3, 1), assessed_by="Newest team"
    )
    f.ConditionAssessmentFactory(
        monument=f.MonumentFactory(name="Aa Bridge"), observed_on=datetime.date(2001, 1, 1), assessed_by="Oldest team"
    )
    text = client.get(admin_url(type(newest), "changelist")).content.decode()
    assert text.index("Newest team") < text.index("Oldest team")
