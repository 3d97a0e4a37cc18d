"""Shared fixtures: staff users in each group, the demo data, collected static files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from heritage.groups import EDITORS, PUBLISHERS
from sitewide.demo import load_demo
from tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def _database_features_probed(django_db_setup, django_db_blocker):
    # Django's SQLite backend asks the database once per connection whether it has JSON functions (three
    # statements, the first time a query uses one). Ask before the test, so query budgets count the page's own
    # queries whichever test happens to run first.
    with django_db_blocker.unblock():
        _ = connection.features.supports_json_field


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Tests ask for a page, change records (often with update(), which sends no signal) and ask again: each
    # request must draw the page. tests/heritage/test_page_cache.py turns the cache on to test it.
    settings.PAGE_CACHE_SECONDS = 0
    # The register's counts are kept in the "pages" cache under the generation the last change set
    # (heritage.pagecache.kept_until_change), and rolling a test back changes no generation: each test gets an
    # empty cache of its own, in memory.
    # With REDIS_URL set (a step of .ci/run), the caches stay on Redis, as production has them, and are emptied
    # for each test instead (give the run a Redis database of its own: redis://127.0.0.1:6379/15).
    if not settings.REDIS_URL:
        settings.CACHES = {
            **settings.CACHES,
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests-pages"},
        }
    caches["pages"].clear()
    caches["shared"].clear()


@pytest.fixture(autouse=True)
def _english_afterwards():
    # A request activates its language in this thread and leaves it active (as Django's LocaleMiddleware does, so
    # that a streamed export is written in it): the next test starts in English.
    yield
    translation.activate("en")


@pytest.fixture(scope="session")
def _import_files_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("import-files")


@pytest.fixture(autouse=True)
def _private_import_files(settings, _import_files_dir):
    # Uploaded import files go to a folder of the test run, never to the project's var/imports/.
    settings.IMPORT_FILES_DIR = _import_files_dir


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=[EDITORS])


@pytest.fixture
def publisher(db):
    return UserFactory(username="publisher", groups=[PUBLISHERS])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def demo(db):
    load_demo(register=False)  # the article only; tests/sitewide/test_load_demo.py loads the register extract


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once, as `make serve` does: production serves fingerprinted files from the manifest."""
    root = tmp_path_factory.mktemp("static")
    drop = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "SECRET_KEY": "collectstatic-only-" + "k" * 32, "STATIC_ROOT": str(root)},
        check=True,
    )
    return root
