"""The shared core: sources, places, publishing and the pages that span both halves."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Sources and places")

    def ready(self):
        from heritage.groups import ensure_staff_groups

        # Set-up, not domain logic: the staff groups must exist after every `migrate`.
        post_migrate.connect(ensure_staff_groups, sender=self, dispatch_uid="heritage_staff_groups")
