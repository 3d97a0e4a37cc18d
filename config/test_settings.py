"""Settings for the test suite: the real settings with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 40)

from config.settings import *  # noqa: E402,F403

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
