"""The home page: the register at a glance (counts by condition and type with their lists, the latest assessments
with their sources, meetings over the last years), on SQLite and PostgreSQL alike."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heritage.models import DatePrecision, PublishStatus, ReviewStatus
from monuments.models import Condition, EvidenceKind
from tests import factories as f
from tests.public import body

pytestmark = pytest.mark.django_db

COUNT_ROW = re.compile(
    r'<th scope="row"><a href="(/monuments/\?(?:condition|type)=[^"]+)">([^<]+)</a></th><td>([\d,]+)</td>'
)


@pytest.fixture
def register():
    """Published monuments of two types in several conditions, and drafts and pending evidence that never count."""
    mosque, bridge = f.MonumentTypeFactory(name="Mosque"), f.MonumentTypeFactory(name="Bridge")
    only_drafts = f.MonumentTypeFactory(name="Caravanserai")
    for monument_type, condition in [
        (mosque, Condition.DESTROYED),
        (mosque, Condition.DESTROYED),
        (mosque, Condition.DAMAGED),
        (bridge, Condition.DESTROYED),
        (bridge, None),  # never assessed: its condition is "unknown"
    ]:
        monument = f.MonumentFactory(monument_type=monument_type)
        if condition:
            f.ConditionAssessmentFactory(monument=monument, condition=condition)
    for monument_type in [mosque, only_drafts]:
        draft = f.MonumentFactory(monument_type=monument_type, status=PublishStatus.DRAFT)
        f.ConditionAssessmentFactory(monument=draft, condition=Condition.DESTROYED, assessed_by="Draft reporter")
    # An Editor's report, not yet approved, on a published bridge: it changes neither its condition nor the counts.
    f.ConditionAssessmentFactory(
        monument=f.MonumentFactory(monument_type=bridge),
        condition=Condition.DESTROYED,
        observed_on=datetime.date(2024, 1, 1),
        assessed_by="Pending reporter",
        review_status=ReviewStatus.PENDING,
    )


def home_counts(client):
    """{list address: (label, count)} from the home page's tables by condition and by type."""
    return {
        html.unescape(url): (label, int(n.replace(",", "")))
        for url, label, n in COUNT_ROW.findall(body(client.get("/")))
    }


def test_counts_by_condition_and_type_equal_the_rows_each_list_shows(client, register):
    counts = home_counts(client)
    assert counts == {
        "/monuments/?condition=destroyed": ("Destroyed", 3),
        "/monuments/?condition=unknown": ("Unknown", 2),
        "/monuments/?condition=damaged": ("Damaged", 1),
        "/monuments/?type=mosque": ("Mosque", 3),
        "/monuments/?type=bridge": ("Bridge", 3),
    }  # the largest first; no draft counts, and a type only drafts have (Caravanserai) is left out
    for url, (_label, n) in counts.items():
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["result_count"] == n, url


def test_counts_are_the_unfiltered_lists_facet_counts_and_follow_a_change(client, register):
    """The home and /monuments/ read one cached entry: both change at once when the register changes."""
    list_page = body(client.get("/monuments/"))
    assert re.search(r'value="destroyed"[^>]*> Destroyed \(3\)</label>', list_page)
    assert home_counts(client)["/monuments/?condition=destroyed"] == ("Destroyed", 3)

    f.ConditionAssessmentFactory(
        monument=f.MonumentFactory(monument_type=f.MonumentTypeFactory(name="Mosque")), condition=Condition.DESTROYED
    )
    assert home_counts(client)["/monuments/?condition=destroyed"] == ("Destroyed", 4)
    assert re.search(r'value="destroyed"[^>]*> Destroyed \(4\)</label>', body(client.get("/monuments/")))


