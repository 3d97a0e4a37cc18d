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


def test_the_record_page_draws_its_assessments_on_a_timeline(client):
    import datetime
    import re

    from heritage.models import ReviewStatus
    from tests import factories as f

    monument = f.MonumentFactory(name="Juma Mosque", slug="juma")
    for condition, year in [("intact", 2010), ("destroyed", 2020), ("restored", 2024)]:
        f.ConditionAssessmentFactory(
            monument=monument, condition=condition, observed_on=datetime.date(year, 1, 1), assessed_by="Monitors"
        )
    f.ConditionAssessmentFactory(
        monument=monument,
        condition="vandalized",
        observed_on=datetime.date(2022, 1, 1),
        review_status=ReviewStatus.PENDING,
    )
    body = client.get("/monuments/juma/").content.decode()
    points = re.findall(
        r'<circle class="chart-point chart-point-(\w+)" cx="([\d.]+)"[^>]*><title>([^<]+)</title>', body
    )
    assert [(kind, title) for kind, _, title in points] == [
        ("intact", "1 January 2010: Intact, reported by Monitors"),
        ("destroyed", "1 January 2020: Destroyed, reported by Monitors"),
        ("restored", "1 January 2024: Restored, reported by Monitors"),
    ]
    xs = [float(x) for _, x, _ in points]
    assert xs[0] < xs[1] < xs[2]  # placed by date, oldest left
    assert 'id="condition-timeline-title"' in body
