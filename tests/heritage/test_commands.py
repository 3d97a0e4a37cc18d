"""The maintenance commands as an operator runs them: rebuild_search, rebuild_map_cells, demo_users, and the
progress every long command reports (a bar on a terminal, plain lines in a log)."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from heritage import progress as progress_module
from heritage.groups import EDITORS, PUBLISHERS
from heritage.progress import Progress
from monuments.models import Monument
from tests import factories as f

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """An output that says it is a terminal, as a shell's stderr does."""

    def isatty(self):
        return True


# --- rebuild_search ----------------------------------------------------------------------------------------------


def test_rebuild_search_refuses_an_unknown_model_naming_it_and_the_valid_ones():
    f.MonumentFactory(name="Nuñez chapel")
    Monument.objects.update(search_names="")
    with pytest.raises(CommandError) as error:
        call_command("rebuild_search", "monuments.Monuments", stdout=io.StringIO(), stderr=io.StringIO())
    message = str(error.value)
    assert "'monuments.Monuments' (did you mean monuments.Monument?)" in message
    for label in ("monuments.Monument", "meetings.Meeting", "meetings.Person", "heritage.Place"):
        assert label in message
    # Nothing was rebuilt, not even the models that were right.
    assert Monument.objects.get().search_names == ""

    with pytest.raises(CommandError, match="'nothing.Like.This'"):
        call_command("rebuild_search", "monuments.Monument", "nothing.Like.This", stdout=io.StringIO())
    assert Monument.objects.get().search_names == ""


def test_rebuild_search_of_named_models_only_ignores_case():
    f.MonumentFactory(name="Nuñez chapel")
    f.PersonFactory(name="Anar Karimov")
    Monument.objects.update(search_names="")
    out = io.StringIO()
    call_command("rebuild_search", "MONUMENTS.monument", stdout=out, stderr=io.StringIO())
    assert "monuments.Monument: 1 records indexed" in out.getvalue() and "meetings.Person" not in out.getvalue()
    assert Monument.objects.get().search_names == "nunez chapel"


def test_rebuild_search_reports_progress_in_plain_lines_when_not_on_a_terminal():
    for i in range(3):
        f.MonumentFactory(name=f"Chapel {i}")
    log = io.StringIO()
    call_command("rebuild_search", "monuments.Monument", stdout=io.StringIO(), stderr=log)
    assert "\r" not in log.getvalue()
    assert log.getvalue().startswith("monuments.Monument: 3 of 3 (100%), ")


def test_rebuild_search_draws_a_bar_on_a_terminal():
    for i in range(3):
        f.MonumentFactory(name=f"Chapel {i}")
    terminal = Terminal()
    call_command("rebuild_search", "monuments.Monument", stdout=io.StringIO(), stderr=terminal)
    assert terminal.getvalue().startswith("\rmonuments.Monument [" + "#" * 30 + "]")
    assert terminal.getvalue().endswith("/s\n") and "3/3" in terminal.getvalue()


# --- rebuild_map_cells -------------------------------------------------------------------------------------------


def test_rebuild_map_cells_reports_progress_by_zoom_level():
    f.MonumentFactory(latitude=40.4, longitude=49.9)
    log, terminal = io.StringIO(), Terminal()
    call_command("rebuild_map_cells", stdout=io.StringIO(), stderr=log)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue() and len(lines) == 10  # one at every tenth of the 11 zoom levels
    assert lines[-1].startswith("zoom levels: 11 of 11 (100%)")
    call_command("rebuild_map_cells", stdout=io.StringIO(), stderr=terminal)
    assert terminal.getvalue().count("\r") == 11 and terminal.getvalue().endswith("\n")


# --- generate_sample ---------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("command", ["generate_sample", "rebuild_search", "rebuild_map_cells"])
def test_verbosity_zero_reports_no_progress(command):
    f.MonumentFactory(latitude=40.4, longitude=49.9)
    log = io.StringIO()
    options = {"i_know_this_is_not_production": True, "monuments": 20} if command == "generate_sample" else {}
    call_command(command, verbosity=0, stdout=io.StringIO(), stderr=log, **options)
    assert log.getvalue() == ""


# --- Progress itself ---------------------------------------------------------------------------------------------


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


# --- demo_users --------------------------------------------------------------------------------------------------

DEMO = [("admin", None), ("editor", EDITORS), ("publisher", PUBLISHERS)]


def test_demo_users_refuses_to_run_without_debug(settings):
    assert not settings.DEBUG
    with pytest.raises(CommandError, match="only runs with DEBUG=1"):
        call_command("demo_users", stdout=io.StringIO())
    assert not User.objects.filter(username__in=[name for name, _ in DEMO]).exists()


def test_demo_users_are_the_documented_log_ins_in_their_groups(settings):
    settings.DEBUG = True
    call_command("demo_users", stdout=io.StringIO())
    for username, group in DEMO:
        user = User.objects.get(username=username)
        assert user.is_staff and user.is_superuser == (group is None)
        assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
        staff = Client()
        response = staff.post(reverse("admin:login"), {"username": username, "password": username})
        assert response.status_code == 302, username
        assert staff.get(reverse("admin:index")).status_code == 200
    # Run again (every `make run` does), it puts a changed password back and keeps one user per name.
    editor = User.objects.get(username="editor")
    editor.set_password("something else")
    editor.save()
    call_command("demo_users", stdout=io.StringIO())
    assert User.objects.filter(username="editor").count() == 1
    assert User.objects.get(username="editor").check_password("editor")
