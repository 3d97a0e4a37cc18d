"""Uploaded import files, kept privately between an admin import's preview and its confirmation.

They hold drafts and the exact coordinates of sensitive sites, so they are not media: they live in
``IMPORT_FILES_DIR`` (default ``var/imports/``, outside ``MEDIA_ROOT``, which the reverse proxy serves), have no
address, and only the staff import view reads them, by the random token the preview page carries. A file is
deleted as soon as it is of no more use (its import committed, was cancelled, or its preview found errors, so
that there is nothing to confirm) and at the latest ``IMPORT_FILES_MAX_AGE_HOURS`` after its upload
(``purge_expired()``: on every upload, and by ``manage.py purge_import_files``).
"""

import datetime
import re
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx|geojson)$")
# Where earlier versions kept them, in the public media storage: emptied by purge_expired().
LEGACY_MEDIA_DIR = "imports"


class PrivateStorage(FileSystemStorage):
    """A folder with no address: nothing in it can be linked to or served."""

    def url(self, name):
        raise ValueError("Import files have no address: only the staff import view reads them.")


def storage():
    # Made on each use, so that the settings of the moment apply (tests point it at their own folder).
    return PrivateStorage(
        location=settings.IMPORT_FILES_DIR, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def save(upload, kind):
    """Keep an uploaded file (``kind``: "csv", "xlsx" or "geojson") and return its token. Expired files go first."""
    purge_expired()
    token = f"{uuid.uuid4().hex}.{kind}"
    return storage().save(token, upload)  # streamed in chunks, not read into memory


def open_file(token):
    """The file of ``token`` for reading; FileNotFoundError when it is gone (or the token is not one of ours)."""
    if not TOKEN.match(token or ""):
        raise FileNotFoundError(token)
    return storage().open(token, "rb")


def delete(token):
    if TOKEN.match(token or ""):
        storage().delete(token)


def purge_expired(max_age_hours=None):
    """Delete the files uploaded more than ``max_age_hours`` (default ``IMPORT_FILES_MAX_AGE_HOURS``) ago, and any
    import file left in the media storage by an earlier version. Returns how many were deleted."""
    hours = settings.IMPORT_FILES_MAX_AGE_HOURS if max_age_hours is None else max_age_hours
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    private, deleted = storage(), 0
    if private.exists(""):
        for name in private.listdir("")[1]:
            if TOKEN.match(name) and private.get_modified_time(name) < cutoff:
                private.delete(name)
                deleted += 1
    try:
        legacy = default_storage.listdir(LEGACY_MEDIA_DIR)[1]
    except (FileNotFoundError, NotADirectoryError):
        legacy = []
    for name in legacy:
        default_storage.delete(f"{LEGACY_MEDIA_DIR}/{name}")
        deleted += 1
    return deleted
