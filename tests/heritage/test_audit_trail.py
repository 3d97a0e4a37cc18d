"""Who changed what: the publish guard on the changelist actions, and the audit trail every admin write leaves.

Each save through the admin keeps a revision with its user and comment and stamps ``created_by``/``updated_by``;
the publish and unpublish actions record who did it and what; a delete keeps the record's last state with the
user who deleted it. And an Editor cannot publish or unpublish by posting the action to the changelist.
"""

import pytest
from django.urls import reverse
from reversion.models import Version

from heritage.models import PublishStatus
from meetings.models import Event
from tests import factories as f
from tests.heritage.test_admin import event_data

pytestmark = pytest.mark.django_db

# Every model the publishing actions serve, each made by its factory.
PUBLISHABLE = [
    f.MonumentFactory,
    f.MeetingFactory,
    f.EventFactory,
    f.PersonFactory,
    f.OrganizationFactory,
    f.ReportedFigureFactory,
]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("factory", PUBLISHABLE, ids=lambda factory: factory._meta.model.__name__)
@pytest.mark.parametrize(
    "action,before", [("unpublish", PublishStatus.PUBLISHED), ("publish", PublishStatus.REVIEW)], ids=str
)
def test_an_editor_cannot_publish_or_unpublish_by_a_crafted_action_post(client, editor, factory, action, before):
    record = factory(status=before)
    model = type(record)
    client.force_login(editor)
    response = client.post(changelist(model), {"action": action, "_selected_action": [record.pk]}, follow=True)
    assert response.status_code == 200
    assert model.objects.get(pk=record.pk).status == before
    assert not Version.objects.get_for_object(record).exists()


def test_an_admin_save_records_who_and_what(client, editor, publisher):
    client.force_login(editor)
    client.post(reverse("admin:meetings_event_add"), event_data(status="review"))
    event = Event.objects.get()
    assert (event.created_by, event.updated_by) == (editor, editor)
    [added] = Version.objects.get_for_object(event)
    assert added.revision.user == editor and added.revision.get_comment() == "Added."

    client.force_login(publisher)
    client.post(
        reverse("admin:meetings_event_change", args=[event.pk]), event_data(status="review", description="A forum.")
    )
    event.refresh_from_db()
    assert (event.created_by, event.updated_by) == (editor, publisher)
    changed = Version.objects.get_for_object(event).first()
    assert changed.revision.user == publisher and changed.revision.get_comment() == "Changed Description."
    assert changed.field_dict["description"] == "A forum."


@pytest.mark.parametrize("factory", [f.MonumentFactory, f.MeetingFactory], ids=["Monument", "Meeting"])
def test_publish_and_unpublish_actions_record_who_and_what(client, editor, publisher, factory):
    record = factory(status=PublishStatus.REVIEW, created_by=editor, updated_by=editor)
    model = type(record)
    client.force_login(publisher)
    for action, status, comment in [
        ("publish", PublishStatus.PUBLISHED, "Published"),
        ("unpublish", PublishStatus.DRAFT, "Unpublished"),
    ]:
        client.post(changelist(model), {"action": action, "_selected_action": [record.pk]})
        record.refresh_from_db()
        assert record.status == status
        assert (record.created_by, record.updated_by) == (editor, publisher)
        latest = Version.objects.get_for_object(record).first()
        assert latest.revision.user == publisher and latest.revision.get_comment() == comment
        assert latest.field_dict["status"] == status
        record.updated_by = editor
        record.save()
    assert Version.objects.get_for_object(record).count() == 2


def test_a_delete_keeps_the_last_state_with_who_deleted_it(client, publisher):
    client.force_login(publisher)
    one, two, three = (f.EventFactory(name=name) for name in ("One", "Two", "Three"))
    client.post(reverse("admin:meetings_event_delete", args=[one.pk]), {"post": "yes"})
    client.post(changelist(Event), {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"})
    assert not Event.objects.exists()
    deleted = Version.objects.get_deleted(Event)
    assert sorted(v.field_dict["name"] for v in deleted) == ["One", "Three", "Two"]
    for version in deleted:
        assert version.revision.user == publisher and version.revision.get_comment() == "Deleted"
