"""Settings for the test suite: the real settings with a throwaway key and a fast password hasher."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 40)

from config.settings import *  # noqa: E402,F403
from config.settings import CACHES, REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
WHITENOISE_AUTOREFRESH = True  # serve from the finders; tests never run collectstatic
# Production security settings stay on (HSTS, secure cookies are asserted in tests); only the HTTPS redirect is off,
# because the test client speaks plain HTTP. tests/heritage/test_security.py turns it back on to test it.
SECURE_SSL_REDIRECT = False
# The suite sends thousands of requests from one address; tests/heritage/test_http_for_machines.py turns the
# limiter on to test it.
RATE_LIMIT_REQUESTS = 0
# Each run keeps its own page cache (without Redis a folder of files, shared by every process that reads the same
# settings): two runs side by side, as .ci/run runs PostgreSQL's and SQLite's, or a run beside `make run`, never read
# each other's pages or counts. PAGE_CACHE_DIR set by hand still wins.
if not REDIS_URL and "PAGE_CACHE_DIR" not in os.environ:
    CACHES["pages"]["LOCATION"] = tempfile.mkdtemp(prefix="heritage-test-pages-")
    atexit.register(shutil.rmtree, CACHES["pages"]["LOCATION"], ignore_errors=True)
