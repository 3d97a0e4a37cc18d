"""The editorial dashboard on the admin index: what needs attention, each count linking to its filtered list; the
Publishers' review queue (pending evidence and proposed edits, oldest first); recent edits by kind."""

import json
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from heritage import review
from heritage.admin_proposals import decidable_types
from heritage.models import EditKind, Proposal, ProposalStatus, PublishStatus, RevisionKind
from meetings.models import Event, FollowUp, Meeting, Organization, Outcome, Person
from monuments.admin_filters import assessment_max_age_days, stale_assessment_condition
from monuments.models import ConditionAssessment, Monument, MonumentImage, ReportedFigure, Restoration, RiskListing

RECENT_CHANGES = 10
QUEUE_ITEMS = 10
# The evidence with a review state of its own, as the queue lists it.
REVIEWED = (ConditionAssessment, Outcome, Restoration, RiskListing, MonumentImage)


@dataclass
class Count:
    label: str
    count: int
    url: str


def changelist(model, **params):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def editorial_counts():
    """Each group of the dashboard as (heading, [Count]). One query per count."""
    in_review = [
        Count(
            model._meta.verbose_name_plural,
            model.objects.filter(status=PublishStatus.REVIEW).count(),
            changelist(model, status__exact=PublishStatus.REVIEW),
        )
        for model in (Meeting, Monument, Event, Person, Organization, ReportedFigure)
    ]
    without_source = []
    for model in (Meeting, Monument, Event):
        through = model.sources.through
        cited = through.objects.values(f"{model._meta.model_name}_id")
        count = model.objects.published().exclude(pk__in=cited).count()
        without_source.append(
            Count(
                model._meta.verbose_name_plural,
                count,
                changelist(model, status__exact=PublishStatus.PUBLISHED, has_source="no"),
            )
        )
    monuments = [
        Count(
            _("without any condition assessment"),
            Monument.objects.exclude(pk__in=ConditionAssessment.objects.values("monument_id")).count(),
            changelist(Monument, has_assessment="no"),
        ),
        Count(
            _("latest assessment older than %(days)s days") % {"days": assessment_max_age_days()},
            Monument.objects.filter(stale_assessment_condition()).count(),
            changelist(Monument, stale_assessment="yes"),
        ),
    ]
    outcomes = [
        Count(
            _("follow-up open"),
            Outcome.objects.filter(follow_up=FollowUp.OPEN).count(),
            changelist(Outcome, follow_up__exact=FollowUp.OPEN),
        ),
        Count(
            _("follow-up in progress"),
            Outcome.objects.filter(follow_up=FollowUp.IN_PROGRESS).count(),
            changelist(Outcome, follow_up__exact=FollowUp.IN_PROGRESS),
        ),
    ]
    return [
        (_("Awaiting review"), in_review),
        (_("Published without any source"), without_source),
        (_("Monuments"), monuments),
        (_("Outcomes"), outcomes),
    ]


@dataclass
class QueueCount:
    label: str
    count: int
    oldest: object  # when the oldest waiting item was submitted, or None
    url: str


def review_queue(user, limit=QUEUE_ITEMS):
    """What waits for ``user``'s decision, for the kinds they may decide on: ``(counts, items)``, each count with
    the age of its oldest, the items the oldest first across kinds, each linking to its admin page. Two queries
    per kind of evidence and two for proposals (plus one for the kinds of record they concern), whatever the
    queue's length."""
    counts, items = [], []
    for model in REVIEWED:
        if not review.can_decide(user, model):
            continue
        pending = model.objects.pending()
        summary = pending.aggregate(count=models.Count("pk"), oldest=models.Min("submitted_at"))
        counts.append(
            QueueCount(
                _("pending %(kind)s") % {"kind": model._meta.verbose_name_plural},
                summary["count"],
                summary["oldest"],
                changelist(model, review_status__exact="pending"),
            )
        )
        if summary["count"]:
            opts = model._meta
            oldest = pending.select_related(model.review_record_field, "submitted_by").order_by(
                models.F("submitted_at").asc(nulls_first=True), "pk"
            )[:limit]
            for evidence in oldest:
                items.append(
                    {
                        "when": evidence.submitted_at,
                        "who": evidence.submitted_by,
                        "kind": opts.verbose_name,
                        "what": f"{evidence} — {evidence.review_record}",
                        "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[evidence.pk]),
                    }
                )
    types = decidable_types(user)
    if types:
        waiting = Proposal.objects.open().filter(content_type__in=types)
        summary = waiting.aggregate(count=models.Count("pk"), oldest=models.Min("proposed_at"))
        counts.append(
            QueueCount(
                _("proposed edits"),
                summary["count"],
                summary["oldest"],
                changelist(Proposal, status__exact=ProposalStatus.OPEN),
            )
        )
        if summary["count"]:
            for proposal in waiting.select_related("content_type", "proposed_by").order_by("proposed_at", "pk")[:limit]:
                items.append(
                    {
                        "when": proposal.proposed_at,
                        "who": proposal.proposed_by,
                        "kind": _("proposed edit"),
                        "what": f"{proposal.record_repr} ({proposal.content_type.name})",
                        "url": reverse("admin:heritage_proposal_change", args=[proposal.pk]),
                    }
                )
    items.sort(key=lambda item: item["when"] or timezone.now())
    return counts, items[:limit]


