"""A published monument's sensitive location is a publishing decision: an Editor cannot expose its exact point.

Unticking "sensitive location" (or moving a sensitive monument's point) on a published monument needs the publish
permission on every path that writes a monument: through the change form it is a proposal that a Publisher
approves (tests/heritage/test_proposed_edits.py); a history revert, a recovery, the admin actions and the import
refuse it. Drafts are not public: staff edit their location freely.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from heritage.models import Proposal, PublishStatus
from heritage.transfer.files import read_rows
from monuments.importers import MonumentImport
from monuments.models import Monument
from tests import factories as f
from tests.heritage.test_imports import csv_file, upload, write_csv
from tests.public import body

pytestmark = pytest.mark.django_db

EXACT = ("41.234567", "45.678912")
LOCATION = ("location_sensitive", "latitude", "longitude", "status")


@pytest.fixture
def sensitive():
    return f.MonumentFactory(
        name="Hidden Shrine", slug="hidden-shrine", latitude=EXACT[0], longitude=EXACT[1], location_sensitive=True
    )


def change_url(monument):
    return reverse("admin:monuments_monument_change", args=[monument.pk])


def form_data(monument, **overrides):
    """What the change form posts for ``monument`` as it is (no inlines), with ``overrides``."""
    data = {
        "name": monument.name,
        "alternative_names": monument.alternative_names,
        "slug": monument.slug,
        "monument_type": monument.monument_type_id,
        "religious_affiliation": "",
        "place": monument.place_id or "",
        "latitude": "" if monument.latitude is None else str(monument.latitude),
        "longitude": "" if monument.longitude is None else str(monument.longitude),
        "built_from_year": "",
        "built_to_year": "",
        "description": monument.description,
        "status": monument.status,
        **{
            f"{name}-{count}": "0"
            for name in ("registrations", "identifiers", "assessments", "restorations", "risk_listings", "images")
            for count in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    if monument.location_sensitive:
        data["location_sensitive"] = "on"
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def stored(monument):
    return Monument.objects.values(*LOCATION).get(pk=monument.pk)


def assert_still_hidden(client, monument):
    assert stored(monument) == {
        "location_sensitive": True,
        "latitude": Decimal(EXACT[0]),
        "longitude": Decimal(EXACT[1]),
        "status": PublishStatus.PUBLISHED,
    }
    client.logout()
    text = body(client.get(monument.get_absolute_url()))
    assert "about 41.25, 45.65" in text and "41.234567" not in text


def test_an_editors_untick_of_a_sensitive_location_waits_as_a_proposal(client, editor, sensitive):
    client.force_login(editor)
    response = client.post(change_url(sensitive), form_data(sensitive, location_sensitive=None))
    assert response.status_code == 302 and "/admin/heritage/proposal/" in response["Location"]
    proposal = Proposal.objects.get()
    assert proposal.changes["fields"]["location_sensitive"]["to"] is False
    assert_still_hidden(client, sensitive)


@pytest.mark.parametrize(
    "move", [{"latitude": "41.3"}, {"longitude": "45.7"}, {"latitude": "", "longitude": ""}], ids=str
)
def test_an_editors_move_of_a_published_sensitive_monument_waits_as_a_proposal(client, editor, sensitive, move):
    client.force_login(editor)
    response = client.post(change_url(sensitive), form_data(sensitive, **move))
    assert response.status_code == 302
    assert set(Proposal.objects.get().changes["fields"]) == set(move)
    assert_still_hidden(client, sensitive)


def test_an_editor_edits_drafts_directly_and_published_records_by_proposal(client, editor, sensitive):
    client.force_login(editor)
    data = form_data(sensitive, description="Pilgrims visit in spring.")
    assert client.post(change_url(sensitive), data).status_code == 302
    sensitive.refresh_from_db()
    assert sensitive.description == "" and Proposal.objects.open().count() == 1

    # A draft is not public: its location is edited freely, and the Publisher who publishes it decides.
    draft = f.MonumentFactory(
        name="Draft shrine", status=PublishStatus.DRAFT, latitude="40.0", longitude="44.0", location_sensitive=True
    )
    response = client.post(change_url(draft), form_data(draft, location_sensitive=None, latitude="40.5"))
    assert response.status_code == 302
    assert stored(draft) == {
        "location_sensitive": False,
        "latitude": Decimal("40.5"),
        "longitude": Decimal("44.0"),
        "status": PublishStatus.DRAFT,
    }


def test_a_publisher_unticks_and_moves_and_the_public_then_sees_the_point(client, publisher, sensitive):
    client.force_login(publisher)
    response = client.post(change_url(sensitive), form_data(sensitive, location_sensitive=None, latitude="41.111111"))
    assert response.status_code == 302
    client.logout()
    assert "41.111111, 45.678912" in body(client.get(sensitive.get_absolute_url()))


def test_an_editor_cannot_revert_to_a_version_that_exposes_the_point(client, editor, publisher):
    client.force_login(publisher)
    monument = f.MonumentFactory(name="Hidden Shrine", slug="hidden-shrine", latitude=EXACT[0], longitude=EXACT[1])
    client.post(change_url(monument), form_data(monument, description="First"))  # version 1: not sensitive
    monument.refresh_from_db()
    client.post(change_url(monument), form_data(monument, location_sensitive="on"))  # version 2: sensitive
    first = Version.objects.get_for_object(monument).last()
    assert first.field_dict["location_sensitive"] is False

    client.force_login(editor)
    revert_url = reverse("admin:monuments_monument_revision", args=[monument.pk, first.pk])
    monument.refresh_from_db()
    response = client.post(revert_url, form_data(monument, location_sensitive=None), follow=True)
    assert "only a Publisher may revert it" in body(response)
    assert_still_hidden(client, monument)


def test_an_editor_cannot_unpublish_or_republish_through_history(client, editor, publisher):
    client.force_login(publisher)
    client.post(reverse("admin:meetings_event_add"), event_data(status="draft"))
    event = f.EventFactory._meta.model.objects.get()
    client.post(reverse("admin:meetings_event_change", args=[event.pk]), event_data(status="published"))
    draft_version = Version.objects.get_for_object(event).last()
    assert draft_version.field_dict["status"] == PublishStatus.DRAFT

    client.force_login(editor)
    revert_url = reverse("admin:meetings_event_revision", args=[event.pk, draft_version.pk])
    response = client.post(revert_url, event_data(status="draft"), follow=True)
    assert "only a Publisher may revert it" in body(response)
    event.refresh_from_db()
    assert event.status == PublishStatus.PUBLISHED

    # A deleted record is not public: bringing it back published would publish it.
    client.force_login(publisher)
    client.post(reverse("admin:meetings_event_delete", args=[event.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(type(event)).get()
    client.force_login(editor)
    response = client.post(reverse("admin:meetings_event_recover", args=[deleted.pk]), event_data(status="published"))
    assert "You may not publish or unpublish" in body(response)
    assert not type(event).objects.exists()
    client.post(reverse("admin:meetings_event_recover", args=[deleted.pk]), event_data(status="draft"))
    assert type(event).objects.get().status == PublishStatus.DRAFT


def event_data(**overrides):
    from tests.heritage.test_admin import event_data as data

    return data(**overrides)


def test_no_admin_action_lets_an_editor_change_what_the_public_sees_of_a_location(client, editor, sensitive, rf):
    request = rf.get("/")
    request.user = editor
    actions = admin.site._registry[Monument].get_actions(request)
    assert {"export_csv", "export_xlsx"} <= set(actions) and "publish" not in actions
    client.force_login(editor)
    changelist = reverse("admin:monuments_monument_changelist")
    for action in [*actions, "publish", "unpublish", "delete_selected", "merge_two"]:
        client.post(changelist, {"action": action, "_selected_action": [sensitive.pk], "post": "yes"})
        assert_still_hidden(client, sensitive)
        client.force_login(editor)


def import_rows(user, header, rows):
    handle, name = csv_file(header, rows)
    return MonumentImport(user=user).run(read_rows(handle, name), dry_run=False)


def test_an_editor_import_row_cannot_untick_or_move_a_published_sensitive_monument(client, editor, sensitive):
    moved_open = f.MonumentFactory(name="Open Mosque", slug="open-mosque", latitude="41.0", longitude="45.0")
    draft = f.MonumentFactory(name="Draft", slug="draft", status=PublishStatus.DRAFT, location_sensitive=True)
    header = ["slug", "location_sensitive", "latitude", "longitude"]
    result = import_rows(
        editor,
        header,
        [
            ["hidden-shrine", "no", EXACT[0], EXACT[1]],  # row 2: unticks
            ["open-mosque", "no", "41.5", "45.0"],  # row 3: a public point corrected: fine
            ["draft", "no", "40.0", "44.0"],  # row 4: a draft: fine
        ],
    )
    assert not result.committed
    errors = {row.number: row.errors for row in result.invalid}
    assert set(errors) == {2}
    assert errors[2] == [
        "location_sensitive: You may not change whether the location of a published monument is sensitive "
        "(it is now “yes”): that decides whether the public sees its exact point. Ask a Publisher."
    ]
    assert_still_hidden(client, sensitive)
    assert stored(moved_open)["latitude"] == Decimal("41.0") and stored(draft)["location_sensitive"] is True

    result = import_rows(editor, header, [["hidden-shrine", "yes", "41.3", EXACT[1]]])
    assert [row.errors for row in result.invalid] == [
        [
            f"latitude: You may not move a published monument whose location is sensitive (now: {EXACT[0]}, "
            f"{EXACT[1]}). Ask a Publisher."
        ]
    ]
    result = import_rows(editor, header, [["open-mosque", "no", "41.5", "45.0"], ["draft", "no", "40.0", "44.0"]])
    assert result.committed and stored(draft)["location_sensitive"] is False


def test_a_publisher_and_the_operator_import_location_changes(client, publisher, sensitive):
    header = ["slug", "location_sensitive"]
    assert import_rows(publisher, header, [["hidden-shrine", "no"]]).committed
    assert stored(sensitive)["location_sensitive"] is False
    assert import_rows(None, header, [["hidden-shrine", "yes"]]).committed  # a command without --user
    assert stored(sensitive)["location_sensitive"] is True


def test_an_editor_admin_import_previews_the_refusal_and_commits_nothing(client, editor, sensitive):
    client.force_login(editor)
    url = reverse("admin:monuments_monument_import")
    response = client.post(url, {"file": upload("m.csv", ["slug", "location_sensitive"], [["hidden-shrine", "no"]])})
    assert response.status_code == 200 and response.context["result"].counts == {"invalid": 1}
    assert "You may not change whether the location of a published monument is sensitive" in body(response)
    assert 'name="confirm"' not in body(response)
    assert_still_hidden(client, sensitive)


def test_the_import_command_refuses_an_editor_and_lets_the_operator(client, tmp_path, editor, sensitive, capsys):
    path = write_csv(tmp_path, ["slug", "latitude"], [["hidden-shrine", "41.3"]])
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_monuments", path, "--user", "editor")
    out = capsys.readouterr()
    assert "latitude: You may not move a published monument" in out.out + out.err
    assert_still_hidden(client, sensitive)
    call_command("import_monuments", path)  # no --user: the operator
    assert stored(sensitive)["latitude"] == Decimal("41.3")
