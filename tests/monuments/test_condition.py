"""A monument's current condition is its latest assessment."""

import datetime

import pytest

from monuments.models import Condition
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_current_condition_follows_the_latest_assessment():
    monument = f.MonumentFactory()
    assert monument.current_condition == Condition.UNKNOWN
    f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2020, 1, 1), condition="damaged")
    latest = f.ConditionAssessmentFactory(
        monument=monument, observed_on=datetime.date(2023, 1, 1), condition="restored"
    )
    f.ConditionAssessmentFactory(monument=monument, observed_on=datetime.date(2021, 1, 1), condition="destroyed")
    monument.refresh_from_db()
    assert monument.current_condition == Condition.RESTORED
    latest.delete()
    monument.refresh_from_db()
    assert monument.current_condition == Condition.DESTROYED


def test_figure_documented_counts_cover_its_scope_only():
    place = f.PlaceFactory(country="AZ")
    figure = f.ReportedFigureFactory(condition="destroyed", country="AZ")
    registered = f.MonumentFactory(place=place)
    f.RegistrationFactory(monument=registered)
    f.RegistrationFactory(monument=registered, registry="Local register")
    f.ConditionAssessmentFactory(monument=registered, condition="destroyed")
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(place=place), condition="destroyed")
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(place=place), condition="damaged")
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(place=place, status="draft"), condition="destroyed")
    f.ConditionAssessmentFactory(monument=f.MonumentFactory(place=f.PlaceFactory(country="AM")), condition="destroyed")
    assert figure.documented_counts() == {"count": 2, "registered_count": 1}
