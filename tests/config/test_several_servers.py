"""Two app servers (real gunicorn processes) in front of one PostgreSQL and one Redis, as docs/operators/scaling.md
deploys them: a reader sent to either sees the same register, a change clears the pages of both, a client's 304,
its rate limit and a staff session hold whichever server answers.

Needs PostgreSQL (each server has its own connections to the test database, so the data is committed) and Redis:
.ci/run runs it with REDIS_URL=redis://127.0.0.1:6379/15 and DATABASE_URL on PostgreSQL."""

import http.client
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from heritage.models import PublishStatus
from tests import factories as f
from tests.heritage.test_faults import gunicorn

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 8


def request(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def servers(postgres_only, static_root, tmp_path):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: .ci/run runs this with REDIS_URL=redis://127.0.0.1:6379/15")
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    shared = {
        # One secret for all, as a deployment has it (sessions and signatures are checked by every server).
        "SECRET_KEY": settings.SECRET_KEY,
        "REDIS_URL": settings.REDIS_URL,
        "PAGE_CACHE_SECONDS": "60",
        "RATE_LIMIT_REQUESTS": str(LIMIT),
        # What a second machine must reach too: a shared volume in a real deployment.
        "IMPORT_FILES_DIR": str(tmp_path / "imports"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(url, static_root, **shared)) for _ in range(2)]


def test_a_change_clears_the_pages_of_every_server(servers):
    first, second = servers
    monument = f.MonumentFactory(name="Juma Mosque", slug="juma-mosque")
    for port in servers:  # both draw the page and keep it in the shared cache
        status, _, body = request(port, "/monuments/juma-mosque/")
        assert status == 200 and "Juma Mosque" in body
    monument.status = PublishStatus.DRAFT
    monument.save()
    for port in servers:
        assert request(port, "/monuments/juma-mosque/")[0] == 404


def test_a_304_from_either_server(servers):
    first, second = servers
    f.MonumentFactory(name="Juma Mosque", slug="juma-mosque")
    _, headers, _ = request(first, "/api/v1/monuments/")
    status, again, body = request(second, "/api/v1/monuments/", {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, "")
    assert again["ETag"] == headers["ETag"]


def test_one_client_is_counted_once_across_servers(servers):
    statuses = [request(servers[n % 2], "/monuments/")[0] for n in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]


def test_a_staff_session_holds_on_either_server(servers, publisher):
    client = Client()
    client.force_login(publisher)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    for port in servers:
        status, _, body = request(port, "/" + settings.ADMIN_URL, {"Cookie": cookie})
        assert status == 200, body[:300]
        assert "publisher" in body
