"""Nothing is lost: a backup restores every row and every history entry; multi-record actions are all or nothing."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image
from reversion.models import Revision, Version

from heritage.models import PublishStatus, Source
from meetings.models import Meeting
from monuments.models import Monument, MonumentImage
from tests import factories as f


def everything():
    """Every row of every table, as dumpdata writes it (ordered by primary key)."""
    out = io.StringIO()
    call_command("dumpdata", "--indent", "0", stdout=out)
    return out.getvalue()


def sample_data(client, superuser):
    """The demo data, one of every kind of record, and history made through the admin."""
    from sitewide.demo import load_demo

    load_demo()
    # Generated sample data too (COPY on PostgreSQL, raw INSERTs elsewhere): a path the admin never takes.
    sample = ["--monuments", "60", "--meetings", "15", "--i-know-this-is-not-production"]
    call_command("generate_sample", *sample, stdout=io.StringIO())
    monument = f.MonumentFactory(place=f.PlaceFactory())
    f.RegistrationFactory(monument=monument)
    f.ConditionAssessmentFactory(monument=monument)
    f.RestorationFactory(monument=monument)
    f.ReportedFigureFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    MonumentImage.objects.create(
        monument=monument, image=SimpleUploadedFile("a.png", buffer.getvalue()), alt_text="x", credit="y"
    )
    client.force_login(superuser)
    meeting = Meeting.objects.first()
    client.post(reverse("admin:meetings_meeting_changelist"), {"action": "unpublish", "_selected_action": [meeting.pk]})
    client.post(reverse("admin:meetings_meeting_changelist"), {"action": "publish", "_selected_action": [meeting.pk]})


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_every_row_and_every_history_entry(client, tmp_path):
    superuser = f.UserFactory(username="root", is_superuser=True)
    sample_data(client, superuser)
    before = everything()
    versions = Version.objects.count()
    assert versions > 10 and Revision.objects.count() >= 2

    backup_file = tmp_path / "heritage.backup"
    call_command("backup", "--output", str(backup_file), stdout=io.StringIO())
    assert backup_file.stat().st_size > 0

    # A bad day: records deleted, one defaced, history purged, something new that should not survive.
    Meeting.objects.all().delete()
    Monument.objects.all().delete()
    Source.objects.update(title="Defaced")
    Version.objects.all().delete()
    f.EventFactory(name="Made after the backup")
    assert everything() != before

    call_command("restore", str(backup_file), "--no-input", stdout=io.StringIO())
    assert everything() == before
    assert Version.objects.count() == versions
    assert Meeting.objects.count() == 3 + 15 and not Source.objects.filter(title="Defaced").exists()
    assert Monument.objects.filter(slug__startswith="sample-").count() == 60


def test_backup_never_overwrites_and_restore_refuses_a_foreign_file(tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", "--output", str(existing))
    assert existing.read_bytes() == b"keep me"

    with pytest.raises(CommandError, match="Nothing changed"):
        call_command("restore", str(existing), "--no-input")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing"), "--no-input")


@pytest.mark.django_db
def test_a_publish_action_that_fails_part_way_changes_nothing(client, publisher):
    meetings = [f.MeetingFactory(status=PublishStatus.REVIEW) for _ in range(3)]
    original_save = Meeting.save
    calls = []

    def fail_on_the_second(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    client.force_login(publisher)
    with mock.patch.object(Meeting, "save", fail_on_the_second), pytest.raises(RuntimeError):
        client.post(
            reverse("admin:meetings_meeting_changelist"),
            {"action": "publish", "_selected_action": [m.pk for m in meetings]},
        )
    assert len(calls) == 2  # the first one had been saved before the failure...
    # ...and was rolled back with the rest: no status changed, no history entry written.
    assert set(Meeting.objects.values_list("status", flat=True)) == {PublishStatus.REVIEW}
    assert not Version.objects.exists()
