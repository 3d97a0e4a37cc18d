"""The shared core: sources, places, publishing and the pages that span both halves."""

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Sources and places")

    def ready(self):
        from heritage.groups import ensure_staff_groups
        from heritage.pagecache import content_changed

        # Set-up, not domain logic: the staff groups must exist after every `migrate`.
        post_migrate.connect(ensure_staff_groups, sender=self, dispatch_uid="heritage_staff_groups")
        # Cache upkeep, not domain logic: any change to a record clears the cached public pages.
        post_save.connect(content_changed, dispatch_uid="heritage_pagecache_save")
        post_delete.connect(content_changed, dispatch_uid="heritage_pagecache_delete")
        m2m_changed.connect(content_changed, dispatch_uid="heritage_pagecache_m2m")
