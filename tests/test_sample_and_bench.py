"""generate_sample and the benchmark run at tiny sizes in every test run, so neither rots."""

import pytest
from django.core.management import call_command

from heritage.models import Source
from heritage.sample import SAMPLE_SOURCE_TITLE
from meetings.models import Meeting, Person
from monuments.models import ConditionAssessment, Monument
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_generate_sample_creates_marked_searchable_data_and_removes_only_it():
    real = f.MonumentFactory(name="A real monument")
    call_command("generate_sample", monuments=120, meetings=40, batch_size=50, verbosity=0)

    sample = Monument.objects.filter(slug__startswith="sample-")
    assert sample.count() == 120
    assert Meeting.objects.filter(slug__startswith="sample-").count() == 40
    assert ConditionAssessment.objects.filter(monument__in=sample).count() == 120
    assert Source.objects.filter(title=SAMPLE_SOURCE_TITLE).count() == 1
    # Current condition agrees with the latest assessment, and the sample is searchable like real data.
    monument = sample.first()
    assert monument.current_condition == monument.assessments.first().condition
    assert Monument.objects.search(monument.name).filter(pk=monument.pk).exists()
    person = Person.objects.filter(slug__startswith="sample-").first()
    assert Meeting.objects.search(person.name.split()[1]).exists()
    # New records saved afterwards get ids after the sample's (sequences were moved on).
    assert f.MonumentFactory().pk > max(sample.values_list("pk", flat=True))

    call_command("generate_sample", delete=True, verbosity=0)
    assert not Monument.objects.filter(slug__startswith="sample-").exists()
    assert not Meeting.objects.filter(slug__startswith="sample-").exists()
    assert not Source.objects.filter(title=SAMPLE_SOURCE_TITLE).exists()
    assert Monument.objects.filter(pk=real.pk).exists()


def test_generate_sample_refuses_to_run_twice():
    from django.core.management.base import CommandError

    call_command("generate_sample", monuments=5, meetings=0, verbosity=0)
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_sample", monuments=5, meetings=0, verbosity=0)


def test_benchmark_runs_and_reports_every_page(postgres_only, demo):
    from argparse import Namespace

    from bench import run

    call_command("generate_sample", monuments=200, meetings=50, verbosity=0)
    terms, pages = run.measure_pages(repeat=2)
    assert {row["label"] for row in pages} >= {"home", "monument detail", "search", "map data"}
    home = next(row for row in pages if row["label"] == "home")
    assert home["status"] == 200 and home["median"] is not None and home["queries"] > 0
    export = run.measure_export(limit=100)
    baseline = run.measure_admin_baseline(terms["q"], repeat=2)
    text = run.report(
        Namespace(monuments=200, meetings=50, repeat=2), {"monuments_per_second": 1, "meetings_per_second": 1},
        pages, export, baseline, None,
    )  # fmt: skip
    assert "| home `/` |" in text and "Ratio:" in text
    # A page that does not exist yet is reported, not a crash.
    assert any("missing" in line or "| ok |" in line for line in text.splitlines() if "map data" in line)
