"""The withdrawal log: which published records the public can no longer see, and since when, so that a harvester
mirroring the register through the API removes them too (``/api/v1/deleted/``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WithdrawalReason(models.TextChoices):
    DELETED = "deleted", _("Deleted")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Withdrawal(models.Model):
    """A record that was public and is no longer: deleted, or taken back from published to draft or review.

    One row per record (its API resource and key), the latest withdrawal; publishing the record again removes the
    row, since it is then in the lists again. Drafts that were never published leave no row: their slugs stay
    private. Written by ``api.withdrawals`` on every save and delete of the API's models.
    """

    resource = models.CharField(_("resource"), max_length=20)
    key = models.CharField(_("slug or id"), max_length=200)
    reason = models.CharField(_("reason"), max_length=12, choices=WithdrawalReason.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["withdrawn_at", "id"]
        # The deleted list pages through (withdrawn_at, id) after a time, like every other API list.
        indexes = [models.Index(fields=["withdrawn_at", "id"], name="withdrawal_time_id")]
        constraints = [models.UniqueConstraint(fields=["resource", "key"], name="withdrawal_one_per_record")]

    def __str__(self):
        return f"{self.resource}/{self.key} {self.reason} {self.withdrawn_at:%Y-%m-%d %H:%M}"
