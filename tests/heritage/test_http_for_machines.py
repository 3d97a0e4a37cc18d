"""HTTP done right for machines: 304s from the register's validators, CORS on the machine-readable addresses only,
rate limiting per client with 429 and Retry-After (off for staff), and the shared cache on Redis when configured."""

import datetime
import math
import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from heritage import pagecache
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def monument():
    return f.MonumentFactory(name="Govhar Agha Mosque")


# ETag and Last-Modified


@pytest.mark.parametrize(
    "name", ["monuments:monument_list", "monuments:export_csv", "monuments:export_geojson", "api:monument_list"]
)
def test_a_client_holding_the_current_etag_gets_a_304_without_a_query(
    client, monument, name, django_assert_num_queries
):
    first = client.get(reverse(name))
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(0):
        again = client.get(reverse(name), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""


def test_any_change_to_the_register_gives_new_validators(client, monument):
    url = reverse("monuments:monument_detail", args=[monument.slug])
    etag = client.get(url)["ETag"]
    monument.name = "Gövhər Ağa məscidi"
    monument.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Gövhər Ağa məscidi" in changed.content.decode()


def test_the_tag_differs_by_address_query_and_language(client, monument):
    url = reverse("monuments:monument_list")
    tags = {
        client.get(url)["ETag"],
        client.get(url + "?q=mosque")["ETag"],
        client.get(url, HTTP_ACCEPT_LANGUAGE="ru")["ETag"],
    }
    assert len(tags) == 3


def test_last_modified_is_when_the_register_last_changed_and_if_modified_since_is_honoured(client, monument):
    began = time.time() - 3600
    caches[pagecache.CACHE_ALIAS].set(pagecache.GENERATION_KEY, f"earlier-{began:.3f}", timeout=None)
    url = reverse("monuments:monument_list")
    response = client.get(url)
    midnight = datetime.datetime.combine(datetime.datetime.now(datetime.UTC).date(), datetime.time.min, datetime.UTC)
    assert response["Last-Modified"] == http_date(max(math.ceil(began), int(midnight.timestamp())))
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(began - 60)).status_code == 200


def test_a_new_day_gives_new_validators(client, monument):
    # A record page cites itself as "accessed on" today: yesterday's copy is not current.
    url = reverse("monuments:monument_detail", args=[monument.slug])
    etag = client.get(url)["ETag"]
    tomorrow = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1)
    with mock.patch("heritage.pagecache._today", return_value=tomorrow):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_no_last_modified_within_the_second_of_a_change(client, monument):
    # A second change in the same second would get the same date and be answered with a stale 304.
    caches[pagecache.CACHE_ALIAS].set(pagecache.GENERATION_KEY, f"now-{time.time() + 5:.3f}", timeout=None)
    response = client.get(reverse("monuments:monument_list"))
    assert "ETag" in response
    assert "Last-Modified" not in response


def test_staff_and_error_pages_get_no_validators(client, publisher, monument):
    assert "ETag" not in client.get("/monuments/no-such-monument/")
    client.force_login(publisher)
    assert "ETag" not in client.get(reverse("monuments:monument_list"))
    assert "ETag" not in client.get(reverse("admin:index"))


def test_a_deployment_forgets_the_validators_of_the_release_before(client, monument):
    from django.core.management import call_command

    url = reverse("monuments:monument_list")
    etag = client.get(url)["ETag"]
    call_command("migrate", verbosity=0)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


# CORS


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/monuments/",
        "/monuments/export.csv",
        "/meetings/export.json",
        "/monuments/map/data.json",
        "/feeds/meetings/",
    ],
)
def test_any_origin_may_get_the_machine_readable_addresses_without_credentials(client, url):
    response = client.get(url, HTTP_ORIGIN="https://research.example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_allows_only_reading(client):
    response = client.options(
        "/api/v1/monuments/", HTTP_ORIGIN="https://research.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("url", ["/admin/login/", "/monuments/", "/"])
def test_the_staff_area_and_the_pages_get_no_cors_header(client, url):
    response = client.get(url, HTTP_ORIGIN="https://attacker.example")
    assert "Access-Control-Allow-Origin" not in response


# Rate limiting


@pytest.fixture
def limit(settings):
    settings.RATE_LIMIT_REQUESTS = 3
    settings.RATE_LIMIT_WINDOW_SECONDS = 60
    caches["shared"].clear()
    return 3


def test_a_client_over_the_limit_gets_429_with_retry_after(client, limit):
    remaining = [client.get("/monuments/")["RateLimit-Remaining"] for _ in range(limit)]
    assert remaining == ["2", "1", "0"]
    refused = client.get("/api/v1/monuments/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "at most 3 in 60 seconds" in refused.content.decode()
    assert refused["RateLimit-Remaining"] == "0"


def test_each_client_address_has_its_own_count(settings, limit):
    settings.TRUSTED_PROXY_COUNT = 1
    one, other = Client(HTTP_X_FORWARDED_FOR="203.0.113.7"), Client(HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _ in range(limit):
        assert one.get("/monuments/").status_code == 200
    assert one.get("/monuments/").status_code == 429
    assert other.get("/monuments/").status_code == 200


def test_pages_served_from_the_page_cache_count_too(settings, client, limit):
    settings.PAGE_CACHE_SECONDS = 60
    statuses = [client.get("/monuments/").status_code for _ in range(limit + 1)]
    assert statuses == [200, 200, 200, 429]


def test_staff_and_health_checks_are_never_limited(client, publisher, limit):
    for _ in range(limit + 2):
        assert client.get("/healthz").status_code == 200
    client.force_login(publisher)
    for _ in range(limit + 2):
        assert client.get("/monuments/").status_code == 200
        assert client.get(reverse("admin:index")).status_code == 200


def test_a_made_up_session_cookie_buys_nothing(client, limit):
    client.cookies["sessionid"] = "made-up"
    statuses = [client.get("/monuments/").status_code for _ in range(limit + 1)]
    assert statuses == [200] * limit + [429]


def test_the_refusal_is_in_the_readers_language(client, limit):
    for _ in range(limit):
        client.get("/monuments/", HTTP_ACCEPT_LANGUAGE="ru")
    refused = client.get("/monuments/", HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    assert refused["Content-Language"] == "ru"


def test_a_limiter_without_its_cache_lets_the_request_through(settings, client, limit):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    assert client.get("/monuments/").status_code == 200


# Several app servers share one Redis


@pytest.fixture
def redis(settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: .ci/run runs this with REDIS_URL=redis://127.0.0.1:6379/15")


def test_with_redis_two_app_servers_count_one_client_together(settings, redis, limit):
    from django.core.cache.backends.redis import RedisCache

    # The second app server: its own connection to the same Redis, as another machine would have.
    other_server = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": settings.CACHES["shared"]["KEY_PREFIX"]})
    client = Client()
    for _ in range(limit):
        client.get("/monuments/")
    window = int(time.time() // 60 * 60)
    assert other_server.get(f"ratelimit:127.0.0.1:{window}") == limit


def test_with_redis_sessions_are_read_through_it(settings, redis, client, publisher):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(publisher)
    assert client.get(reverse("admin:index")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert caches["shared"].get(f"django.contrib.sessions.cached_db{key}") is not None
