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
