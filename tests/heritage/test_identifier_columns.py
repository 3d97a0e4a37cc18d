"""Identifier columns in the place, person, organization and event imports (issue 14), on the monument import's
machinery (heritage.transfer.identifiers): a row matched by its identifier before its slug, so a file without
slugs imports twice without duplicates; identifiers added; the staff export writes them back; a row whose slug and
identifier name two records is refused naming both."""

import pytest
from django.core.management import call_command

from heritage.importers import PlaceImport
from heritage.models import Place, PlaceIdentifier
from heritage.transfer.files import read_rows
from meetings.importers import EventImport, OrganizationImport, PersonImport
from meetings.models import (
    Event,
    EventIdentifier,
    Organization,
    OrganizationIdentifier,
    Person,
    PersonIdentifier,
)
from tests import factories as f
from tests.heritage.test_imports import export, run, write_csv

pytestmark = pytest.mark.django_db

CASES = [
    (PersonImport, Person, PersonIdentifier, ["name", "wikidata", "viaf"], ["Ilham Aliyev", "Q23658", "123"]),
    (
        OrganizationImport,
        Organization,
        OrganizationIdentifier,
        ["name", "kind", "wikidata"],
        ["UNESCO", "intergovernmental", "Q7809"],
    ),
    (PlaceImport, Place, PlaceIdentifier, ["name", "kind", "geonames"], ["Shusha", "settlement", "585156"]),
    (EventImport, Event, EventIdentifier, ["name", "start_date", "wikidata"], ["Baku Global Forum", "2019", "Q1"]),
]


@pytest.mark.parametrize("importer, model, identifiers, header, row", CASES)
def test_a_file_without_slugs_imports_twice_matched_by_identifier(importer, model, identifiers, header, row):
    assert importer.identifier_columns()  # the schemes' codes are columns
    assert run(importer(), header, [row], dry_run=False).counts == {"new": 1}
    record = model.objects.get()
    given = {value for column, value in zip(header, row, strict=True) if column in importer.identifier_columns()}
    assert set(identifiers.objects.values_list("value", flat=True)) == given
    # Renamed in the second file: the identifier says which record it is, so it changes, and no "-2" appears.
    renamed = [f"{row[0]} (renamed)", *row[1:]]
    result = run(importer(), header, [renamed], dry_run=False)
    assert result.counts == {"changed": 1} and model.objects.count() == 1
    record.refresh_from_db()
    assert record.name == f"{row[0]} (renamed)"
    assert run(importer(), header, [renamed], dry_run=False).counts == {"unchanged": 1}


@pytest.mark.parametrize("importer, model, identifiers, header, row", CASES)
def test_the_export_writes_identifiers_back_and_reimports_unchanged(importer, model, identifiers, header, row):
    run(importer(), header, [row], dry_run=False)
    handle, name = export(importer, model.objects.all())
    text = handle.read().decode("utf-8-sig")
    assert all(column in text.splitlines()[0].split(",") for column in header[2:])
    assert row[2] in text
    handle.seek(0)
    assert importer().run(read_rows(handle, name), dry_run=True).counts == {"unchanged": 1}


def test_a_slug_naming_another_record_than_the_identifier_is_refused(tmp_path, capsys):
    first = f.PersonFactory(name="Ilham Aliyev", slug="ilham-aliyev")
    f.PersonFactory(name="Someone Else", slug="someone-else")
    run(PersonImport(), ["slug", "name", "wikidata"], [["ilham-aliyev", "Ilham Aliyev", "Q23658"]], dry_run=False)
    assert PersonIdentifier.objects.get().person == first
    path = write_csv(tmp_path, ["slug", "name", "wikidata"], [["someone-else", "Someone Else", "Q23658"]])
    with pytest.raises(Exception, match="Nothing imported"):
        call_command("import_people", path)
    err = capsys.readouterr().err
    assert "slug: “someone-else” is another record than ilham-aliyev, which has this row's identifier." in err


def test_an_identifier_twice_in_a_file_names_the_first_row():
    header = ["name", "kind", "geonames"]
    result = run(PlaceImport(), header, [["Shusha", "settlement", "585156"], ["Susa", "settlement", "585156"]])
    assert "geonames: 585156 is already in row 2." in " ".join(m for r in result.invalid for m in r.errors)
    assert Place.objects.count() == 0