def own_proposals(user, limit=QUEUE_ITEMS):
    """An Editor's own proposed edits: those waiting and the latest decided, with the decision. One query."""
    return list(
        Proposal.objects.filter(proposed_by=user)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .select_related("content_type", "decided_by")
        .order_by(models.F("decided_at").desc(nulls_first=True), "-proposed_at")[:limit]
    )


def revision_kind(revision):
    """The revision's kind (``RevisionKind``); for one written without it (a command, an older version), what
    its change message says: the admin's records an addition as ``[{"added": …}]``."""
    if revision.kind:
        return revision.kind
    try:
        message = json.loads(revision.comment or "")
    except ValueError:
        return EditKind.CHANGED
    if isinstance(message, list) and message and isinstance(message[0], dict) and "added" in message[0]:
        return EditKind.CREATED
    return EditKind.CHANGED


def recent_edits(limit=RECENT_CHANGES):
    """The latest edits of every kind (created, changed, proposed, approved, rejected, deleted), newest first:
    revisions (which record what was written) and proposals (which write nothing until approved, and nothing
    when rejected). Each links to its difference: a proposal's page, or the record's history. Four queries."""
    labels = dict(EditKind.choices)
    rows = [
        {
            "when": change["revision"].date_created,
            "who": change["revision"].user,
            "kind": kind,
            "kind_label": labels[kind],
            "what": change["first"].object_repr if change["first"] else "",
            "others": change["count"] - 1,
            "comment": change["revision"].get_comment(),
            "url": change["url"],
        }
        for change in recent_changes(limit)
        for kind in [revision_kind(change["revision"])]
    ]
    events = (
        Proposal.objects.select_related("content_type", "proposed_by", "decided_by")
        .annotate(last=Coalesce("decided_at", "proposed_at"))
        .order_by("-last")[:limit]
    )
    for proposal in events:
        url = reverse("admin:heritage_proposal_change", args=[proposal.pk])
        what = f"{proposal.record_repr} ({proposal.content_type.name})"
        common = {"what": what, "others": 0, "url": url}
        rows.append(
            {
                **common,
                "when": proposal.proposed_at,
                "who": proposal.proposed_by,
                "kind": EditKind.PROPOSED,
                "kind_label": labels[EditKind.PROPOSED],
                "comment": proposal.reason,
            }
        )
        if proposal.status == ProposalStatus.REJECTED:
            rows.append(
                {
                    **common,
                    "when": proposal.decided_at,
                    "who": proposal.decided_by,
                    "kind": EditKind.REJECTED,
                    "kind_label": labels[EditKind.REJECTED],
                    "comment": proposal.decision_reason,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:limit]


def recent_changes(limit=RECENT_CHANGES):
    """The latest revisions: when, by whom, what, of which kind, with a link to the first record's history. Two
    queries."""
    kinds = RevisionKind.objects.filter(revision=models.OuterRef("pk")).order_by("pk").values("kind")[:1]
    revisions = list(
        Revision.objects.select_related("user")
        .annotate(
            version_count=models.Count("version"),
            first_version=models.Min("version__id"),
            kind=models.Subquery(kinds),
        )
        .order_by("-date_created")[:limit]
    )
    firsts = Version.objects.select_related("content_type").in_bulk(
        [r.first_version for r in revisions if r.first_version]
    )
    rows = []
    for revision in revisions:
        first = firsts.get(revision.first_version)
        url = ""
        if first is not None:
            ct = first.content_type
            url = reverse(f"admin:{ct.app_label}_{ct.model}_history", args=[first.object_id])
        rows.append({"revision": revision, "first": first, "count": revision.version_count, "url": url})
    return rows


def figures_beside_register():
    """Each reported figure beside what the register documents for the same scope (two queries a figure)."""
    figures = ReportedFigure.objects.select_related("reported_by", "source", "monument_type").order_by("-as_of", "-id")
    rows = [{"figure": figure, "documented": figure.documented_counts()} for figure in figures[:20]]
    # Bar lengths for the chart drawn inside the table (the numbers stay in their cells for screen readers).
    largest = max([1, *(max(r["figure"].count, r["documented"]["count"]) for r in rows)])
    for row in rows:
        row["reported_width"] = round(100 * row["figure"].count / largest)
        row["documented_width"] = round(100 * row["documented"]["count"] / largest)
    return rows
