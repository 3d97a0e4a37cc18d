"""A new record's slug spells its name in Latin letters (``heritage.transliteration``); an existing slug never
changes, because it is a bookmark."""

import pytest
from django.urls import reverse

from heritage.models import Place
from meetings.importers import PersonImport
from meetings.models import Meeting, Person
from monuments.importers import MonumentImport
from monuments.models import Monument, MonumentType
from tests import factories as f
from tests.heritage.test_imports import run

pytestmark = pytest.mark.django_db

REAL_NAMES = [
    ("İçərişəhər", "icherisheher"),
    ("Qız qalası", "qiz-qalasi"),
    ("Gəncə", "gence"),
    ("Şuşa", "shusha"),
    ("Шуша", "shusha"),
    ("Хрущёв", "hrushchev"),
    ("Núñez", "nunez"),
    ("Blagojević", "blagojevic"),
    ("Ağdam", "aghdam"),
    ("Möminə Xatın", "momine-xatin"),
    ("Xan sarayı", "xan-sarayi"),  # Azerbaijani x is ASCII: it stays x, like the x of Mexico
    ("Mexico", "mexico"),
    ("Ђурђевићи", "djurdjevici"),
    ("Џамија Щукина", "dzhamija-shchukina"),
    ("ŞƏKİ XAN SARAYI", "sheki-xan-sarayi"),
    ("Old Bridge_2 (restored)", "old-bridge_2-restored"),  # ASCII: exactly Django's slugify, as before
]


@pytest.mark.parametrize(("name", "slug"), REAL_NAMES)
def test_a_new_monument_gets_a_readable_slug_and_answers_at_it(client, name, slug):
    monument = f.MonumentFactory(name=name)
    assert monument.slug == slug
    response = client.get(reverse("monuments:monument_detail", args=[slug]))
    assert response.status_code == 200 and response.context["monument"] == monument


@pytest.mark.parametrize(
    "make",
    [
        lambda name: f.PlaceFactory(name=name),
        lambda name: f.PersonFactory(name=name),
        lambda name: f.OrganizationFactory(name=name),
        lambda name: f.EventFactory(name=name),
        lambda name: f.TopicFactory(name=name),
        lambda name: f.MeetingFactory(title=name),
        lambda name: MonumentType.objects.create(name=name),
    ],
    ids=["place", "person", "organization", "event", "topic", "meeting", "monument type"],
)
def test_every_slugged_model_transliterates(make):
    assert make("Qız qalası").slug == "qiz-qalasi"
    assert make("QIZ QALASI!").slug == "qiz-qalasi-2"


def test_the_same_name_in_two_scripts_shares_a_base_and_is_numbered():
    assert f.PersonFactory(name="Şuşa").slug == "shusha"
    assert f.PersonFactory(name="Шуша").slug == "shusha-2"


def test_a_name_with_no_latin_spelling_falls_back_to_the_model_name():
    assert f.TopicFactory(name="北京").slug == "topic"


@pytest.mark.parametrize(
    "model,make,old_slug",
    [
        (Monument, lambda: f.MonumentFactory(name="İçərişəhər", slug="icrishr"), "icrishr"),
        (Person, lambda: f.PersonFactory(name="Qız qalası", slug="qz-qalas"), "qz-qalas"),
        (Meeting, lambda: f.MeetingFactory(title="Gəncə talks", slug="gnc-talks"), "gnc-talks"),
        (MonumentType, lambda: MonumentType.objects.create(name="Türbə", slug="trb"), "trb"),
    ],
)
def test_saving_an_existing_record_keeps_its_slug(model, make, old_slug):
    record = make()
    record.save()
    setattr(record, "title" if model is Meeting else "name", "Şuşa renamed")
    record.save()
    assert model.objects.get(pk=record.pk).slug == old_slug


def test_admin_leaves_the_slug_to_the_server_and_says_so(client, superuser):
    client.force_login(superuser)
    form = client.get(reverse("admin:monuments_monument_add")).content.decode()
    # Django's prepopulating script would spell İçərişəhər "iceriseher": it fills in no slug.
    assert 'data-prepopulated-fields="[]"' in form and 'name="slug"' in form
    assert "qiz-qalasi" in form  # the help text's example
    data = {
        "name": "İçərişəhər",
        "alternative_names": "",
        "slug": "",
        "monument_type": f.MonumentTypeFactory(name="Fortress").pk,
        "status": "draft",
        **{f"{inline}-{n}_FORMS": "0"
           for inline in ("registrations", "identifiers", "assessments", "restorations", "risk_listings", "images")
           for n in ("TOTAL", "INITIAL")},
    }  # fmt: skip
    response = client.post(reverse("admin:monuments_monument_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    monument = Monument.objects.get()
    assert monument.slug == "icherisheher"
    # Changing the name in the admin keeps the address.
    change = reverse("admin:monuments_monument_change", args=[monument.pk])
    response = client.post(change, {**data, "name": "Icherisheher old city", "slug": monument.slug})
    assert response.status_code == 302
    assert Monument.objects.get().slug == "icherisheher"


def test_an_import_gives_new_records_transliterated_slugs(db):
    f.MonumentTypeFactory(name="Mosque", slug="mosque")
    result = run(
        MonumentImport(),
        ["name", "monument_type"],
        [["Möminə Xatın", "mosque"], ["Möminə Xatın", "mosque"], ["Ağdam Cümə Məscidi", "mosque"]],
        dry_run=False,
    )
    assert result.committed, result.invalid
    assert sorted(Monument.objects.values_list("slug", flat=True)) == [
        "aghdam-cume-mescidi",
        "momine-xatin",
        "momine-xatin-2",
    ]
    result = run(PersonImport(), ["name"], [["Хрущёв"]], dry_run=False)
    assert Person.objects.get().slug == "hrushchev"


def test_an_import_finds_related_records_by_name_under_new_and_old_slugs(db):
    # A type made now has the transliterated slug; a place made before transliteration keeps its old one. A file
    # naming either ("Türbə", "İçərişəhər") finds it.
    f.MonumentTypeFactory(name="Türbə")
    assert MonumentType.objects.get().slug == "turbe"
    old_place = f.PlaceFactory(name="İçərişəhər", slug="icrishr")
    result = run(
        MonumentImport(),
        ["name", "monument_type", "place"],
        [["Məhəmməd mosque", "Türbə", "İçərişəhər"]],
        dry_run=False,
    )
    assert result.committed, result.invalid
    monument = Monument.objects.get()
    assert monument.monument_type.name == "Türbə" and monument.place == old_place
    assert monument.slug == "mehemmed-mosque"
    assert Place.objects.get(pk=old_place.pk).slug == "icrishr"


def test_an_import_updating_a_record_keeps_its_old_slug(db):
    f.MonumentTypeFactory(name="Mosque", slug="mosque")
    f.MonumentFactory(name="İçərişəhər", slug="icrishr")
    result = run(MonumentImport(), ["slug", "name"], [["icrishr", "İçərişəhər (old city)"]], dry_run=False)
    assert result.committed, result.invalid
    assert list(Monument.objects.values_list("slug", "name")) == [("icrishr", "İçərişəhər (old city)")]
