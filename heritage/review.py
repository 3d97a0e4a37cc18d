"""Evidence that waits for review: what an Editor's new assessment, outcome, restoration or image on a published
record becomes (pending), and a Publisher's decision on it (approved or rejected, with a reason, in history).

The one rule behind the admin's forms and actions and the imports; the public side is
``ReviewedQuerySet.public()``.
"""

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heritage.models import EditKind, ReviewStatus, RevisionKind


def publish_permission(record_model):
    """The permission that lets a user publish ``record_model``'s records and so decide on their evidence."""
    opts = record_model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def record_model(evidence_model):
    return evidence_model._meta.get_field(evidence_model.review_record_field).related_model


def can_decide(user, evidence_model):
    """Whether ``user`` may approve or reject evidence of this kind: whoever may publish its records."""
    return user.has_perm(publish_permission(record_model(evidence_model)))


def submit(evidence, user, record_published):
    """Set the review state of ``evidence`` that ``user`` is about to save (new or changed), before its save.

    ``record_published``: whether its record is published as stored, before this request changed anything. Added
    or changed by someone who may not publish the record, evidence on a published record is pending (and a
    rejected one sent again is pending again); a Publisher's new evidence, and anything added to a draft, is
    approved. A Publisher changing existing evidence leaves its state as it is.
    """
    now = timezone.now()
    if record_published and not can_decide(user, type(evidence)):
        evidence.review_status = ReviewStatus.PENDING
        evidence.submitted_by, evidence.submitted_at = user, now
        evidence.reviewed_by, evidence.reviewed_at, evidence.review_reason = None, None, ""
    elif evidence._state.adding:
        evidence.review_status = ReviewStatus.APPROVED
        evidence.submitted_by, evidence.submitted_at = user, now
        if record_published:  # a Publisher's own evidence: approved by adding it
            evidence.reviewed_by, evidence.reviewed_at = user, now


def change_refused(evidence, user, record_published):
    """Why ``user`` may not change this stored evidence (``None`` when they may): public evidence of a published
    record is changed only by a Publisher, so that what the public sees never changes unreviewed. A new
    assessment (pending until approved) is the way to report a change of condition."""
    if evidence.pk and record_published and evidence.is_public and not can_decide(user, type(evidence)):
        return _(
            "This %(kind)s is public and its record is published: only a Publisher may change it. To report "
            "something new, add another one; it will wait for a Publisher's review. To correct it, change it on "
            "its record's page: the change waits there as a proposed edit."
        ) % {"kind": evidence._meta.verbose_name}
    return None


def decide(queryset, user, approve, reason=""):
    """Approve or reject the pending evidence in ``queryset``, all or none, as ``user``, giving ``reason``.

    Returns ``(decided, skipped)``: how many were decided and how many were not pending (left as they were).
    Raises ``PermissionDenied`` unless ``user`` may publish their records, and ``ValueError`` for a rejection
    without a reason. Each decision is saved with a history revision naming who decided and why; saving an
    assessment recomputes its monument's current condition.
    """
    model = queryset.model
    if not can_decide(user, model):
        raise PermissionDenied(_("Only a Publisher may approve or reject evidence."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("Give a reason for the rejection: the Editor who submitted it will read it."))
    status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    if approve:
        comment = _("Approved: %(reason)s") % {"reason": reason} if reason else _("Approved")
    else:
        comment = _("Rejected: %(reason)s") % {"reason": reason}
    decided = skipped = 0
    now = timezone.now()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_meta(RevisionKind, kind=EditKind.APPROVED if approve else EditKind.REJECTED)
        for evidence in queryset.select_related(None).select_for_update().order_by("pk"):
            if evidence.review_status != ReviewStatus.PENDING:
                skipped += 1
                continue
            evidence.review_status = status
            evidence.reviewed_by, evidence.reviewed_at, evidence.review_reason = user, now, reason
            evidence.save()
            if reversion.is_registered(model):
                reversion.add_to_revision(evidence)
            decided += 1
    return decided, skipped
