"""The register of historical and cultural monuments and their condition over time."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class MonumentsConfig(AppConfig):
    name = "monuments"
    verbose_name = _("Monuments")

    def ready(self):
        from heritage import uploads
        from monuments.mapgrid import map_cells_after_write, map_cells_before_write
        from monuments.models import Monument, MonumentImage

        # Derived-data upkeep, not domain logic: the map's pre-counted cells follow every save and delete,
        # including django-reversion's revert and recover, which save without calling Monument.save().
        pre_save.connect(map_cells_before_write, sender=Monument, dispatch_uid="monuments_map_cells_pre_save")
        post_save.connect(map_cells_after_write, sender=Monument, dispatch_uid="monuments_map_cells_post_save")
        pre_delete.connect(map_cells_before_write, sender=Monument, dispatch_uid="monuments_map_cells_pre_delete")
        post_delete.connect(map_cells_after_write, sender=Monument, dispatch_uid="monuments_map_cells_post_delete")
        # Every new upload is stored re-encoded, without the metadata that can reveal where it was taken, with
        # renditions (MonumentImage.save); these keep the renditions with the record through deletes and history.
        post_delete.connect(uploads.renditions_after_delete, sender=MonumentImage, dispatch_uid="monument_image_delete")
        post_save.connect(uploads.renditions_after_raw_save, sender=MonumentImage, dispatch_uid="monument_image_raw")
