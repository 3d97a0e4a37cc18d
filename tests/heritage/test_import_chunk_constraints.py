"""PostgreSQL checks an import's foreign keys chunk by chunk (``TableImport.check_deferred_constraints``), not
at COMMIT: a later chunk whose rows the database refuses is reported with their row numbers, and nothing of
the file is kept, the chunks written before it included.

The violation is made as it happens for real: someone deletes a monument type in the admin (here: from a second
connection, committed) after the import has looked it up and before it writes the rows that name it."""

import psycopg2
import pytest
from django.core.management import execute_from_command_line
from django.db import connection

from monuments.importers import MonumentImport
from monuments.models import Monument, MonumentIdentifier, MonumentType, Registration
from tests import factories as f
from tests.heritage.test_imports import write_csv

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

HEADER = ["name", "monument_type", "registry", "registration_number", "wikidata"]


def delete_from_outside(sql, params):
    """Run and commit ``sql`` on a second connection, as another user's request would."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def delete_on_first_write(monkeypatch, sql, params):
    """Wrap ``MonumentImport.write``: as the first chunk is written (the second is prepared by then), ``sql``."""
    original, calls = MonumentImport.write, []

    def write(self, pendings, search=None):
        calls.append(len(pendings))
        if len(calls) == 1:
            delete_from_outside(sql, params)
        return original(self, pendings, search=search)

    monkeypatch.setattr(MonumentImport, "write", write)
    return calls


@pytest.fixture(autouse=True)
def wikidata():
    # A transactional test empties the tables after it, the schemes seeded by the migrations too.
    return f.IdentifierSchemeFactory(
        code="wikidata", name="Wikidata", url_pattern="https://www.wikidata.org/wiki/{value}"
    )


def run_command(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", *argv])
    return exit.value.code, capsys.readouterr()


def rows(count, type_of):
    return [[f"Monument {i}", type_of(i), "State register", f"{i}-1; {i}-2", f"Q{1000 + i}"] for i in range(count)]


def test_a_row_refused_in_a_later_chunk_names_its_rows_and_keeps_nothing(tmp_path, capsys, monkeypatch):
    MonumentType.objects.create(name="Mosque", slug="mosque")
    church = MonumentType.objects.create(name="Church", slug="church")
    monkeypatch.setattr(MonumentImport, "chunk_size", 50)
    # Rows 2–51 and 102–151 are mosques, rows 52–101 (the second chunk) churches.
    path = write_csv(tmp_path, HEADER, rows(150, lambda i: "church" if 50 <= i < 100 else "mosque"))
    calls = delete_on_first_write(monkeypatch, "DELETE FROM monuments_monumenttype WHERE id = %s", [church.pk])

    code, output = run_command(["import_monuments", path, "--verbosity", "0"], capsys)

    assert len(calls) == 3  # the chunk after the refused one is still checked and written, then rolled back
    assert code == 1
    errors = output.err.splitlines()
    assert errors[0].startswith("row 52 : The database refused rows 52–101: ")
    assert 'violates foreign key constraint "monuments_monument_monument_type_id' in errors[0]
    assert errors[-1].startswith("CommandError: Nothing imported: 150 new, 0 changed, 0 unchanged, 1 invalid")
    assert "Traceback" not in output.err
    # All or nothing: the first chunk, written and found valid, is gone with the rest.
    assert Monument.objects.count() == 0
    assert Registration.objects.count() == 0 and MonumentIdentifier.objects.count() == 0
    assert not MonumentType.objects.filter(slug="church").exists()


def test_the_same_file_imports_whole_when_nothing_is_refused(tmp_path, capsys, monkeypatch):
    # The check per chunk changes nothing for a valid file: every chunk kept, with its registrations and
    # identifiers, and a second run of the file is a no-op.
    MonumentType.objects.create(name="Mosque", slug="mosque")
    MonumentType.objects.create(name="Church", slug="church")
    monkeypatch.setattr(MonumentImport, "chunk_size", 50)
    path = write_csv(tmp_path, HEADER, rows(150, lambda i: "church" if 50 <= i < 100 else "mosque"))

    execute_from_command_line(["manage.py", "import_monuments", path, "--verbosity", "0"])
    execute_from_command_line(["manage.py", "import_monuments", path, "--verbosity", "0"])

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Imported: 150 new, 0 changed, 0 unchanged, 0 invalid")
    assert out[1].startswith("Imported: 0 new, 0 changed, 150 unchanged, 0 invalid")
    assert Monument.objects.count() == 150 and Monument.objects.filter(monument_type__slug="church").count() == 50
    assert Registration.objects.count() == 300 and MonumentIdentifier.objects.count() == 150