def test_latest_public_assessments_each_with_its_date_reporter_and_source(client, register):
    source = f.SourceFactory(title="Satellite survey 2025", publisher="Caucasus Heritage Watch")
    monument = f.MonumentFactory(name="Agdam Juma Mosque")
    f.ConditionAssessmentFactory(
        monument=monument,
        condition=Condition.SEVERELY_DAMAGED,
        evidence_kind=EvidenceKind.SATELLITE_IMAGERY,
        observed_on=datetime.date(2025, 3, 1),
        observed_precision=DatePrecision.MONTH,
        source=source,
        assessed_by="Caucasus Heritage Watch",
    )
    for day in range(1, 6):
        f.ConditionAssessmentFactory(observed_on=datetime.date(2023, 1, day), assessed_by=f"Old reporter {day}")
    section = re.search(r'<section aria-labelledby="assessments-heading">.*?</section>', body(client.get("/")), re.S)
    text = section.group(0)

    assert len(re.findall(r"<li>", text)) == 5
    first = re.search(r"<li>.*?</li>", text, re.S).group(0)
    assert f'href="{monument.get_absolute_url()}">Agdam Juma Mosque</a>' in first
    assert '<time datetime="2025-03-01">March 2025</time>: <strong>Severely damaged</strong>' in first
    assert "reported by Caucasus Heritage Watch (evidence: Satellite imagery)" in first
    assert f'source: <a href="{source.get_absolute_url()}">Satellite survey 2025</a> — Caucasus Heritage Watch' in first
    # The five latest public ones of published monuments: no draft's, no pending one, the oldest left out.
    assert "Draft reporter" not in text and "Pending reporter" not in text
    assert "Old reporter 5" in text and "Old reporter 2" in text and "Old reporter 1" not in text
    assert client.get(source.get_absolute_url()).status_code == 200  # the source's page is public


def test_meetings_of_the_last_ten_years_as_a_chart_with_its_table(client):
    this_year = timezone.localdate().year
    for year, n in [(this_year - 9, 2), (this_year - 2, 1), (this_year, 3)]:
        f.MeetingFactory.create_batch(n, date=datetime.date(year, 1, 15))
    f.MeetingFactory(date=datetime.date(this_year - 10, 12, 31))  # before the ten years
    f.MeetingFactory(date=datetime.date(this_year, 1, 15), status=PublishStatus.DRAFT)
    text = body(client.get("/"))
    section = re.search(r'<section aria-labelledby="meetings-by-year-heading">.*?</section>', text, re.S).group(0)

    assert "Meetings in the last 10 years" in section
    assert f"Meetings per year: 6 in all, {this_year - 9}–{this_year}" in section
    rows = dict(re.findall(r'<tr><th scope="row">(\d{4})</th><td>(\d+)</td></tr>', section))
    assert list(rows) == [str(year) for year in range(this_year - 9, this_year + 1)]  # empty years as 0
    assert rows[str(this_year - 9)] == "2" and rows[str(this_year - 5)] == "0" and rows[str(this_year)] == "3"


def test_an_empty_register_says_so(client):
    text = body(client.get("/"))
    assert "No condition assessment recorded." in text and "No meetings in these years." in text
    assert "None yet." in text


HOME_BUDGET = 23


def queries_for_home(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def add_rows(n):
    today = timezone.localdate()
    for i in range(n):
        monument = f.MonumentFactory(monument_type=f.MonumentTypeFactory(name=f"Type {i % 7}"))
        f.ConditionAssessmentFactory(monument=monument, condition=list(Condition)[i % len(Condition)])
        f.MeetingFactory(date=datetime.date(today.year - i % 10, 6, 1))
    f.ReportedFigureFactory.create_batch(3)  # the home shows three


def test_query_budget_is_bounded_and_the_same_whatever_the_number_of_rows(client, django_assert_max_num_queries):
    # Cold, with the page cache off (tests/conftest.py): the headline counts (3), three figures with their
    # documented counts (1 + 2 each), the unfiltered list's six facet queries with the types and risk lists they
    # name, the meetings per year, the latest assessments with their monument and source, the latest meetings and their
    # topics, the recently changed monuments.
    add_rows(3)
    with django_assert_max_num_queries(HOME_BUDGET):
        assert client.get("/").status_code == 200
    add_rows(30)  # a change: every kept count is counted again
    cold = queries_for_home(client)
    warm = queries_for_home(client)
    add_rows(30)
    assert queries_for_home(client) == cold <= HOME_BUDGET
    assert queries_for_home(client) == warm < cold
