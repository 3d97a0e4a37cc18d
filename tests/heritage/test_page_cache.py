"""The public page cache: served to anonymous readers with every header, never to staff, cleared by every change."""

import datetime
import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage.models import PublishStatus
from heritage.pagecache import PublicPageCacheMiddleware
from monuments.models import Condition, Monument
from tests import factories as f
from tests.heritage.test_security import assert_security_headers
from tests.public import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    if not settings.REDIS_URL:  # with REDIS_URL (a step of .ci/run) the page cache is tested on Redis
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-default"},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
        }
    caches["pages"].clear()


@pytest.fixture
def monument():
    return f.MonumentFactory(name="Govhar Agha Mosque")


def test_a_second_reader_gets_the_page_from_the_cache_with_every_security_header(
    client, monument, django_assert_num_queries
):
    url = monument.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert_security_headers(second)
    assert not second.cookies
    # Only our cache holds the page: no browser or proxy may keep it past an unpublish.
    assert "max-age" not in second.headers.get("Cache-Control", "")


def test_unpublishing_hides_a_cached_record_at_once(client, monument):
    url = monument.get_absolute_url()
    assert client.get(url).status_code == 200
    assert "Govhar Agha Mosque" in body(client.get("/monuments/"))
    monument.status = PublishStatus.DRAFT
    monument.save()
    assert client.get(url).status_code == 404
    assert "Govhar Agha Mosque" not in body(client.get("/monuments/"))


def test_unpublishing_through_the_admin_hides_a_cached_record_at_once(client, monument, superuser):
    url = monument.get_absolute_url()
    assert client.get(url).status_code == 200
    staff = Client()
    staff.force_login(superuser)
    changelist = reverse("admin:monuments_monument_changelist")
    staff.post(changelist, {"action": "unpublish", "_selected_action": [monument.pk]})
    assert Monument.objects.get(pk=monument.pk).status == PublishStatus.DRAFT
    assert client.get(url).status_code == 404


def test_edits_and_related_records_show_at_once(client, monument):
    url = monument.get_absolute_url()
    assert "Govhar Agha Mosque" in body(client.get(url))
    monument.name = "Govhar Agha Juma Mosque"
    monument.save()
    assert "Govhar Agha Juma Mosque" in body(client.get(url))
    # A condition assessment is another model: saving it clears the monument's page too.
    f.ConditionAssessmentFactory(
        monument=monument, condition=Condition.DESTROYED, observed_on=datetime.date(2024, 1, 1), assessed_by="Team X"
    )
    assert "Team X" in body(client.get(url))


def test_a_new_relation_shows_at_once(client):
    meeting = f.MeetingFactory(title="Talks on heritage")
    url = meeting.get_absolute_url()
    client.get(url)
    meeting.topics.add(f.TopicFactory(name="Restoration of mosques"))
    assert "Restoration of mosques" in body(client.get(url))


def test_logged_in_users_are_never_served_from_nor_stored_in_the_cache(client, monument, superuser):
    url = monument.get_absolute_url()
    staff = Client()
    staff.force_login(superuser)
    staff.get(url)
    # The staff member's page was not stored: an anonymous reader's first request draws its own.
    with CaptureQueriesContext(connection) as anonymous:
        client.get(url)
    assert len(anonymous) > 0
    # And staff never get the anonymous readers' copy.
    with CaptureQueriesContext(connection) as logged_in:
        staff.get(url)
    assert len(logged_in) > 0


def test_a_response_that_sets_a_cookie_is_not_stored():
    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("hello")
        response.set_cookie("flavour", "oat")
        return response

    middleware = PublicPageCacheMiddleware(view)
    for _ in range(2):
        assert middleware(RequestFactory().get("/monuments/")).cookies["flavour"].value == "oat"
    assert len(calls) == 2


def test_off_when_the_setting_is_zero(client, monument, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = monument.get_absolute_url()
    client.get(url)
    Monument.objects.filter(pk=monument.pk).update(name="Renamed without signals")
    assert "Renamed without signals" in body(client.get(url))


def test_an_unreachable_cache_neither_breaks_pages_nor_saves(client, monument, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    url = monument.get_absolute_url()
    assert client.get(url).status_code == 200
    monument.status = PublishStatus.DRAFT
    monument.save()
    assert client.get(url).status_code == 404
    assert "The page cache could not be" in caplog.text


@pytest.mark.django_db(transaction=True)  # pg_restore commits in its own process
def test_a_restore_clears_pages_drawn_from_the_data_it_replaces(client, monument, tmp_path, django_assert_num_queries):
    backup_file = tmp_path / "before-the-rename.backup"
    call_command("backup", "--output", str(backup_file), stdout=io.StringIO())
    monument.name = "Renamed after the backup"
    monument.save()
    url = monument.get_absolute_url()
    assert "Renamed after the backup" in body(client.get(url))
    with django_assert_num_queries(0):  # the page is now in the cache
        assert "Renamed after the backup" in body(client.get(url))

    call_command("restore", str(backup_file), "--no-input", stdout=io.StringIO())
    page = body(client.get(url))
    assert "Govhar Agha Mosque" in page and "Renamed after the backup" not in page


def test_a_page_drawn_from_a_replica_soon_after_a_change_is_not_kept(
    client, monument, settings, monkeypatch, django_assert_num_queries
):
    # The replica may not have replayed the change yet (heritage.routing): kept, its page could outlive the
    # replica's few seconds of lag by PAGE_CACHE_SECONDS. tests/config/test_replicas.py has the real replica.
    from heritage import pagecache, routing

    settings.REPLICA_MAX_LAG_SECONDS, settings.REPLICA_CHECK_SECONDS = 5, 5
    monkeypatch.setattr(routing, "drawn_from_replica", lambda: True)
    url = monument.get_absolute_url()
    monument.save()  # a change: a new generation, begun now
    client.get(url)
    with CaptureQueriesContext(connection) as drawn_again:
        client.get(url)
    assert len(drawn_again) > 0
    # Ten seconds on, every replica within the limit has replayed the change: the page is kept.
    generation = caches["pages"].get(pagecache.GENERATION_KEY)
    uuid, began = generation.split("-", 1)
    caches["pages"].set(pagecache.GENERATION_KEY, f"{uuid}-{float(began) - 11}", timeout=None)
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)
    monkeypatch.setattr(routing, "drawn_from_replica", lambda: False)
    monument.save()
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)  # drawn from the primary: kept at once
