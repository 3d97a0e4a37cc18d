"""Settings come from the environment; production refuses to start without a real SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_check(SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_starts_with_a_real_key_and_debug_starts_without_one():
    assert run_check(SECRET_KEY="k" * 50, ALLOWED_HOSTS="example.org").returncode == 0
    assert run_check(DEBUG="1").returncode == 0


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"},
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip().endswith("postgresql")


def test_replicas_need_postgresql_and_a_pin_longer_than_their_lag():
    primary = "postgres://u@127.0.0.1:5432/db"
    result = run_check(DEBUG="1", DATABASE_REPLICA_URLS="postgres://u@127.0.0.1:5433/db")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs DATABASE_URL to be a postgres:// URL" in result.stderr
    result = run_check(DEBUG="1", DATABASE_URL=primary, DATABASE_REPLICA_URLS="sqlite:///copy.sqlite3")
    assert result.returncode != 0
    assert "replica 1 is not a postgres:// URL" in result.stderr
    result = run_check(
        DEBUG="1", DATABASE_URL=primary, DATABASE_REPLICA_URLS="postgres://u@h:5433/db", REPLICA_PIN_SECONDS="8"
    )
    assert result.returncode != 0
    assert "REPLICA_PIN_SECONDS (8) must exceed REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS (10.0)" in result.stderr
    code = (
        "from django.conf import settings as s; print(s.DATABASE_REPLICAS, s.DATABASE_ROUTERS, "
        "s.DATABASES['replica2']['PORT'], s.DATABASES['replica2']['OPTIONS']['connect_timeout'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URLS": "postgres://u@h:5433/db, postgres://u@h:5434/db",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["['replica1',", "'replica2']", "['heritage.routing.ReplicaRouter']", "5434", "2"]
