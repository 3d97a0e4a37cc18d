"""Atom feed of condition changes: the newest public assessments of published monuments, honouring the monument
list's filters (``/monuments/conditions.atom?country=AZ&type=mosque``), so a reader can follow a region or a type.

Each entry is one assessment, attributed: who reports the condition, on what evidence, observed when (at the
precision recorded), and the source, linked. The register states nothing in its own voice."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from heritage.feeds import FilteredFeed
from heritage.names import reader_name
from monuments.filters import MonumentFilterSet
from monuments.models import ConditionAssessment, Monument

FEED_SIZE = 50


class ConditionChangeFeed(FilteredFeed):
    filterset_class = MonumentFilterSet
    title = _("Condition changes — heritage register")
    subtitle = _(
        "The latest reported conditions of published monuments, each attributed to who reports it and its source."
    )

    def base_queryset(self):
        return Monument.objects.published()

    def link(self):
        return self.with_query(reverse("monuments:monument_list"))

    def items(self):
        return ConditionAssessment.objects.latest_reports(self.filterset.qs)[:FEED_SIZE]

    def item_title(self, item):
        return gettext("%(monument)s: %(condition)s, as reported by %(reporter)s") % {
            "monument": reader_name(item.monument),
            "condition": item.get_condition_display(),
            "reporter": item.assessed_by,
        }

    def item_link(self, item):
        return item.monument.get_absolute_url()

    def item_guid(self, item):
        return self.request.build_absolute_uri(f"{item.monument.get_absolute_url()}#assessment-{item.pk}")

    item_guid_is_permalink = False

    def item_description(self, item):
        # Sent as type="html": every text arrives escaped.
        facts = gettext("%(condition)s, observed %(date)s; reported by %(reporter)s; evidence: %(evidence)s.") % {
            "condition": item.get_condition_display(),
            "date": item.observed_display,
            "reporter": item.assessed_by,
            "evidence": item.get_evidence_kind_display(),
        }
        parts = [f"<p>{escape(facts)}</p>"]
        if item.description:
            parts.append(f"<p>{escape(item.description)}</p>")
        parts.append(f"<p>{escape(gettext('Source'))}: {self.source_html(item.source)}</p>")
        return "".join(parts)

    def item_extra_kwargs(self, item):
        return {"sources": self.item_sources([item.source])}

    def item_pubdate(self, item):
        observed = datetime.datetime.combine(item.observed_on, datetime.time.min)
        return timezone.make_aware(observed, datetime.UTC)

    def item_updateddate(self, item):
        return item.reviewed_at or item.submitted_at or self.item_pubdate(item)

    def item_categories(self, item):
        return [item.condition]


def condition_feed(request):
    # A fresh Feed per request: the instance holds this request's filters.
    return ConditionChangeFeed()(request)
