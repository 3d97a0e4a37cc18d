"""Keeps the withdrawal log (``api.models.Withdrawal``) as records leave or re-enter the public register.

Listening to Django's save and delete signals is the one place that sees every path a record leaves by: the
admin form and its publish/unpublish actions, history reverts, merges of duplicates (which delete), cascades. Bulk
paths that write with ``update()`` or ``COPY`` send no signals: none of them unpublishes or deletes published
records today (imports create or update records in the status the file gives; see docs/developers/api.md).
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from api.models import Withdrawal, WithdrawalReason
from heritage.models import Place, PublishStatus, Source
from meetings.models import Event, Meeting, Organization, Person
from monuments.models import Monument, ReportedFigure

# Each model the API serves: its resource name in the URLs and the attribute its record URL names it by.
RESOURCES = {
    Monument: ("monuments", "slug"),
    Meeting: ("meetings", "slug"),
    Person: ("people", "slug"),
    Organization: ("organizations", "slug"),
    Event: ("events", "slug"),
    Place: ("places", "slug"),
    Source: ("sources", "pk"),
    ReportedFigure: ("figures", "pk"),
}


def _was_public(instance):
    """Whether the record as stored is one the public sees."""
    model = type(instance)
    stored = model._base_manager.using(instance._state.db).filter(pk=instance.pk)
    if model is Source:
        return Source.objects.using(instance._state.db).cited().filter(pk=instance.pk).exists()
    if model is Place:
        return stored.exists()
    return stored.filter(status=PublishStatus.PUBLISHED).exists()


def _is_public(instance):
    if isinstance(instance, Place | Source):
        return True
    return instance.status == PublishStatus.PUBLISHED


def _record(instance, reason):
    resource, attribute = RESOURCES[type(instance)]
    Withdrawal.objects.using(instance._state.db).update_or_create(
        resource=resource,
        key=str(getattr(instance, attribute)),
        defaults={"reason": reason, "withdrawn_at": timezone.now()},
    )


def before_save(sender, instance, raw=False, **kwargs):
    # Only a save that takes a public record out of the public register needs to look at what is stored.
    instance._api_leaves_public = bool(
        not raw and instance.pk and not instance._state.adding and not _is_public(instance) and _was_public(instance)
    )


def after_save(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    if getattr(instance, "_api_leaves_public", False):
        _record(instance, WithdrawalReason.UNPUBLISHED)
    elif _is_public(instance):
        # Published (again): in the lists once more, so no longer withdrawn. Ids are never reused, slugs may be.
        resource, attribute = RESOURCES[sender]
        Withdrawal.objects.using(instance._state.db).filter(
            resource=resource, key=str(getattr(instance, attribute))
        ).delete()


def before_delete(sender, instance, **kwargs):
    instance._api_was_public = _was_public(instance) if sender is Source else _is_public(instance)


def after_delete(sender, instance, **kwargs):
    if getattr(instance, "_api_was_public", False):
        _record(instance, WithdrawalReason.DELETED)


def connect():
    for model in RESOURCES:
        uid = f"api-withdrawals-{model._meta.label_lower}"
        pre_save.connect(before_save, sender=model, dispatch_uid=uid)
        post_save.connect(after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(after_delete, sender=model, dispatch_uid=uid)
