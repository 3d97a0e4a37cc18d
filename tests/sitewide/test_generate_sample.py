"""generate_sample and the benchmark run at tiny sizes in every test run, so neither rots."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from heritage.models import Place, Source
from meetings.models import Meeting, Person
from monuments.models import ConditionAssessment, Monument, Registration
from sitewide.sample import SAMPLE_SOURCE_TITLE
from tests import factories as f
from tests.heritage.test_progress import Terminal

pytestmark = pytest.mark.django_db


def make_sample(**options):
    """generate_sample as a benchmark runs it: tests run without DEBUG, as production does."""
    call_command("generate_sample", i_know_this_is_not_production=True, verbosity=0, **options)


def test_generate_sample_creates_marked_searchable_data_and_removes_only_it():
    real = f.MonumentFactory(name="A real monument")
    make_sample(monuments=120, meetings=40, batch_size=50)

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
    place = Place.objects.filter(slug__startswith="sample-", kind="settlement").first()
    assert Place.objects.search(place.name).filter(pk=place.pk).exists()
    # New records saved afterwards get ids after the sample's (sequences were moved on).
    assert f.MonumentFactory().pk > max(sample.values_list("pk", flat=True))

    make_sample(delete=True)
    assert not Monument.objects.filter(slug__startswith="sample-").exists()
    assert not Meeting.objects.filter(slug__startswith="sample-").exists()
    assert not Source.objects.filter(title=SAMPLE_SOURCE_TITLE).exists()
    assert Monument.objects.filter(pk=real.pk).exists()


def test_generate_sample_refuses_to_run_twice():
    from django.core.management.base import CommandError

    make_sample(monuments=5, meetings=0)
    with pytest.raises(CommandError, match="already exists"):
        make_sample(monuments=5, meetings=0)


def test_generate_sample_refuses_a_production_database_unless_told_it_is_not_one(settings):
    """Without DEBUG it drops indexes and writes or deletes in bulk only when the operator says it is safe."""
    from django.core.management.base import CommandError

    assert not settings.DEBUG
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("generate_sample", monuments=5, meetings=2, verbosity=0)
    assert not Monument.objects.filter(slug__startswith="sample-").exists()
    assert not Source.objects.filter(title=SAMPLE_SOURCE_TITLE).exists()

    # --delete removes rows by their slug in bulk SQL: a real "sample-…" record would go too. Refused as well.
    make_sample(monuments=5, meetings=2)
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("generate_sample", delete=True, verbosity=0)
    assert Monument.objects.filter(slug__startswith="sample-").count() == 5

    # With DEBUG (a developer's machine) no flag is needed, for either.
    settings.DEBUG = True
    call_command("generate_sample", delete=True, verbosity=0)
    assert not Monument.objects.filter(slug__startswith="sample-").exists()
    call_command("generate_sample", monuments=3, meetings=1, verbosity=0)
    assert Monument.objects.filter(slug__startswith="sample-").count() == 3


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("monuments", -1, "--monuments -1: must be 0 or more"), ("batch_size", 0, "--batch-size 0: must be 1 or more")],
)
def test_generate_sample_names_a_bad_size(option, value, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        make_sample(**{option: value})
    assert not Monument.objects.filter(slug__startswith="sample-").exists()


def test_every_generate_sample_option_is_explained():
    from django.core.management import load_command_class

    parser = load_command_class("sitewide", "generate_sample").create_parser("manage.py", "generate_sample")
    own = [a for a in parser._actions if a.dest in {"monuments", "meetings", "batch_size", "seed", "delete"}]
    assert len(own) == 5
    assert all(action.help for action in own), [a.dest for a in own if not a.help]
    assert "--i-know-this-is-not-production" in parser.format_help()


def test_generate_sample_writes_no_carriage_returns_into_a_log():
    log = io.StringIO()
    call_command(
        "generate_sample", monuments=50, meetings=20, batch_size=10, i_know_this_is_not_production=True,
        stdout=io.StringIO(), stderr=log,
    )  # fmt: skip
    assert "\r" not in log.getvalue()
    lines = log.getvalue().splitlines()
    assert [line.split(", ")[0] for line in lines] == [
        *(f"monuments: {n} of 50 ({2 * n}%)" for n in (10, 20, 30, 40, 50)),
        *(f"meetings: {n} of 20 ({5 * n}%)" for n in (10, 20)),
    ]


def test_generate_sample_draws_bars_on_a_terminal():
    terminal = Terminal()
    call_command(
        "generate_sample", monuments=50, meetings=20, batch_size=10, i_know_this_is_not_production=True,
        stdout=io.StringIO(), stderr=terminal,
    )  # fmt: skip
    text = terminal.getvalue()
    assert text.count("\rmonuments  [") == 5 and text.count("\rmeetings   [") == 2
    assert text.count("\n") == 2  # each bar's line is closed once, when it is full


def test_benchmark_runs_and_reports_every_page(postgres_only, demo, client):
    from argparse import Namespace

    from bench import run

    make_sample(monuments=200, meetings=50)
    terms, pages = run.measure_pages(repeat=2)
    pages += run.measure_admin_pages(terms, repeat=2)
    by_label = {row["label"]: row for row in pages}
    # Every page of the public site the issue names, and the staff lists, answer and are measured.
    for label in ["home", "monument list", "monument list, q", "monument list, q + 3 filters", "monument detail",
                  "meeting list, filters", "meeting detail", "search", "map data", "admin monuments",
                  "admin monuments, search", "admin monuments, 2 filters", "admin monument autocomplete"]:  # fmt: skip
        assert by_label[label]["status"] == 200, label
        assert by_label[label]["median"] is not None and by_label[label]["queries"] > 0, label
    export = run.measure_export(limit=100)
    assert export["status"] == 200 and export["rows"] >= 100 and export["peak_mb"] > 0
    baseline = run.measure_admin_baseline(terms["q"], repeat=2)
    assert baseline["search()"]["median"] is not None
    text = run.report(
        Namespace(monuments=200, meetings=50, repeat=2), {"monuments_per_second": 1, "meetings_per_second": 1},
        pages, export, baseline, [
            {"path": "/monuments/x/", "rps": 300.0, "errors": 0, "tool": "wrk"},
            {"path": "1,000 paths", "label": "monument detail, 1,000 records", "rps": 120.0, "errors": 0,
             "tool": "wrk", "cache": "page cache off"},
        ],
    )  # fmt: skip
    assert "| home `/` |" in text and "Ratio:" in text and "CSV export: 1" in text
    assert "| `/monuments/x/` | 300 | 0 | wrk |" in text
    assert "| monument detail, 1,000 records (1,000 paths) | 120 | 0 | wrk, page cache off |" in text
    # The walk goes over published records only, each once.
    paths = run.record_paths(1000)
    published = Monument.objects.published().count()
    assert 0 < published < Monument.objects.count() and len(paths) == len(set(paths)) == published
    assert all(client.get(path).status_code == 200 for path in paths[:20])
    # Only the deep pages (200 public, 200 in the admin) lie past the end of 200 monuments.
    missing = [line for line in text.splitlines() if "missing" in line]
    assert len(missing) == 2 and all("page" in line for line in missing)


def test_compression_benchmark_measures_every_kind_of_text_response(postgres_only, demo):
    from bench import compression

    call_command("generate_sample", monuments=200, meetings=50, verbosity=0, i_know_this_is_not_production=True)
    rows = compression.measure(repeat=1)  # asserts each answers 200 in the encoding asked for
    assert [row["label"] for row in rows] == [
        label for label, _url in compression.urls({"monument": "", "meeting": ""})
    ]
    assert all(row["br"] < row["raw"] and row["gzip"] < row["raw"] for row in rows)
    table = compression.table(rows)
    assert table.count("\n") == len(rows) + 1 and "| monuments GeoJSON |" in table


def test_benchmark_reports_a_missing_page_instead_of_crashing(postgres_only, client):
    from bench import run

    row = run.timed_get(client, "/no-such-page/", repeat=2)
    assert row["status"] == 404 and row["median"] is None


@pytest.mark.parametrize(
    ("env", "worker_class", "workers", "threads"),
    [
        ({}, "gthread", 2, 4),
        ({"GUNICORN_WORKER_CLASS": "sync"}, "sync", 5, 4),
        ({"WEB_CONCURRENCY": "3"}, "gthread", 3, 4),
    ],
)
def test_gunicorn_configuration(monkeypatch, env, worker_class, workers, threads):
    """Threaded workers, one per CPU, keeping connections alive; sync workers (2 × CPUs + 1) on request."""
    import multiprocessing
    import runpy

    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    for name in ("GUNICORN_WORKER_CLASS", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == (worker_class, workers, threads)
    assert config["keepalive"] > 0 and config["timeout"] == 30


def test_benchmark_measures_what_readers_do_and_the_peer_gets_the_same_rows(postgres_only, demo, client, tmp_path):
    """Every value of every monument filter, pairs, orders, deep pages, the filtered map and the meeting
    filters are tasks; the worst of each group is reported; Datasette's copy holds the same published rows with
    their public coordinates only, and each list task has its Datasette counterpart."""
    import sqlite3
    from argparse import Namespace

    from bench import peer, run
    from monuments.models import Condition, MonumentType

    make_sample(monuments=300, meetings=50)
    terms, _pages = run.measure_pages(repeat=1)
    tasks, rows, summary = run.measure_readers(terms, repeat=2)
    urls = {path for _group, _label, _params, path in tasks}
    for condition in Condition.values:
        assert f"/monuments/?condition={condition}" in urls
    for slug in MonumentType.objects.in_use().values_list("slug", flat=True):
        assert f"/monuments/?type={slug}" in urls
    groups = {g["group"]: g for g in summary}
    assert set(groups) == {
        "single filter", "single filter + q", "pair", "pair + q", "order with a broad filter",
        "deep page with a broad filter", "filtered map", "meeting list, single filter",
    }  # fmt: skip
    single = groups["single filter"]
    assert single["worst"]["median"] == max(r["median"] for r in rows if r["group"] == "single filter" and r["median"])
    assert all(r["status"] == 200 for r in rows if r["group"] != "deep page with a broad filter")
    text = run.report(
        Namespace(monuments=300, meetings=50, repeat=2), None, [], {"status": 500},
        {"admin search_fields": {"median": 1, "p95": 1}, "search()": {"median": 1, "p95": 1}}, None,
        (tasks, rows, summary), None, run.measure_copy(limit=100),
    )  # fmt: skip
    assert "| single filter | " in text and "| filtered map | " in text
    # The peer's copy: the published rows, the public point of a sensitive monument, never its exact one.
    path = tmp_path / "peer.db"
    published = Monument.objects.published()
    assert peer.build(path) == published.count()
    sensitive = published.filter(location_sensitive=True).exclude(latitude=None).first()
    db = sqlite3.connect(path)
    if sensitive:
        latitude, longitude = db.execute(
            "SELECT latitude, longitude FROM monuments WHERE id = ?", [sensitive.pk]
        ).fetchone()
        assert (latitude, longitude) != (float(sensitive.latitude), float(sensitive.longitude))
    copied = {row[0] for row in db.execute("SELECT id FROM monuments")}
    assert copied == set(published.values_list("pk", flat=True))  # no draft in the copy
    word = published.first().name.split()[0]
    assert db.execute("SELECT count(*) FROM monuments_fts WHERE monuments_fts MATCH ?", [f'"{word}"']).fetchone()[0]
    assert peer.peer_url("peer", {"condition": "destroyed", "sort": "-updated"}) == (
        "/peer/monuments?condition=destroyed&_sort_desc=updated_at"
    )
    assert peer.peer_url("peer", {"type": "mosque", "page": "200"}) is None
    for _group, _label, params, _path in tasks:
        if params is not None and "page" not in params:
            assert peer.peer_url("peer", params), params


def test_benchmark_results_keep_the_sections_written_by_hand(tmp_path):
    from bench import run

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nold table\n\n## Read this first\n\nwhy it changed\n")
    run.write_results(results, "# Benchmark results\n\nnew table\n")
    assert results.read_text() == "# Benchmark results\n\nnew table\n\n## Read this first\n\nwhy it changed\n"


def test_benchmark_measures_the_api_imports_and_storage_and_puts_sizes_side_by_side(postgres_only, demo, tmp_path):
    from argparse import Namespace

    from bench import growth, run, scale

    make_sample(monuments=200, meetings=50)
    terms, pages = run.measure_pages(repeat=2)
    by_label = {row["label"]: row for row in pages}
    for label, _url in scale.scale_urls(terms):  # the API, the network, the chart pages: every one answers
        assert by_label[label]["status"] == 200 and by_label[label]["queries"] > 0, label
    walk = scale.measure_api_walk(page_size=40)
    published = Monument.objects.published().count()
    assert walk["complete"] and walk["records"] == published and walk["pages"] == -(-published // 40)
    before = Monument.objects.count()
    imports = scale.measure_import(rows=30)
    assert [row["label"] for row in imports] == ["plain", "rich"] and all(row["per_second"] > 0 for row in imports)
    assert Monument.objects.count() == before + 60 and Monument.objects.published().count() == published
    assert Registration.objects.filter(number__endswith="-3", monument__name__startswith="Generated").count() == 30
    storage = scale.storage()
    assert "monuments_monument" in [t["table"] for t in storage["tables"]] and storage["database_bytes"] > 0
    readers = ([], [], [{"group": "pair", "worst": pages[1], "worst_p95": pages[1], "met": True}])
    extra = {"walk": walk, "storage": storage, "imports": imports}
    for monuments in (200, 2000):
        args = Namespace(monuments=monuments, meetings=50, repeat=2)
        run.write_json(tmp_path / f"run-{monuments}.json", args, {"seconds": 60}, pages, {}, readers, None, 1.0,
                       extra, None)  # fmt: skip
    text = "\n".join(run.scale_report(extra))
    assert f"{published:,} records" in text and "rows/s" in text and "| monuments_monument |" in text
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\ntable\n\n## Read this first\n\nwhy\n")
    section = growth.main([str(tmp_path / "run-2000.json"), str(tmp_path / "run-200.json"), "--write", str(results)])
    assert "| page | 200 | 2,000 | growth |" in section and "| API monument record |" in section
    assert "| import, rich file, rows/s |" in section and "| pair |" in section
    written = results.read_text()
    assert written.index("table") < written.index(growth.HEADING) < written.index("## Read this first")
    growth.main([str(tmp_path / "run-200.json"), "--write", str(results)])  # again: replaced, not added
    assert results.read_text().count(growth.HEADING) == 1 and "why" in results.read_text()
