"""Uploaded import files are private: kept outside MEDIA_ROOT with no address, read only by the staff import view,
deleted when their import commits, is cancelled or cannot be confirmed, and never kept past their age."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve

from heritage import import_files
from meetings.models import Person
from tests.heritage.test_imports import upload

pytestmark = pytest.mark.django_db

URL = "admin:meetings_person_import"


@pytest.fixture
def folders(settings, tmp_path):
    """The private folder, and a real media folder on disk (the test settings keep media in memory)."""
    settings.IMPORT_FILES_DIR = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT.mkdir()
    return settings.IMPORT_FILES_DIR, settings.MEDIA_ROOT


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser)
    return client


def preview(client, rows=(("Anar Karimov",),)):
    response = client.post(reverse(URL), {"file": upload("people.csv", ["name"], [list(r) for r in rows])})
    assert response.status_code == 200
    return response


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def served_from_media(path):
    """What a reverse proxy serving MEDIA_ROOT at MEDIA_URL answers for ``path``."""
    from django.conf import settings

    try:
        return serve(RequestFactory().get(f"/media/{path}"), path, document_root=settings.MEDIA_ROOT).status_code
    except Http404:
        return 404


def test_a_previewed_file_is_kept_privately_outside_media_with_no_address(staff, folders):
    private, media = folders
    token = preview(staff).context["token"]
    assert files_in(private) == [token]
    assert files_in(media) == []
    for path in (token, f"imports/{token}"):
        assert served_from_media(path) == 404
    assert not default_storage.exists(f"imports/{token}")
    with pytest.raises(ValueError, match="no address"):
        import_files.storage().url(token)
    # Only the staff import view reads it: confirming it imports the row.
    response = staff.post(reverse(URL), {"token": token, "confirm": "1"})
    assert response.status_code == 302 and Person.objects.filter(name="Anar Karimov").exists()


def test_the_file_is_deleted_when_its_import_commits(staff, folders):
    private, media = folders
    token = preview(staff).context["token"]
    assert staff.post(reverse(URL), {"token": token, "confirm": "1"}).status_code == 302
    assert files_in(private) == [] and files_in(media) == []
    response = staff.post(reverse(URL), {"token": token, "confirm": "1"})
    assert "The uploaded file has expired. Upload it again." in response.content.decode()


def test_the_preview_can_be_cancelled_and_the_file_is_deleted(staff, folders):
    private, _media = folders
    response = preview(staff)
    assert 'name="cancel"' in response.content.decode()
    token = response.context["token"]
    response = staff.post(reverse(URL), {"token": token, "cancel": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:meetings_person_changelist")
    assert "Import cancelled: nothing was saved, and the uploaded file is deleted." in response.content.decode()
    assert files_in(private) == [] and not Person.objects.exists()
    response = staff.post(reverse(URL), {"token": token, "confirm": "1"})
    assert "The uploaded file has expired." in response.content.decode() and not Person.objects.exists()


def test_a_preview_with_errors_keeps_no_file(staff, folders):
    # There is nothing to confirm: the corrected file is uploaded again.
    private, media = folders
    response = staff.post(
        reverse(URL), {"file": upload("people.csv", ["slug", "name"], [["anar", "Anar"], ["anar", "Anar again"]])}
    )
    assert response.context["result"].has_errors and 'name="confirm"' not in response.content.decode()
    assert files_in(private) == [] and files_in(media) == []


def age(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_purge_import_files_deletes_the_files_older_than_their_age(staff, folders, settings, capsys):
    private, _media = folders
    old, new = preview(staff).context["token"], preview(staff).context["token"]
    age(private / old, 25)
    age(private / new, 23)
    call_command("purge_import_files")
    assert files_in(private) == [new]
    assert "Deleted 1 import file(s) older than 24 hours." in capsys.readouterr().out
    settings.IMPORT_FILES_MAX_AGE_HOURS = 2
    call_command("purge_import_files")
    assert files_in(private) == []
    response = staff.post(reverse(URL), {"token": old, "confirm": "1"})
    assert "The uploaded file has expired." in response.content.decode() and not Person.objects.exists()


def test_every_upload_deletes_the_files_older_than_their_age(staff, folders, settings):
    private, _media = folders
    settings.IMPORT_FILES_MAX_AGE_HOURS = 0.5
    old, kept = preview(staff).context["token"], preview(staff).context["token"]
    age(private / old, 0.6)
    age(private / kept, 0.4)
    new = preview(staff).context["token"]
    assert files_in(private) == sorted([kept, new])


def test_files_an_earlier_version_left_in_media_are_deleted(staff, folders, capsys):
    _private, media = folders
    default_storage.save("imports/0123456789abcdef0123456789abcdef.csv", ContentFile(b"name\nA secret draft\n"))
    default_storage.save("photos/kept.jpg", ContentFile(b"not an import"))
    call_command("purge_import_files")
    assert files_in(media) == ["photos/kept.jpg"]
    default_storage.save("imports/fedcba9876543210fedcba9876543210.xlsx", ContentFile(b"PK"))
    preview(staff)  # on upload too
    assert files_in(media) == ["photos/kept.jpg"]


def test_the_site_refuses_to_start_with_import_files_inside_a_public_folder(tmp_path):
    from tests.config.test_settings_env import run_check

    media = tmp_path / "media"
    result = run_check(DEBUG="1", MEDIA_ROOT=str(media), IMPORT_FILES_DIR=str(media / "imports"))
    assert result.returncode != 0 and "IMPORT_FILES_DIR" in result.stderr and "served publicly" in result.stderr
    result = run_check(DEBUG="1", IMPORT_FILES_MAX_AGE_HOURS="0")
    assert result.returncode != 0 and "IMPORT_FILES_MAX_AGE_HOURS must be a number of hours above 0" in result.stderr
    assert run_check(DEBUG="1", MEDIA_ROOT=str(media), IMPORT_FILES_DIR=str(tmp_path / "private")).returncode == 0
