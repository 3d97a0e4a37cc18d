"""Admin list filters of monuments only: whether a monument has a condition assessment, and whether its latest is
old (the editorial dashboard counts and links to these)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage.admin_filters import YesNoFilter
from monuments.models import ConditionAssessment


class HasAssessmentFilter(YesNoFilter):
    title = _("has a condition assessment")
    parameter_name = "has_assessment"

    def condition(self, model):
        return Exists(ConditionAssessment.objects.filter(monument=OuterRef("pk")))


def assessment_max_age_days():
    """How old the latest assessment may be before the dashboard calls it stale (``ASSESSMENT_MAX_AGE_DAYS``)."""
    return int(getattr(settings, "ASSESSMENT_MAX_AGE_DAYS", 730))


def stale_assessment_condition():
    """Monuments assessed, but not within the configured age."""
    cutoff = timezone.localdate() - datetime.timedelta(days=assessment_max_age_days())
    assessed = ConditionAssessment.objects.filter(monument=OuterRef("pk"))
    return Exists(assessed) & ~Exists(assessed.filter(observed_on__gte=cutoff))


class StaleAssessmentFilter(YesNoFilter):
    title = _("latest assessment is old")
    parameter_name = "stale_assessment"

    def condition(self, model):
        return stale_assessment_condition()
