"""The shared core: sources, places, publishing, search and the import/export machinery; it imports no app of ours."""

import gc

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Sources and places")

    def ready(self):
        from heritage.groups import ensure_staff_groups
        from heritage.pagecache import content_changed, deployed

        # Set-up, not domain logic: the staff groups must exist after every `migrate`.
        post_migrate.connect(ensure_staff_groups, sender=self, dispatch_uid="heritage_staff_groups")
        # Cache upkeep: a deployment (which runs `migrate`) forgets the pages and validators of the release before.
        post_migrate.connect(deployed, sender=self, dispatch_uid="heritage_pagecache_migrate")
        # Cache upkeep, not domain logic: any change to a record clears the cached public pages.
        post_save.connect(content_changed, dispatch_uid="heritage_pagecache_save")
        post_delete.connect(content_changed, dispatch_uid="heritage_pagecache_delete")
        m2m_changed.connect(content_changed, dispatch_uid="heritage_pagecache_m2m")
        # Process upkeep: see freeze_long_lived_objects.
        request_finished.connect(freeze_long_lived_objects, dispatch_uid=FREEZE_UID)


FREEZE_UID = "heritage_gc_freeze"


def freeze_long_lived_objects(**kwargs):
    """After a process's first request, move everything alive into Python's permanent GC generation (once).

    The modules, URL patterns, templates and translations loaded by then (about 85,000 objects) live as long as
    the process, but a full ("generation 2") collection walks them all, and a page of 50 records leaves a
    couple of thousand objects in reference cycles that only such collections free: the occasional list request
    that ran one paid for all of them, most of the lists' p95 (bench/RESULTS.md, "Figures behind the code").
    Frozen objects are not walked,
    so a full collection handles only what later requests left. ``gc.freeze()`` is the standard library's
    answer for this (and keeps memory shared between forked gunicorn workers).

    Then full collections run as often as Python allows (after every generation-1 collection instead of every
    tenth): each frees a few requests' cycles instead of thirty-odd requests', so each is short (measured on the
    meeting and monument lists: bench/RESULTS.md).
    """
    request_finished.disconnect(dispatch_uid=FREEZE_UID)
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 1)
