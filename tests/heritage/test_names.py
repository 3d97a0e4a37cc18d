"""Names in several languages: the reader's language's name with the original beside it, each marked with its own
``lang``; alternative names tagged with their language side by side; every name finds the record; staff edit them
in the admin and in imports; the API and the export carry them."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.importers import PersonImport
from meetings.models import Person
from monuments.importers import MonumentImport
from monuments.models import Monument
from sitewide.register_extract import extract_rows
from tests import factories as f
from tests.heritage.test_admin import admin_url, monument_data
from tests.heritage.test_imports import run

pytestmark = pytest.mark.django_db

FORTRESS = {
    "name": "Şuşa qalası",
    "name_language": "az",
    "name_ru": "Шушинская крепость",
    "name_en": "Shusha Fortress",
    "alternative_names": "hy: Շուշիի բերդ\nPanahabad qalası",
}


@pytest.fixture
def fortress():
    fort_type = f.MonumentTypeFactory(name="Fortress", name_language="en", name_ru="Крепость", name_az="Qala")
    return f.MonumentFactory(slug="shusha-fortress", monument_type=fort_type, **FORTRESS)


def heading(body):
    return re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)


def test_a_russian_reader_sees_the_russian_name_with_the_original_beside_it_in_its_language(client, fortress):
    body = client.get("/ru/monuments/shusha-fortress/").content.decode()
    assert heading(body) == 'Шушинская крепость <span class="name-original">(<span lang="az">Şuşa qalası</span>)</span>'
    assert "<title>Шушинская крепость" in body
    # The type in Russian; the alternative names side by side, the Armenian one marked as Armenian.
    assert '>Крепость <span class="name-original">(<span lang="en">Fortress</span>)</span></a>' in body
    assert '<span lang="hy">Շուշիի բերդ</span>, Panahabad qalası' in body


def test_the_original_alone_where_the_reader_reads_its_language(client, fortress):
    body = client.get("/az/monuments/shusha-fortress/").content.decode()
    assert heading(body) == "Şuşa qalası"  # the page's language: no lang of its own
    assert '>Qala <span class="name-original">(<span lang="en">Fortress</span>)</span></a>' in body


def test_a_spanish_reader_without_a_spanish_name_gets_the_original_marked_as_azerbaijani(client, fortress):
    body = client.get("/es/monuments/shusha-fortress/").content.decode()
    assert heading(body) == '<span lang="az">Şuşa qalası</span>'
    assert '<span lang="en">Fortress</span></a>' in body  # the type's original name, in English


def test_list_items_show_the_readers_name_and_cost_no_more_queries(client, fortress):
    f.MonumentFactory.create_batch(3)
    with CaptureQueriesContext(connection) as english:
        client.get("/en/monuments/")
    with CaptureQueriesContext(connection) as russian:
        body = client.get("/ru/monuments/").content.decode()
    assert '>Шушинская крепость <span class="name-original">(<span lang="az">Şuşa qalası</span>)</span></a>' in body
    assert len(russian) == len(english)


def test_people_organizations_events_and_topics_show_their_names_in_the_readers_language(client):
    person = f.PersonFactory(slug="anar", name="Anar Kərimov", name_language="az", name_ru="Анар Керимов")
    org = f.OrganizationFactory(slug="ministry", name="Mədəniyyət Nazirliyi", name_language="az", name_ru="Минкульт")
    event = f.EventFactory(slug="forum", name="Bakı Forumu", name_language="az", name_ru="Бакинский форум")
    topic = f.TopicFactory(slug="heritage", name="Heritage", name_language="en", name_ru="Наследие")
    meeting = f.MeetingFactory(event=event)
    meeting.topics.add(topic)
    f.ParticipantFactory(meeting=meeting, person=person, organization=org)
    pages = {
        "meetings:person_detail": ("anar", "Анар Керимов", "az", "Anar Kərimov"),
        "meetings:organization_detail": ("ministry", "Минкульт", "az", "Mədəniyyət Nazirliyi"),
        "meetings:event_detail": ("forum", "Бакинский форум", "az", "Bakı Forumu"),
        "meetings:topic_detail": ("heritage", "Наследие", "en", "Heritage"),
    }
    for view, (slug, russian, language, original) in pages.items():
        body = client.get("/ru" + reverse(view, args=[slug])).content.decode()
        assert f'{russian} <span class="name-original">(<span lang="{language}">{original}</span>)</span>' in body, view
    # On the meeting's page the participant and the topic too.
    body = client.get("/ru" + meeting.get_absolute_url()).content.decode()
    assert ">Анар Керимов <span" in body and ">Наследие <span" in body


@pytest.fixture
def shusha():
    region = f.PlaceFactory(name="Qarabağ", name_language="az", name_ru="Карабах", kind="region")
    return f.PlaceFactory(name="Şuşa", name_language="az", name_ru="Шуша", parent=region)


SHUSHA_RU = (
    'Шуша <span class="name-original">(<span lang="az">Şuşa</span>)</span>, '
    'Карабах <span class="name-original">(<span lang="az">Qarabağ</span>)</span>'
)


def test_places_show_their_names_in_the_readers_language_as_other_records_do(client, shusha):
    """A place and the place it lies in, each in the reader's language with the original beside it, on the
    monument's page and list, the meeting's page and list and the event's page."""
    f.MonumentFactory(slug="fort", name="Fort", name_language="en", place=shusha)
    event = f.EventFactory(slug="forum", place=shusha)
    meeting = f.MeetingFactory(place=shusha, event=event, title="Talks in Shusha")
    for url in [
        "/ru/monuments/fort/",
        "/ru/monuments/",
        "/ru" + meeting.get_absolute_url(),
        "/ru/meetings/",
        "/ru" + reverse("meetings:event_detail", args=["forum"]),
    ]:
        assert SHUSHA_RU in client.get(url).content.decode(), url
    # The site search names its results as the lists do: the monument's English name marked as English.
    assert '<span lang="en">Fort</span></a>' in client.get("/ru/search/", {"q": "Fort"}).content.decode()
    # In the place's own language, the name alone, unmarked; in Spanish (no Spanish name) the original, marked.
    assert ">Şuşa, Qarabağ</a>" in client.get("/az/monuments/fort/").content.decode()
    spanish = '<span lang="az">Şuşa</span>, <span lang="az">Qarabağ</span>'
    assert spanish in client.get("/es/monuments/fort/").content.decode()


