"""Search finds what people type: any case, diacritics or script, stored alternative spellings; best first."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from heritage.models import PublishStatus
from heritage.search import normalize, update_search_index
from meetings.models import Meeting, Organization, Person
from monuments.models import Monument
from tests import factories as f

pytestmark = pytest.mark.django_db


def names(queryset):
    return [str(obj) for obj in queryset]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Blagojević", "Blagojevic"),
        ("Blagojevic", "Blagojević"),
        ("Nuñez", "Nunez"),
        ("Núñez", "NUNEZ"),
        ("Şəki Xan Sarayı", "seki xan sarayi"),
        ("Gəncə", "Gence"),
        ("Ağdam Cümə Məscidi", "agdam cume mescidi"),
        ("Çoban körpüsü", "coban korpusu"),
        ("İstanbul", "istanbul"),
        ("Đurđevi stupovi", "Djurdjevi stupovi"),
        ("Žiča", "Zica"),
        ("Благојевић", "Blagojevic"),
    ],
)
def test_names_match_regardless_of_case_and_diacritics(stored, typed):
    f.MonumentFactory(name=stored)
    f.MonumentFactory(name="Something else entirely")
    assert names(Monument.objects.published().search(typed)) == [stored]


def test_stored_alternative_spellings_are_searchable():
    f.PersonFactory(name="Anar Karimov", alternative_names="Anar Kərimov\nАнар Керимов")
    f.PersonFactory(name="Somebody Else")
    for typed in ("Kərimov", "Керимов", "kerimov", "KARIMOV", "Анар"):
        assert names(Person.objects.search(typed)) == ["Anar Karimov"], typed


def test_normalize_transliterates_cyrillic_and_drops_marks():
    assert normalize("Керимов") == normalize("Kərimov") == "kerimov"
    assert normalize("Ђурђевић") == normalize("Đurđević") == "djurdjevic"


def test_every_word_must_match():
    f.MonumentFactory(name="Juma Mosque of Shamakhi")
    f.MonumentFactory(name="Juma Mosque of Agdam")
    assert names(Monument.objects.search("juma shamakhi")) == ["Juma Mosque of Shamakhi"]


def test_search_finds_descriptions_types_and_places():
    place = f.PlaceFactory(name="Şuşa")
    f.MonumentFactory(name="Upper mosque", place=place, description="Built by Khurshidbanu Natavan.")
    assert names(Monument.objects.search("susa")) == ["Upper mosque"]
    assert names(Monument.objects.search("natavan")) == ["Upper mosque"]
    assert names(Monument.objects.search("mosque")) == ["Upper mosque"]  # the type, from the factory


def test_drafts_stay_out_of_published_search():
    f.MonumentFactory(name="Blagojević bridge", status=PublishStatus.DRAFT)
    assert names(Monument.objects.published().search("blagojevic")) == []
    assert names(Monument.objects.search("blagojevic")) == ["Blagojević bridge"]


def test_blank_query_is_everything_and_punctuation_only_is_nothing():
    f.MonumentFactory(name="Any monument")
    assert Monument.objects.search("  ").count() == 1
    assert Monument.objects.search("?!").count() == 0


def test_save_keeps_search_data_current():
    monument = f.MonumentFactory(name="Old name")
    monument.name = "Kərimli bridge"
    monument.save()
    assert names(Monument.objects.search("kerimli")) == ["Kərimli bridge"]
    assert names(Monument.objects.search("old")) == []


def test_meeting_found_by_participant_after_refresh():
    meeting = f.MeetingFactory(title="Talks in Paris")
    f.ParticipantFactory(meeting=meeting, person=f.PersonFactory(name="Stanko Blagojević"))
    f.ParticipantFactory(meeting=meeting, person=None, organization=f.OrganizationFactory(name="Núñez Foundation"))
    meeting.refresh_search()
    assert names(Meeting.objects.search("blagojevic")) == ["Talks in Paris"]
    assert names(Meeting.objects.search("nunez foundation")) == ["Talks in Paris"]


def test_demo_meetings_are_searchable_by_participants(demo):
    found = Meeting.objects.published().search("Blagojević")
    assert found.count() == 1
    assert Organization.objects.published().search("unesco").count() == 1


def test_rebuild_search_restores_the_stored_data():
    f.MonumentFactory(name="Nuñez chapel")
    Monument.objects.update(search_names="", search_text="", search_keys="", search_vector=None)
    assert Monument.objects.search("nunez").count() == 0
    call_command("rebuild_search", verbosity=0)
    assert names(Monument.objects.search("nunez")) == ["Nuñez chapel"]


def test_update_search_index_serves_bulk_inserts():
    mosque = f.MonumentTypeFactory(name="Mosque")
    Monument.objects.bulk_create(
        [Monument(name=f"Gəncə monument {i}", slug=f"gence-{i}", monument_type=mosque) for i in range(5)]
    )
    assert Monument.objects.search("gence").count() == 0  # bulk_create skips save()
    assert update_search_index(Monument.objects.all(), batch_size=2) == 5
    assert Monument.objects.search("gence").count() == 5


def test_admin_search_box_uses_normalised_search(client, superuser):
    f.MonumentFactory(name="Blagojević bridge")
    f.MonumentFactory(name="Another bridge")
    client.force_login(superuser)
    response = client.get(reverse("admin:monuments_monument_changelist"), {"q": "blagojev"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("name", flat=True)) == ["Blagojević bridge"]


def test_admin_autocomplete_finds_transliterated_names(client, superuser):
    f.PersonFactory(name="Anar Karimov", alternative_names="Анар Керимов")
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "керим", "app_label": "meetings", "model_name": "participant", "field_name": "person"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Anar Karimov"]


def test_snippets_mark_matches_whatever_the_spelling():
    f.MonumentFactory(name="Gate", description="Restored in 1998 & again, the <b>Gəncə</b> gate stands.")
    f.MonumentFactory(name="Gence wall", description="")
    snippets = {m.name: m.snippet for m in Monument.objects.search("gence").highlight("gence")}
    assert "<mark>Gəncə</mark>" in snippets["Gate"]
    assert "&amp;" in snippets["Gate"] and "<b>" not in snippets["Gate"]
    assert not snippets["Gence wall"]


def test_snippet_of_a_long_account_shows_the_words_around_the_match():
    filler = " ".join(f"word{i}" for i in range(200))
    f.MeetingFactory(title="Talks", summary=f"{filler} then Minister Blagojević spoke. {filler}")
    (meeting,) = Meeting.objects.search("blagojevic").highlight("blagojevic")
    assert "<mark>Blagojević</mark>" in meeting.snippet
    assert len(meeting.snippet) < 600


# PostgreSQL only: ranking, websearch syntax, snippets, trigram fallback.


def test_names_rank_above_descriptions(postgres_only):
    f.MonumentFactory(name="Old mill", description="Near the Gəncə gate.")
    f.MonumentFactory(name="Gəncə gate")
    f.MonumentFactory(name="Unrelated")
    assert names(Monument.objects.search("gence gate")) == ["Gəncə gate", "Old mill"]


def test_websearch_syntax(postgres_only):
    f.MonumentFactory(name="Juma Mosque of Shamakhi")
    f.MonumentFactory(name="Juma Mosque of Agdam")
    f.MonumentFactory(name="Shamakhi Juma bridge")
    assert names(Monument.objects.search("juma -agdam")) == ["Juma Mosque of Shamakhi", "Shamakhi Juma bridge"]
    assert sorted(names(Monument.objects.search('"juma mosque"'))) == [
        "Juma Mosque of Agdam",
        "Juma Mosque of Shamakhi",
    ]
    assert sorted(names(Monument.objects.search("agdam or bridge"))) == ["Juma Mosque of Agdam", "Shamakhi Juma bridge"]


def test_trigram_fallback_finds_typos_and_other_transliterations(postgres_only):
    f.PersonFactory(name="Stanko Blagojević")
    f.PersonFactory(name="Marina Núñez Bespalova")
    f.PersonFactory(name="Someone Else")
    assert names(Person.objects.search("Blagojevich")) == ["Stanko Blagojević"]
    assert names(Person.objects.search("Nunes Bespalova")) == ["Marina Núñez Bespalova"]
    assert names(Person.objects.search("Zyxwv")) == []


def test_broad_queries_are_not_ranked(postgres_only, monkeypatch, django_assert_num_queries):
    for i in range(4):
        f.MonumentFactory(name=f"Bridge {i}")
    monkeypatch.setattr(type(Monument.objects.all()), "RANK_LIMIT", 2)
    with django_assert_num_queries(1):  # the probe
        found = Monument.objects.search("bridge")
    assert "ts_rank" not in str(found.query)
    assert found.count() == 4


def test_search_costs_a_probe_and_one_query(postgres_only, django_assert_num_queries):
    f.MonumentFactory(name="Gəncə gate")
    with django_assert_num_queries(2):
        assert names(Monument.objects.published().with_related().search("gence")) == ["Gəncə gate"]


def test_snippet_marks_word_as_typed(postgres_only):
    f.MeetingFactory(title="Talks", summary="Minister Blagojević met the delegation.")
    (meeting,) = Meeting.objects.search("Blagojević").highlight("Blagojević")
    assert "<mark>Blagojević</mark>" in meeting.snippet


def test_admin_changelist_never_counts_past_the_bound(postgres_only, client, superuser, monkeypatch):
    from heritage.admin_mixins import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 3)
    for i in range(6):
        f.MonumentFactory(name=f"Bridge {i}")
    client.force_login(superuser)
    response = client.get(reverse("admin:monuments_monument_changelist"), {"current_condition__exact": "unknown"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3  # filtered: the bound itself, not a full count
    assert response.context["cl"].show_full_result_count is False


def test_prefix_search_matches_words_by_their_beginning_and_plain_search_does_not(postgres_only):
    # The words are in descriptions (weight C), out of reach of the trigram fallback on names: only the prefix
    # query (every word as "word:*", all required) finds them.
    f.MonumentFactory(name="Old mill", description="Restored for MONDIACULT delegates in 2022.")
    f.MonumentFactory(name="New mill", description="Shown to MONDIACULT visitors.")
    f.MonumentFactory(name="Third mill", description="Nothing to do with it.")
    assert sorted(names(Monument.objects.search("Mondia", prefix=True))) == ["New mill", "Old mill"]
    assert names(Monument.objects.search("mondia deleg", prefix=True)) == ["Old mill"]
    assert names(Monument.objects.search("Mondia")) == []
    assert names(Monument.objects.search("MONDIACULT")) != []


def test_admin_search_and_autocomplete_match_by_prefix(postgres_only, client, superuser):
    f.EventFactory(name="World Conference on Cultural Policies", short_name="MONDIACULT 2022")
    f.EventFactory(name="Another conference")
    f.MeetingFactory(title="Talks", summary="Agreed during the MONDIACULT week.")
    f.MeetingFactory(title="Other talks", summary="Agreed later.")
    client.force_login(superuser)
    response = client.get(reverse("admin:meetings_meeting_changelist"), {"q": "mondia"})
    assert [m.title for m in response.context["cl"].result_list] == ["Talks"]
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Mondia", "app_label": "meetings", "model_name": "meeting", "field_name": "event"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["MONDIACULT 2022"]


def test_prefix_search_uses_the_simple_configuration_whatever_the_servers_default(postgres_only):
    # The register is multilingual: no English stop words or stemming (PostgreSQL's default configuration is often
    # English, where "over" is a stop word and the query would be empty).
    f.MonumentFactory(name="Old mill", description="Rebuilt over the ruins.")
    f.MonumentFactory(name="New mill", description="Nothing here.")
    assert names(Monument.objects.search("over", prefix=True)) == ["Old mill"]
    assert names(Monument.objects.search("over the", prefix=True)) == ["Old mill"]
