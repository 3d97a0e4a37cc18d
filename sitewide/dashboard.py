"""The editorial dashboard on the admin index: what needs attention, each count linking to its filtered list."""

from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from heritage.models import PublishStatus
from meetings.models import Event, FollowUp, Meeting, Organization, Outcome, Person
from monuments.admin_filters import assessment_max_age_days, stale_assessment_condition
from monuments.models import ConditionAssessment, Monument, ReportedFigure

RECENT_CHANGES = 10


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


def recent_changes(limit=RECENT_CHANGES):
    """The latest revisions: when, by whom, what, with a link to the first record's history. Two queries."""
    revisions = list(
        Revision.objects.select_related("user")
        .annotate(version_count=models.Count("version"), first_version=models.Min("version__id"))
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