def test_a_place_in_russian_costs_no_more_queries(client, shusha):
    f.MonumentFactory.create_batch(3, place=shusha)
    with CaptureQueriesContext(connection) as english:
        client.get("/en/monuments/")
    with CaptureQueriesContext(connection) as russian:
        body = client.get("/ru/monuments/").content.decode()
    assert SHUSHA_RU in body and len(russian) == len(english)


def test_every_name_finds_the_record(fortress):
    for query in ["Шушинская крепость", "Շուշիի", "Panahabad", "Shusha Fortress", "Şuşa"]:
        assert list(Monument.objects.search(query)) == [fortress], query
    # The type's names find its monuments too.
    assert fortress in Monument.objects.search("Крепость")


def test_the_public_search_finds_a_record_by_its_russian_name(client, fortress):
    body = client.get("/ru/monuments/?q=Шушинская").content.decode()
    assert "/ru/monuments/shusha-fortress/" in body


def test_the_admin_has_a_collapsed_fieldset_of_the_names(client, superuser):
    client.force_login(superuser)
    body = client.get(admin_url(Monument, "add")).content.decode()
    fieldset = body.split("Names in other languages")[0].rsplit("<fieldset", 1)[1]
    assert "collapse" in fieldset
    for field in ["name_language", "name_az", "name_en", "name_ru", "name_es"]:
        assert f'name="{field}"' in body


