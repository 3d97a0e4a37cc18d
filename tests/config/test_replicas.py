"""The database router against a real streaming replica (heritage.routing).

Run with ``DATABASE_URL`` the primary and ``DATABASE_REPLICA_URLS`` a replica of it (``.ci/replica`` makes one on
port 5433; `.ci/run` runs this file so). Without a replica every test here is skipped, saying why; with
``REQUIRE_REPLICA=1`` (CI) they fail instead. ``REPLICA_CLUSTER`` ("15 replica") lets one test stop and start the
replica itself.
"""

import logging
import os
import subprocess
import time

import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heritage import routing
from monuments.models import Monument
from tests import factories as f
from tests.monuments.test_location_guard import form_data

REPLICA = "replica1"


def _require_replica():
    if not getattr(settings, "DATABASE_REPLICAS", None):
        reason = (
            "no replica configured: run .ci/replica, then set DATABASE_URL=postgres://…@127.0.0.1:5432/<db> and "
            "DATABASE_REPLICA_URLS=postgres://…@127.0.0.1:5433/<db>"
        )
        if os.environ.get("REQUIRE_REPLICA") == "1":
            pytest.fail(f"REQUIRE_REPLICA=1 but {reason}")
        pytest.skip(reason)


# Without a replica there is no alias to name: the tests then skip (or fail, in CI) in the fixture below.
pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA] if REPLICA in settings.DATABASES else None)
]


@pytest.fixture(autouse=True)
def replica(settings):
    _require_replica()
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.REPLICA_MAX_LAG_SECONDS = 5
    settings.REPLICA_CHECK_SECONDS = 0  # check before every request: each test sees the replica as it is now
    routing.forget_health()
    yield REPLICA
    routing.forget_health()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_wal_replay_paused()")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT pg_wal_replay_resume()")


def replicated(predicate, seconds=15):
    """Wait until ``predicate()`` holds on the replica (streaming replication takes milliseconds here)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the replica did not replay the change in time"
        time.sleep(0.05)


def on_replica(pk):
    return Monument.objects.using(REPLICA).filter(pk=pk).exists()


def queries(context):
    return [query["sql"] for query in context.captured_queries if "monuments_monument" in query["sql"]]


def get(client, url):
    """The response to ``url`` (its body read: a streamed export reads as it is sent) and the queries of the
    monuments table it sent to the primary and to the replica."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as copy:
        response = client.get(url)
        response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, queries(primary), queries(copy)


def pause_replay():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def test_a_write_is_visible_on_the_replica_and_anonymous_pages_read_it_there(client):
    monument = f.MonumentFactory(name="Replicated Bridge")
    replicated(lambda: on_replica(monument.pk))
    for url in (monument.get_absolute_url(), reverse("monuments:monument_list"), reverse("monuments:export_csv")):
        response, from_primary, from_replica = get(client, url)
        assert response.status_code == 200, url
        assert b"Replicated Bridge" in response.body, url
        assert from_replica and not from_primary, url


def test_the_admin_commands_writes_and_reads_inside_a_write_use_the_primary(admin_client):
    assert router.db_for_read(Monument) == "default"  # outside a request: a command
    assert router.db_for_write(Monument) == "default"
    assert not router.allow_migrate(REPLICA, "monuments")
    assert router.allow_migrate("default", "monuments")
    monument = f.MonumentFactory(name="Staff Mosque")
    response, from_primary, from_replica = get(admin_client, reverse("admin:monuments_monument_changelist"))
    assert response.status_code == 200
    assert from_primary and not from_replica
    with transaction.atomic():
        assert Monument.objects.get(pk=monument.pk).name == "Staff Mosque"
        assert router.db_for_read(Monument) == "default"


