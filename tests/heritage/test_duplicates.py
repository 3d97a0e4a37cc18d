"""Duplicate control: normalised names, likely duplicates on the add form, and merging two records."""

import pytest
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from heritage.duplicates import MergeError, find_likely_duplicates, merge_records, normalise_name
from heritage.models import Place
from heritage.search import normalize
from meetings.models import Organization, Person
from monuments.models import Monument
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "a,b",
    [
        ("Anar Kərimov", "Anar Karimov"),
        ("Blagojević", "Blagojevic"),
        ("Şuşa", "Shusha"),
        ("Đorđević", "Djordjevic"),
        ("Nuñez", "NUNEZ"),
        ("Žižek", "Zizek"),
        ("Ağdam", "Agdam"),
        ("Шуша", "Shusha"),
        ("Xankəndi", "Khankandi"),
    ],
)
def test_normalised_names_agree_across_spellings(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_names_stay_different():
    assert normalise_name("Anar Karimov") != normalise_name("Anar Mammadov")


@pytest.mark.parametrize(
    "existing,typed",
    [
        ("Anar Kərimov", "Anar Karimov"),
        ("Anar Kərimov", "Anar Kerimov"),
        ("Blagojević", "Blagojevic"),
        ("Nikola Selaković", "Nikola Selakovic"),
    ],
)
def test_likely_duplicates_are_found_for_people(existing, typed):
    person = f.PersonFactory(name=existing)
    f.PersonFactory(name="Someone Else Entirely")
    assert find_likely_duplicates(Person, typed) == [person]


def test_likely_duplicates_look_at_alternative_names_and_skip_unrelated():
    org = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", alternative_names="Mədəniyyət Nazirliyi")
    assert find_likely_duplicates(Organization, "Madaniyyat Nazirliyi") == [org]
    assert find_likely_duplicates(Organization, "UNESCO") == []


@pytest.mark.parametrize(
    "existing,alternatives,typed",
    [
        ("Şuşa", "", "Shusha"),
        ("Xankəndi", "", "Xankandi"),
        ("Stepanakert", "Xankəndi", "Khankandi"),
        ("Ağdam", "", "Агдам"),
    ],
)
def test_likely_duplicates_are_found_for_places(existing, alternatives, typed):
    place = f.PlaceFactory(name=existing, alternative_names=alternatives)
    f.PlaceFactory(name="Gəncə")
    assert find_likely_duplicates(Place, typed) == [place]


def test_duplicates_are_read_from_the_stored_search_names():
    """One normalisation: what ``heritage.search.normalize`` stored is what duplicates are compared on."""
    person = f.PersonFactory(name="Anar Kərimov", alternative_names="Анар Керимов")
    place = f.PlaceFactory(name="Şuşa", alternative_names="Шуша")
    assert person.search_names == normalize("Anar Kərimov\nАнар Керимов") == "anar kerimov\nanar kerimov"
    assert place.search_names == "susa\nsusa"
    assert find_likely_duplicates(Place, "Shusha") == [place]
    # With its stored names emptied (as if never indexed), the place is no longer found: no second normalisation
    # of the name column is consulted.
    Place.objects.filter(pk=place.pk).update(search_names="")
    assert find_likely_duplicates(Place, "Shusha") == []


def test_folded_name_indexes_are_gone_and_search_names_are_indexed(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"place_search_names_trgm", "person_search_names_trgm", "monument_search_names_trgm"} <= names
    assert not {n for n in names if n.endswith(("_name_trgm", "_alternative_names_trgm"))}


def test_duplicate_lookup_leaves_the_trigram_threshold_as_it_was(postgres_only, django_assert_max_num_queries):
    f.PersonFactory(name="Anar Kərimov")
    with django_assert_max_num_queries(5):
        assert len(find_likely_duplicates(Person, "Anar Karimov")) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert cursor.fetchone()[0] == "0.6"


def test_place_add_form_shows_likely_duplicates(client, superuser):
    existing = f.PlaceFactory(name="Xankəndi", country="AZ")
    client.force_login(superuser)
    data = {"name": "Khankandi", "slug": "", "kind": "settlement", "country": "AZ", "alternative_names": "",
            "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("admin:heritage_place_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Likely duplicates already exist" in page
    assert reverse("admin:heritage_place_change", args=[existing.pk]) in page
    assert Place.objects.count() == 1
    response = client.post(reverse("admin:heritage_place_add"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Place.objects.filter(name="Khankandi").exists()


def test_add_form_shows_likely_duplicates_and_saves_once_confirmed(client, editor):
    existing = f.PersonFactory(name="Anar Kərimov")
    client.force_login(editor)
    url = reverse("admin:meetings_person_add")
    data = {"name": "Anar Karimov", "slug": "", "country": "AZ", "status": "draft", "alternative_names": "",
            "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Likely duplicates already exist" in page
    assert reverse("admin:meetings_person_change", args=[existing.pk]) in page
    assert Person.objects.count() == 1

    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_monument_add_form_warns_about_a_similar_monument(client, superuser):
    f.MonumentFactory(name="Yuxarı Gövhər Ağa Məscidi")
    client.force_login(superuser)
    response = client.get(reverse("admin:monuments_monument_add"))
    assert "confirm_not_duplicate" in response.content.decode()
    from tests.heritage.test_admin import monument_data

    response = client.post(reverse("admin:monuments_monument_add"), monument_data(name="Yukhari Govhar Agha Mascidi"))
    assert response.status_code == 200
    assert "Likely duplicates already exist" in response.content.decode()
    assert Monument.objects.count() == 1
    # The change form has no such step.
    monument = Monument.objects.get()
    assert (
        "confirm_not_duplicate"
        not in client.get(reverse("admin:monuments_monument_change", args=[monument.pk])).content.decode()
    )


def test_merging_people_moves_every_relation_and_keeps_names(publisher):
    keep = f.PersonFactory(name="Anar Karimov", alternative_names="A. Karimov")
    merged = f.PersonFactory(name="Anar Kərimov", alternative_names="Анар Керимов\nA. Karimov")
    participations = [f.ParticipantFactory(person=merged), f.ParticipantFactory(person=merged)]
    f.ParticipantFactory(person=keep)

    merged_pk = merged.pk
    merge_records(keep, merged, user=publisher)

    keep.refresh_from_db()
    assert not Person.objects.filter(pk=merged_pk).exists()
    assert keep.participations.count() == 3
    assert {p.pk for p in keep.participations.all()} >= {p.pk for p in participations}
    assert keep.alternative_names.splitlines() == ["A. Karimov", "Anar Kərimov", "Анар Керимов"]
    latest = Version.objects.get_for_object(keep).first()
    assert latest.revision.user == publisher and "Merged" in latest.revision.comment
    # The merged record can be recovered from history.
    assert Version.objects.get_deleted(Person).filter(object_id=str(merged_pk)).exists()


def test_merging_organizations_moves_foreign_keys_and_many_to_many_links():
    keep, merged = f.OrganizationFactory(name="UNESCO"), f.OrganizationFactory(name="Unesco")
    unit = f.OrganizationFactory(name="Unit", parent=merged)
    event = f.EventFactory(organizer=merged)
    outcome = f.OutcomeFactory()
    outcome.parties.add(merged, keep)
    other_outcome = f.OutcomeFactory()
    other_outcome.parties.add(merged)
    figure = f.ReportedFigureFactory(reported_by=merged)
    restoration = f.RestorationFactory(executing_organization=merged)

    merge_records(keep, merged)

    unit.refresh_from_db()
    event.refresh_from_db()
    figure.refresh_from_db()
    restoration.refresh_from_db()
    assert unit.parent == keep and event.organizer == keep and figure.reported_by == keep
    assert restoration.executing_organization == keep
    assert list(outcome.parties.all()) == [keep] and list(other_outcome.parties.all()) == [keep]
    assert "Unesco" in keep.alternative_names


def test_merging_monuments_moves_registrations_assessments_meetings_and_sources():
    keep = f.MonumentFactory(name="Old Bridge")
    merged = f.MonumentFactory(name="Old bridge (Khudafarin)")
    f.RegistrationFactory(monument=merged)
    f.ConditionAssessmentFactory(monument=merged, condition="destroyed")
    source = f.SourceFactory()
    merged.sources.add(source)
    meeting = f.MeetingFactory()
    meeting.monuments.add(merged)

    merge_records(keep, merged)

    keep.refresh_from_db()
    assert keep.registrations.count() == 1 and keep.assessments.count() == 1
    assert keep.current_condition == "destroyed"
    assert list(keep.sources.all()) == [source]
    assert list(meeting.monuments.all()) == [keep]


def test_merging_places_moves_children_and_refuses_a_cycle():
    country = f.PlaceFactory(name="Azerbaijan", kind="country")
    keep = f.PlaceFactory(name="Shusha", parent=country)
    merged = f.PlaceFactory(name="Şuşa", parent=country)
    child = f.PlaceFactory(name="Quarter", parent=merged)
    monument = f.MonumentFactory(place=merged)
    with pytest.raises(MergeError):
        merge_records(child, merged)
    merge_records(keep, merged)
    child.refresh_from_db()
    monument.refresh_from_db()
    assert child.parent == keep and child.path == f"{keep.path}{child.pk}/"
    assert monument.place == keep
    assert not Place.objects.filter(pk=merged.pk).exists()


def test_merge_action_asks_which_to_keep_then_merges(client, publisher, editor):
    a, b = f.PersonFactory(name="Nikola Selaković"), f.PersonFactory(name="Nikola Selakovic")
    f.ParticipantFactory(person=b)
    url = reverse("admin:meetings_person_changelist")
    client.force_login(editor)
    client.post(url, {"action": "merge_two", "_selected_action": [a.pk, b.pk], "keep": a.pk})
    assert Person.objects.count() == 2  # Editors cannot delete, so cannot merge

    client.force_login(publisher)
    response = client.post(url, {"action": "merge_two", "_selected_action": [a.pk, b.pk]})
    assert response.status_code == 200 and "Choose the record to keep" in response.content.decode()
    response = client.post(url, {"action": "merge_two", "_selected_action": [a.pk, b.pk], "keep": a.pk})
    assert response.status_code == 302
    assert list(Person.objects.all()) == [a]
    assert a.participations.count() == 1

    response = client.post(url, {"action": "merge_two", "_selected_action": [a.pk]}, follow=True)
    assert "Select exactly two records" in response.content.decode()


def test_organization_add_form_shows_a_duplicate_known_by_an_alternative_name(client, editor):
    existing = f.OrganizationFactory(name="Ministry of Culture of Azerbaijan", alternative_names="Mədəniyyət Nazirliyi")
    client.force_login(editor)
    data = {"name": "Madaniyyat Nazirliyi", "slug": "", "kind": "ministry", "country": "AZ", "status": "draft",
            "identifiers-TOTAL_FORMS": "0", "identifiers-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(reverse("admin:meetings_organization_add"), data)
    assert response.status_code == 200
    assert "Likely duplicates already exist" in response.content.decode()
    assert reverse("admin:meetings_organization_change", args=[existing.pk]) in response.content.decode()
    assert Organization.objects.count() == 1