def test_the_admin_saves_the_names(client, superuser):
    client.force_login(superuser)
    data = monument_data(name="Gəncə qalası", name_language="az", name_ru="Гянджинская крепость")
    data["alternative_names"] = "hy: Գանձակի բերդ"
    response = client.post(admin_url(Monument, "add"), data)
    assert response.status_code == 302
    monument = Monument.objects.get()
    assert (monument.name_ru, monument.name_language) == ("Гянджинская крепость", "az")
    assert monument in Monument.objects.search("Гянджинская")


@pytest.mark.parametrize(
    "overrides, field, named",
    [
        ({"alternative_names": "armenian: Շուշի"}, "alternative_names", "“armenian”"),
        ({"name_language": "Azeri"}, "name_language", "“Azeri”"),
    ],
)
def test_a_bad_language_tag_is_refused_naming_it_and_the_valid_form(client, superuser, overrides, field, named):
    client.force_login(superuser)
    response = client.post(admin_url(Monument, "add"), monument_data(name="Şuşa", **overrides))
    assert response.status_code == 200
    message = str(response.context["adminform"].form.errors[field])
    assert named in message and "ISO 639" in message
    if field == "alternative_names":
        assert "hy: Շուշի" in message
    assert not Monument.objects.exists()


def test_imports_read_a_column_per_language(superuser):
    f.MonumentTypeFactory(name="Mosque", slug="mosque")
    header = ["name", "monument_type", "name_language", "name_ru", "name_en", "alternative_names"]
    row = ["Cümə məscidi", "mosque", "az", "Джума-мечеть", "Juma Mosque", "ka: ჯუმა მეჩეთი"]
    result = run(MonumentImport(user=superuser), header, [row], dry_run=False)
    assert result.committed, [r.errors for r in result.invalid]
    monument = Monument.objects.get()
    assert (monument.name_language, monument.name_ru, monument.name_en) == ("az", "Джума-мечеть", "Juma Mosque")
    assert monument in Monument.objects.search("Джума") and monument in Monument.objects.search("ჯუმა")
    person = ["Хрущёв", "ru", "Khrushchev", "Xruşşov"]
    result = run(PersonImport(user=superuser), ["name", "name_language", "name_en", "name_az"], [person], False)
    assert result.committed and Person.objects.get().name_az == "Xruşşov"


def test_an_import_refuses_a_bad_language_naming_the_column_and_value(superuser):
    f.MonumentTypeFactory(name="Mosque", slug="mosque")
    result = run(MonumentImport(user=superuser), ["name", "monument_type", "name_language"], [["X", "mosque", "Az1"]])
    [row] = result.invalid
    assert row.errors[0].startswith("name_language: “Az1” is not a language code")
    header = ["name", "monument_type", "alternative_names"]
    result = run(MonumentImport(user=superuser), header, [["X", "mosque", "xx-long1: Y"]], dry_run=False)
    [row] = result.invalid
    assert row.errors[0].startswith("alternative_names: “xx-long1” is not a language code")
    assert not Monument.objects.exists()


def test_the_export_and_the_api_carry_the_names(client, fortress):
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/monuments/export.csv").streaming_content).decode())))
    assert (rows[0]["name_ru"], rows[0]["name_language"], rows[0]["name_es"]) == ("Шушинская крепость", "az", "")
    data = json.loads(client.get("/api/v1/monuments/shusha-fortress/").content)
    assert data["name_language"] == "az"
    assert data["names"] == {"az": "Şuşa qalası", "en": "Shusha Fortress", "ru": "Шушинская крепость", "es": None}


def test_the_demo_register_extract_names_its_monuments_in_azerbaijani():
    header, rows = extract_rows()
    assert len(rows) > 800 and {row["name_language"] for _number, row in rows} == {"az"}
    assert "name_language" in header


def test_linked_data_gives_each_other_name_with_its_language(client, fortress):
    body = client.get("/monuments/shusha-fortress/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert {"@value": "Շուշիի բերդ", "@language": "hy"} in data["alternateName"]
    assert {"@value": "Шушинская крепость", "@language": "ru"} in data["alternateName"]
    assert "Panahabad qalası" in data["alternateName"]