def test_staff_read_their_own_write_from_the_primary_while_the_replica_lags(client, admin_user):
    monument = f.MonumentFactory(name="Old Name")
    replicated(lambda: on_replica(monument.pk))
    pause_replay()
    client.force_login(admin_user)
    change = reverse("admin:monuments_monument_change", args=[monument.pk])
    response = client.post(change, form_data(monument, name="New Name"))
    assert response.status_code == 302
    assert routing.PIN_COOKIE in response.cookies
    assert Monument.objects.using(REPLICA).get(pk=monument.pk).name == "Old Name"  # the replica has not seen it

    response, from_primary, from_replica = get(client, monument.get_absolute_url())
    assert b"New Name" in response.body
    assert from_primary and not from_replica

    # A reader without the pin reads the replica, within its lag limit.
    client.cookies.pop(routing.PIN_COOKIE)
    response, from_primary, from_replica = get(client, monument.get_absolute_url())
    assert b"Old Name" in response.body
    assert from_replica and not from_primary


def test_a_pin_cookie_that_is_not_ours_pins_nothing(client):
    monument = f.MonumentFactory()
    replicated(lambda: on_replica(monument.pk))
    client.cookies[routing.PIN_COOKIE] = str(time.time() + 3600)
    response, from_primary, from_replica = get(client, monument.get_absolute_url())
    assert response.status_code == 200
    assert from_replica and not from_primary


def test_a_replica_lagging_past_the_limit_is_skipped_with_a_log_line(client, settings, caplog):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    monument = f.MonumentFactory(name="Lagging Tower")
    replicated(lambda: on_replica(monument.pk))
    pause_replay()
    Monument.objects.filter(pk=monument.pk).update(name="Renamed Tower")
    time.sleep(1.5)
    with caplog.at_level(logging.WARNING, logger="heritage.routing"):
        response, from_primary, from_replica = get(client, monument.get_absolute_url())
    assert response.status_code == 200
    assert b"Renamed Tower" in response.body
    assert from_primary and not from_replica
    assert f"Replica {REPLICA} skipped: it is" in caplog.text
    assert "behind the primary (limit 1 s)" in caplog.text


def test_a_replica_that_cannot_be_reached_is_skipped_with_a_log_line(client, settings, caplog):
    down = "replica_down"
    connections.settings[down] = {**connections[REPLICA].settings_dict, "PORT": "1"}
    settings.DATABASE_REPLICAS = [down]
    try:
        monument = f.MonumentFactory(name="Unreached Gate")
        with caplog.at_level(logging.WARNING, logger="heritage.routing"):
            response = client.get(monument.get_absolute_url())
        assert response.status_code == 200
        assert b"Unreached Gate" in response.content
        assert f"Replica {down} skipped: it cannot be reached" in caplog.text
        assert "No replica is usable: reading from the primary" in caplog.text
    finally:
        connections[down].close()
        del connections[down]
        del connections.settings[down]


def test_a_replica_stopped_between_checks_falls_back_to_the_primary(client, settings, caplog):
    cluster = os.environ.get("REPLICA_CLUSTER", "").split()
    if len(cluster) != 2:
        if os.environ.get("REQUIRE_REPLICA") == "1":
            pytest.fail('REQUIRE_REPLICA=1 but REPLICA_CLUSTER ("<version> <name>") is not set')
        pytest.skip('REPLICA_CLUSTER ("<version> <name>") is not set: this test stops and starts the replica')
    settings.REPLICA_CHECK_SECONDS = 3600  # checked once, healthy: the next request finds it gone mid-page
    monument = f.MonumentFactory(name="Stopped Fort")
    replicated(lambda: on_replica(monument.pk))
    response, _, from_replica = get(client, monument.get_absolute_url())
    assert from_replica
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "stop", "-m", "fast"], check=True)
    try:
        with caplog.at_level(logging.WARNING, logger="heritage.routing"):
            response = client.get(monument.get_absolute_url())
        assert response.status_code == 200
        assert b"Stopped Fort" in response.content
        assert f"Replica {REPLICA} failed on {monument.get_absolute_url()}" in caplog.text
        response = client.get(reverse("monuments:monument_list"))  # skipped now, until its next check
        assert response.status_code == 200
    finally:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"], check=True)
        connections[REPLICA].close()
        for _ in range(60):
            try:
                connections[REPLICA].ensure_connection()
                break
            except Exception:
                time.sleep(0.5)
