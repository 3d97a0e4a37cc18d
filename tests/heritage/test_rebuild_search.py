"""manage.py rebuild_search: the labels it accepts, and its progress."""

import io

import pytest
from django.core.management import CommandError, call_command

from monuments.models import Monument
from tests import factories as f
from tests.heritage.test_progress import Terminal

pytestmark = pytest.mark.django_db


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
