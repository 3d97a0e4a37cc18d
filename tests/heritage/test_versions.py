"""History versions: the one use of django-reversion's private API (``registration``) still says what reversion
itself stores, and an import's bulk versions hold what reversion's own ``add_to_revision`` would."""

import io
import json

import pytest
import reversion
from reversion.models import Version

from heritage.transfer.files import csv_lines, read_rows
from heritage.transfer.versions import registration
from monuments.importers import MonumentImport
from monuments.models import Monument
from tests import factories as f

pytestmark = pytest.mark.django_db

RECORDS = {
    "source": f.SourceFactory,
    "place": f.PlaceFactory,
    "monument": f.MonumentFactory,
    "registration": f.RegistrationFactory,
    "meeting": f.MeetingFactory,
    "person": f.PersonFactory,
    "participant": f.ParticipantFactory,
}


def stored_by_reversion(obj):
    """The version reversion's public API stores for ``obj``."""
    with reversion.create_revision():
        reversion.add_to_revision(obj)
    return Version.objects.get_for_object(obj).latest("pk")


@pytest.mark.parametrize("name", RECORDS)
def test_registration_says_what_reversion_stores(name):
    obj = RECORDS[name]()
    model = type(obj)
    assert reversion.is_registered(model)
    fields, format = registration(model)
    assert all(isinstance(field, str) for field in fields)
    version = stored_by_reversion(obj)
    assert version.format == format
    [data] = json.loads(version.serialized_data)
    serialised = {name for name in fields if model._meta.get_field(name).serialize}
    assert set(data["fields"]) == serialised
    assert model._meta.pk.name in fields  # the registration names the primary key; the serializer leaves it out


def test_an_imported_record_s_version_has_the_fields_reversion_would_store(superuser):
    kind = f.MonumentTypeFactory(name="Mosque", slug="mosque")
    text = "".join(csv_lines(["name", "monument_type"], [["Juma Mosque", kind.slug]]))
    result = MonumentImport(user=superuser).run(read_rows(io.BytesIO(text.encode()), "x.csv"), dry_run=False)
    assert result.committed, result.invalid
    monument = Monument.objects.get(name="Juma Mosque")
    [imported] = Version.objects.get_for_object(monument)
    own = stored_by_reversion(monument)
    assert (imported.format, imported.object_repr, imported.db) == (own.format, own.object_repr, own.db)
    [imported_data], [own_data] = json.loads(imported.serialized_data), json.loads(own.serialized_data)
    assert (imported_data["model"], imported_data["pk"]) == (own_data["model"], own_data["pk"])
    assert set(imported_data["fields"]) == set(own_data["fields"])


def test_reverting_an_imported_monument_keeps_its_imported_identifiers_and_registrations(superuser):
    """The import's revision holds a version of each identifier and registration it added, as the admin's inlines
    would: reverting the monument to it (the admin's history, ``revert(delete=True)``) keeps them, and removes
    only what was added after."""
    kind = f.MonumentTypeFactory(name="Mosque", slug="mosque")
    text = "".join(
        csv_lines(
            ["name", "monument_type", "registry", "registration_number", "wikidata"],
            [["Juma Mosque", kind.slug, "State register", "4996-1; 4996-2", "Q4163052"]],
        )
    )
    result = MonumentImport(user=superuser).run(read_rows(io.BytesIO(text.encode()), "x.csv"), dry_run=False)
    assert result.committed, result.invalid
    monument = Monument.objects.get(name="Juma Mosque")
    f.RegistrationFactory(monument=monument, registry="Local list", number="7")  # added later, by hand
    [imported] = Version.objects.get_for_object(monument)
    imported.revision.revert(delete=True)
    assert sorted(monument.registrations.values_list("registry", "number")) == [
        ("State register", "4996-1"),
        ("State register", "4996-2"),
    ]
    assert list(monument.identifiers.values_list("scheme__code", "value")) == [("wikidata", "Q4163052")]
