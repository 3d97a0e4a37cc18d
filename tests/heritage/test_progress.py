"""Progress of long commands (heritage/progress.py): a bar on a terminal, plain lines and no carriage return in a
log. The commands' own tests check each one's output; these check the rules and the shared silence."""

import io

import pytest
from django.core.management import call_command

from heritage import progress as progress_module
from heritage.progress import Progress
from tests import factories as f


class Terminal(io.StringIO):
    """An output that says it is a terminal, as a shell's stderr does."""

    def isatty(self):
        return True


def test_progress_in_a_log_writes_a_line_per_tenth_and_one_at_the_end():
    log = io.StringIO()
    progress = Progress("rows", 1000, log)
    for _ in range(1000):
        progress.step(1)
    lines = log.getvalue().splitlines()
    assert [line.split(", ")[0] for line in lines] == [
        f"rows: {n:,} of 1,000 ({n // 10}%)" for n in range(100, 1001, 100)
    ]

    log = io.StringIO()
    progress = Progress("rows", 1000, log)
    progress.step(250)
    progress.step(5)
    progress.finish()  # stopped early (fewer rows than counted): the last line says how far it got
    assert [line.split(", ")[0] for line in log.getvalue().splitlines()] == ["rows: 250 of 1,000 (25%)",
                                                                           "rows: 255 of 1,000 (25%)"]  # fmt: skip


def test_progress_of_an_unknown_total_writes_a_line_every_half_minute(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: now[0])
    log = io.StringIO()
    progress = Progress("rows", None, log)
    for _ in range(100):
        now[0] += 1
        progress.step(10)
    progress.finish()
    lines = log.getvalue().splitlines()
    assert [line.split(", ")[0] for line in lines] == ["rows: 300", "rows: 600", "rows: 900", "rows: 1,000"]
    assert "\r" not in log.getvalue()


def test_progress_without_an_output_writes_nothing_but_still_counts():
    progress = Progress("rows", 10, None)
    progress.step(4)
    progress.finish()
    assert progress.done == 4 and progress.rate > 0


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["generate_sample", "rebuild_search", "rebuild_map_cells"])
def test_verbosity_zero_reports_no_progress(command):
    f.MonumentFactory(latitude=40.4, longitude=49.9)
    log = io.StringIO()
    options = {"i_know_this_is_not_production": True, "monuments": 20} if command == "generate_sample" else {}
    call_command(command, verbosity=0, stdout=io.StringIO(), stderr=log, **options)
    assert log.getvalue() == ""
