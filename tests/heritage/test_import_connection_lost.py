"""A database connection lost in the middle of an import: one line saying so, where, that nothing was saved, and
a non-zero exit. Tested on PostgreSQL by terminating the import's own backend from a second connection at a
point of the import (the shared server keeps running for everyone else)."""

import psycopg2
import pytest
from django.core.management import execute_from_command_line
from django.db import connection

from heritage.transfer import bulk
from meetings.importers import PersonImport
from meetings.models import Person
from monuments.importers import MonumentImport
from monuments.models import Monument, MonumentType, Registration
from tests.heritage.test_imports import write_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def terminate_own_backend():
    """End this thread's database session from outside, as a server restart would, and wait until it is gone."""
    pid = connection.connection.get_backend_pid()
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
            for _ in range(200):
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    break
                cursor.execute("SELECT pg_sleep(0.01)")
    finally:
        other.close()


def lose_connection_on_call(monkeypatch, owner, name, call):
    """Wrap ``owner.name`` so that its ``call``-th call finds the import's connection gone."""
    original = getattr(owner, name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            terminate_own_backend()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def run_command(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", *argv])
    return exit.value.code, capsys.readouterr()


# (where the connection goes, what is wrapped, on which call, what the message says)
MONUMENT_CASES = {
    "writing a chunk": (MonumentImport, "write", 2, "while writing rows 52–101"),
    "sending a COPY": (bulk, "copy_text", 3, "while writing rows 52–101"),  # two per chunk: their versions
    "preparing a chunk": (MonumentImport, "prepare", 3, "after row 151 was read"),
}


@pytest.mark.parametrize("case", MONUMENT_CASES)
def test_a_monument_import_that_loses_its_connection_says_so_in_one_line(case, tmp_path, capsys, monkeypatch):
    owner, name, call, where = MONUMENT_CASES[case]
    MonumentType.objects.create(name="Mosque", slug="mosque")
    monkeypatch.setattr(MonumentImport, "chunk_size", 50)
    header = ["name", "monument_type", "registry", "registration_number", "significance"]
    rows = [[f"Monument {i}", "mosque", "State register", str(i), "local"] for i in range(200)]
    calls = lose_connection_on_call(monkeypatch, owner, name, call)

    code, output = run_command(["import_monuments", write_csv(tmp_path, header, rows)], capsys)

    assert len(calls) == call
    assert code == 1
    message = (
        f"CommandError: The database connection was lost {where}: nothing was saved (an import saves all rows "
        "or none). Run the import again when the database is back."
    )
    assert output.err.splitlines()[-1] == message
    assert "Traceback" not in output.err
    assert Monument.objects.count() == 0 and Registration.objects.count() == 0


def test_a_connection_lost_at_the_commit_is_not_said_to_have_saved_nothing(tmp_path, capsys, monkeypatch):
    # Lost as the transaction commits, the import cannot know whether the server committed it first.
    MonumentType.objects.create(name="Mosque", slug="mosque")
    lose_connection_on_call(monkeypatch, MonumentImport, "finish", 1)  # after the last write, before the commit
    path = write_csv(tmp_path, ["name", "monument_type"], [[f"Monument {i}", "mosque"] for i in range(20)])

    code, output = run_command(["import_monuments", path], capsys)

    assert code == 1
    assert output.err.splitlines()[-1] == (
        "CommandError: The database connection was lost while the import was being committed: it may or may not "
        "have been saved. Look for the imported records before running it again."
    )
    assert Monument.objects.count() == 0  # here it was not: the server was gone before the commit


def test_every_import_command_says_so_too(tmp_path, capsys, monkeypatch):
    # The commands share ImportCommand; people are imported one chunk after the other (not pipelined).
    monkeypatch.setattr(PersonImport, "chunk_size", 10)
    lose_connection_on_call(monkeypatch, PersonImport, "write", 3)
    path = write_csv(tmp_path, ["name"], [[f"Person {i}"] for i in range(40)])

    code, output = run_command(["import_people", path, "--verbosity", "0"], capsys)

    assert code == 1
    assert output.err.strip() == (
        "CommandError: The database connection was lost while writing rows 22–31: nothing was saved (an import "
        "saves all rows or none). Run the import again when the database is back."
    )
    assert Person.objects.count() == 0
