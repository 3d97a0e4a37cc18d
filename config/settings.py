"""Settings for heritage, read from the environment.

Unset ``DATABASE_URL`` means the embedded SQLite file ``db.sqlite3`` in the project folder; set it to a
``postgres://`` URL for production. Without ``DEBUG`` the app refuses to start without a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from heritage import logs, reporting
from heritage.countries import FORMER_COUNTRIES

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string, or DEBUG=1 for local development."
        )
    # Local development only: DEBUG is on, so this key never protects a real deployment.
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (len(SECRET_KEY) < 32 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use at least 32 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "reversion",
    "csp",
    "axes",
    "corsheaders",
    # Leaflet's own files (js_lib_leaflet/leaflet.js, leaflet.css, images), served by us: no CDN.
    "js_lib_leaflet",
    "heritage",
    "meetings",
    "monuments",
    "sitewide",
    "api",
]

MIDDLEWARE = [
    # First: every response, a cached page or a 413 too, gets its own request's X-Request-ID (heritage.requestid).
    "heritage.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "heritage.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "heritage.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS for anonymous GETs of the machine-readable addresses (CORS_URLS_REGEX); before everything that may answer.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: from the address's prefix (/ru/, /az/, /es/, /en/), else the browser's (heritage.languages).
    "heritage.languages.LanguageMiddleware",
    # Before the page cache and the 304s, so that they count too; after the session (staff are not limited).
    "heritage.ratelimit.RateLimitMiddleware",
    # 304 Not Modified for public GETs whose client holds the register's current validators (heritage.pagecache).
    "heritage.pagecache.ConditionalGetMiddleware",
    # After the language is known (part of the key), inside the security and CSP middleware (their headers are
    # added to cached pages too), before everything that reads cookies or the user.
    "heritage.pagecache.PublicPageCacheMiddleware",
    # Inside the page cache, which keeps each page compressed once per encoding (part of its key); outside
    # everything that adds to the body or sets the CSRF cookie, which says a token is in the body (BREACH).
    "heritage.compression.CompressionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "heritage.faults.DatabaseUnavailableMiddleware",
    # After the 503 middleware (exceptions go up the list): a replica lost mid-page is drawn again from the primary.
    "heritage.routing.ReplicaReadsMiddleware",
    # Last, as django-axes requires: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# The staff area lives here; set ADMIN_URL to move it somewhere less guessable.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heritage.languages.language_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read replicas (heritage.routing): comma-separated postgres:// URLs of streaming replicas of DATABASE_URL. Public
# reads go to a healthy one; writes, the admin, commands and migrations to the primary.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL to be a postgres:// URL (the primary).")
    try:
        _replica = dj_database_url.parse(
            _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: {_url.split('@')[-1]!r} is not a database URL ({error})."
        ) from None
    if not _replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: replica {_number} is not a postgres:// URL; "
            "replicas are PostgreSQL streaming replicas of DATABASE_URL."
        )
    # A replica that does not answer must not hold a page for long: it is skipped after this many seconds.
    _replica.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))
    )
    # In tests a replica reads the primary's test database (replicated to it), never a test database of its own.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
# A replica further behind the primary than this is skipped until it catches up; each process checks each replica
# at most every REPLICA_CHECK_SECONDS. After a POST (or any other write), the reader reads from the primary for
# REPLICA_PIN_SECONDS, so staff see their own changes; it must exceed the lag the replicas are allowed.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "30"))
if REPLICA_MAX_LAG_SECONDS < 0 or REPLICA_CHECK_SECONDS < 0:
    raise ImproperlyConfigured("REPLICA_MAX_LAG_SECONDS and REPLICA_CHECK_SECONDS must be 0 or more seconds.")
if REPLICA_PIN_SECONDS <= REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS:
    raise ImproperlyConfigured(
        f"REPLICA_PIN_SECONDS ({REPLICA_PIN_SECONDS}) must exceed REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS "
        f"({REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS}), or staff could read a replica that has not yet seen "
        "their change."
    )
DATABASE_ROUTERS = ["heritage.routing.ReplicaRouter"] if DATABASE_REPLICAS else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages drawn for readers without cookies are kept this many seconds (0: off) and cleared by every change
# to the register (heritage.pagecache). The "pages" cache must be shared by every worker, or one worker would
# serve a page another has cleared: Redis when REDIS_URL is set, otherwise files under PAGE_CACHE_DIR.
# Off by default with DEBUG, so that a template being edited shows at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else "60"))
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _pages_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
else:
    _pages_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
CACHE_KEY_PREFIX = os.environ.get("PAGE_CACHE_KEY_PREFIX", "heritage")
# "shared": what every worker and every app server must count or see together: the rate limiter's counters and,
# with Redis, the sessions' cache. Without REDIS_URL each process has its own (one app server, see
# docs/operators/scaling.md).
_shared_cache = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}
)
CACHES = {
    # Django's own default; the project keeps nothing here (the register's counts are in "pages", see
    # heritage.pagecache.kept_until_change, so that every worker sees them change at once).
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {**_pages_cache, "KEY_PREFIX": CACHE_KEY_PREFIX},
    "shared": {**_shared_cache, "KEY_PREFIX": CACHE_KEY_PREFIX},
}
# Sessions stay in the database (nothing is lost when Redis restarts); with Redis they are read through it, so a
# logged-in page costs no session query on any app server.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "shared"

# Rate limiting per client address (heritage.ratelimit): at most RATE_LIMIT_REQUESTS requests in
# RATE_LIMIT_WINDOW_SECONDS, then 429 with Retry-After; 0 turns it off. Staff are never limited.
RATE_LIMIT_REQUESTS = int(os.environ.get("RATE_LIMIT_REQUESTS", "0" if DEBUG else "600"))
RATE_LIMIT_WINDOW_SECONDS = int(os.environ.get("RATE_LIMIT_WINDOW_SECONDS", "60"))
if RATE_LIMIT_REQUESTS < 0 or RATE_LIMIT_WINDOW_SECONDS < 1:
    raise ImproperlyConfigured(
        f"RATE_LIMIT_REQUESTS must be 0 (off) or more and RATE_LIMIT_WINDOW_SECONDS 1 or more, not "
        f"{RATE_LIMIT_REQUESTS} and {RATE_LIMIT_WINDOW_SECONDS}."
    )

# CORS (django-cors-headers): any origin may GET the API, the feeds, the calendar, the exports and the map's data,
# without credentials (no cookie is ever sent along); nothing else, never the staff area.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_URLS_REGEX = (
    r"^/(?:(?:az|ru|es)/)?(?:api/|feeds/|(?:monuments|meetings)/(?:export\.|conditions\.atom$|calendar\.ics$)"
    r"|monuments/map/data\.json$)"
)
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Link",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("az", _("Azerbaijani")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates: Django's format for each language, English's own here (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
# Countries that no longer exist (ISO 3166-3: USSR, Yugoslavia, Czechoslovakia, the GDR…) can be represented at a
# historical meeting: django-countries knows them besides today's (heritage/countries.py).
COUNTRIES_OVERRIDE = FORMER_COUNTRIES
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"  # absolute: the same files under every language prefix
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded import files wait for their confirmation here (heritage.import_files): private, so never inside
# MEDIA_ROOT or STATIC_ROOT, which are served publicly. Unconfirmed ones are deleted after IMPORT_FILES_MAX_AGE_HOURS.
IMPORT_FILES_DIR = Path(os.environ.get("IMPORT_FILES_DIR", BASE_DIR / "var" / "imports"))
for _public in (MEDIA_ROOT, STATIC_ROOT):
    if IMPORT_FILES_DIR.resolve().is_relative_to(_public.resolve()):
        raise ImproperlyConfigured(
            f"IMPORT_FILES_DIR ({IMPORT_FILES_DIR}) is inside {_public}, which is served publicly: "
            "choose a folder outside MEDIA_ROOT and STATIC_ROOT."
        )
IMPORT_FILES_MAX_AGE_HOURS = float(os.environ.get("IMPORT_FILES_MAX_AGE_HOURS", "24"))
if not IMPORT_FILES_MAX_AGE_HOURS > 0:
    raise ImproperlyConfigured(
        f"IMPORT_FILES_MAX_AGE_HOURS must be a number of hours above 0, not {IMPORT_FILES_MAX_AGE_HOURS}."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security: README.md, "Security". Production (DEBUG unset) passes `manage.py check --deploy` with no warnings.

# Behind a TLS-terminating proxy, name the header it sets, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO;
# only do so when the proxy always sets or strips it, or clients could claim HTTPS themselves.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
# How many proxies in front of the app append to X-Forwarded-For (0: use the socket's address). Used to find the
# client's address for login throttling.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's health check talks plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Sent by SecurityMiddleware on HTTPS responses only. A year, subdomains and preload: what the HSTS preload list
# asks for; set SECURE_HSTS_INCLUDE_SUBDOMAINS=0 when other hosts under the domain are not on HTTPS yet.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links out to sources carry no referrer: readers of a record need not be revealed to its sources.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the site never uses, switched off for every page (heritage.security.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Every asset is ours: no inline script or style, no other host. django-csp 4 format.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    },
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the admin's scripts never read it
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A staff session lasts one working day from log-in, then the user logs in again.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))

# Failed log-ins (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that
# pair is locked out for AXES_COOLOFF_TIME (HTTP 429). Keyed on the pair, so nobody can lock a colleague out from
# elsewhere. `manage.py axes_reset` lifts every lock-out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "heritage.security.client_ip"
AXES_VERBOSE = False

# Request and upload limits: README.md, "Security". Bigger requests get a 413 before anything reads them.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(40 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, stated: form fields other than files, 400 above
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are streamed to a temporary file, not held in memory
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", str(15 * 1024 * 1024)))
IMAGE_UPLOAD_MAX_PIXELS = int(os.environ.get("IMAGE_UPLOAD_MAX_PIXELS", str(50_000_000)))

# --- Logs and error reports: README.md, "Production" (logs, errors).

# One line format for the app and gunicorn (heritage.logs): time, level, logger, request id, path, message.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
try:
    _line_formatter = logs.formatter_class(LOG_FORMAT)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": logs.RequestContextFilter},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "worth_reporting": {"()": "django.utils.log.CallbackFilter", "callback": reporting.worth_reporting},
    },
    "formatters": {"line": {"()": _line_formatter}, "text": {"()": logs.TextFormatter}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["request"]},
        # ADMINS get unhandled errors with their traceback (heritage.reporting); nothing without ADMINS.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "formatter": "text",
            "filters": ["request", "require_debug_false", "worth_reporting"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's defaults (its own console handler under DEBUG, which printed lines twice, and mail
        # for every django.* error, refused Host headers included): django.* lines go to the root's handler.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},  # runserver's requests
        # axes logs every successful log-in at INFO ("Deleted 0 failed login attempts"); lock-outs are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# "Name <address>, address": who gets a mail for each unhandled error (none when empty).
ADMINS = reporting.admins(os.environ.get("ADMINS", ""))
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")  # the mails' From; Django's default
EMAIL_SUBJECT_PREFIX = "[heritage] "
# A mail server that hangs must not hold a request for long (gunicorn kills a request after 30 s).
EMAIL_TIMEOUT = 10
if os.environ.get("EMAIL_URL"):
    # smtp://user:password@host:port, smtp+tls://, smtps:// or console:// (heritage.reporting.email_settings).
    globals().update(reporting.email_settings(os.environ["EMAIL_URL"]))
else:
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if EMAIL_USE_TLS else "465" if EMAIL_USE_SSL else "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# Reports star REDIS_URL and the like too, not only Django's list (heritage.security.ErrorReportFilter).
DEFAULT_EXCEPTION_REPORTER_FILTER = "heritage.security.ErrorReportFilter"

# Sentry (or a service speaking its protocol), only when SENTRY_DSN is set: sentry-sdk is not even imported
# otherwise. No personal data, request bodies or local variables are sent (heritage.reporting).
if os.environ.get("SENTRY_DSN"):
    reporting.init_sentry(os.environ["SENTRY_DSN"])

# Public map. The base-map tiles come from this URL template ({z}/{x}/{y}); empty means no base map (the points
# still show). Set it to a tile server you run or may use, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# The map-data endpoint never returns more features (clusters or single monuments) than this.
MAP_MAX_FEATURES = int(os.environ.get("MAP_MAX_FEATURES", "2000"))
if MAP_TILE_URL:
    # The one other host pages may load from: the tile server the operator chose ({s} subdomains as a wildcard).
    _tiles = urlsplit(MAP_TILE_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}")
