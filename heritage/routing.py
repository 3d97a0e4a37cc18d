"""Read replicas: public reads go to a healthy PostgreSQL replica, everything else to the primary.

Only a request that ``ReplicaReadsMiddleware`` marks as a public read (GET or HEAD, outside the admin, from a
reader not pinned to the primary) reads from a replica; a command, a migration, the admin, every write and every
read inside a transaction on the primary (``transaction.atomic()``: a read inside a write) use ``default``.
After a request that may have written (any other method), the reader's browser carries a signed cookie that pins
its reads to the primary for ``REPLICA_PIN_SECONDS``, so staff see their own changes at once.

A replica is used only while it answers and replays within ``REPLICA_MAX_LAG_SECONDS`` of the primary (checked at
most every ``REPLICA_CHECK_SECONDS`` per process); one that does not is skipped with a log line, and a request
whose replica fails mid-way is drawn again from the primary: never a 500.
"""

import contextvars
import logging
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from heritage.faults import is_outage

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")
PIN_COOKIE = "primary_reads"
PIN_SALT = "heritage.routing.pin"
# Apps whose rows are written by the request that reads them (log-ins, sessions, lock-outs, history): always the
# primary, or a reader who has just logged in would look logged out until the replica caught up.
PRIMARY_ONLY_APPS = {"admin", "auth", "axes", "contenttypes", "reversion", "sessions"}


@dataclass
class _Reads:
    """What the current request may read from: set by the middleware, cleared when the response is finished."""

    from_replica: bool = False
    alias: str | None = None  # the replica this request chose, kept for all its reads
    used: bool = False  # whether a query was sent to it
    skipped: set = field(default_factory=set)


_reads = contextvars.ContextVar("heritage_replica_reads", default=None)
# alias -> (checked at, healthy): each process checks a replica at most every REPLICA_CHECK_SECONDS.
_health = {}


def replica_aliases():
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def _lag_seconds(alias):
    """How far ``alias`` is behind the primary, in seconds (0 when it has replayed everything the primary wrote)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # The primary first: a replica that has replayed this position is not behind, whatever the time of the
        # last transaction it replayed (on a quiet primary that can be hours ago).
        cursor.execute("SELECT pg_current_wal_lsn()")
        (primary_lsn,) = cursor.fetchone()
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
            "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
            [primary_lsn],
        )
        in_recovery, caught_up, replay_age = cursor.fetchone()
    if not in_recovery:
        raise DatabaseError(f"{alias} is not a replica (it is not in recovery)")
    if caught_up:
        return 0.0
    return float("inf") if replay_age is None else float(replay_age)


def _check(alias):
    """Whether ``alias`` answers and is within the lag limit; logs why not."""
    try:
        lag = _lag_seconds(alias)
    except Exception as error:  # down, refusing connections, misconfigured: skip it, never fail the page
        logger.warning("Replica %s skipped: it cannot be reached (%s)", alias, str(error).strip() or type(error))
        _close(alias)
        return False
    limit = settings.REPLICA_MAX_LAG_SECONDS
    if lag > limit:
        logger.warning("Replica %s skipped: it is %.1f s behind the primary (limit %s s)", alias, lag, limit)
        return False
    return True


def healthy(alias):
    checked_at, ok = _health.get(alias, (None, False))
    now = time.monotonic()
    if checked_at is None or now - checked_at >= settings.REPLICA_CHECK_SECONDS:
        ok = _check(alias)
        _health[alias] = (now, ok)
    return ok


def mark_down(alias):
    """Skip ``alias`` until its next check (it failed in the middle of a request)."""
    _health[alias] = (time.monotonic(), False)
    _close(alias)


def _close(alias):
    """Drop the connection to a replica that failed, so that its next check connects afresh."""
    try:
        connections[alias].close()
    except Exception:  # closing a broken connection may fail too: nothing more to do with it
        pass


def forget_health():
    """Check every replica afresh on the next read (for tests and after changing the replicas)."""
    _health.clear()


def _choose(reads):
    candidates = [alias for alias in replica_aliases() if alias not in reads.skipped]
    random.shuffle(candidates)  # spread the readers over the replicas
    for alias in candidates:
        if healthy(alias):
            return alias
        reads.skipped.add(alias)
    if candidates:
        logger.warning("No replica is usable: reading from the primary")
    return DEFAULT_DB_ALIAS


def read_alias():
    """The database the current code should read from (``default`` unless this is a public read)."""
    reads = _reads.get()
    if reads is None or not reads.from_replica or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if reads.alias is None:
        reads.alias = _choose(reads)
    if reads.alias != DEFAULT_DB_ALIAS:
        reads.used = True
    return reads.alias


def drawn_from_replica():
    """Whether the current request has read from a replica (so what it drew may be up to the lag limit old)."""
    reads = _reads.get()
    return reads is not None and reads.used


def stale_window_seconds():
    """How long after a change a replica may still show the register as it was before."""
    return settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_CHECK_SECONDS


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry when ``DATABASE_REPLICA_URLS`` is set."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Related rows come from where their record came from: one page, one snapshot.
            return instance._state.db
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _pinned(request):
    try:
        until = request.get_signed_cookie(PIN_COOKIE, salt=PIN_SALT)
        return float(until) > time.time()
    except (KeyError, ValueError, signing.BadSignature):
        return False


def _public_read(request):
    return (
        request.method in SAFE_METHODS
        and not request.path_info.startswith("/" + settings.ADMIN_URL)
        and not _pinned(request)
    )


def _finished(**kwargs):
    _reads.set(None)


# When the response is finished: a streamed export reads after the middleware has returned, so the request's
# choice holds until then, and code that runs afterwards in this thread reads from the primary again.
request_finished.connect(_finished, dispatch_uid="heritage.routing.finished")


class ReplicaReadsMiddleware:
    """Marks public reads for the replicas and pins readers who have just written to the primary. After
    heritage.faults.DatabaseUnavailableMiddleware, so that a failed replica is retried on the primary before a
    lost connection becomes the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        _reads.set(_Reads(from_replica=_public_read(request)))
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_signed_cookie(
                PIN_COOKIE,
                str(time.time() + seconds),
                salt=PIN_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        reads = _reads.get()
        if reads is None or not reads.used or not is_outage(exception):
            return None
        logger.warning(
            "Replica %s failed on %s (%s): drawing it from the primary", reads.alias, request.path, exception
        )
        mark_down(reads.alias)
        _reads.set(_Reads(from_replica=False))
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
