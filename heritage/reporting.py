"""Unhandled errors reach whoever runs the site: a mail to ``ADMINS``, and Sentry when ``SENTRY_DSN`` is set.

What settings.py reads from the environment for that (docs/operators/configuration.md): ``ADMINS``, the outgoing mail
server (``EMAIL_URL`` or ``EMAIL_HOST`` and friends), ``SERVER_EMAIL``, ``SENTRY_DSN``.

Choices made:
- Mail goes for ``django.request`` errors: an exception a view or middleware did not handle (with its
  traceback), or any other 5xx answer except 503. A 503 is the database-outage page (heritage.faults): an
  outage shows on ``/healthz`` and in the log, and a mail for every request during one would bury the mail
  that matters. Refused ``Host`` headers (django.security, bots all day) are not reported either.
- A mailed report carries no secret: besides the settings Django stars (…KEY, …PASSWORD, the session cookie),
  those that may hold a password (REDIS_URL, the cache's LOCATION, any …URL or …DSN) are starred too
  (heritage.security.ErrorReportFilter).
- Sentry gets no personal data (``send_default_pii=False``: no cookies, user or address), no request body
  (a form or an upload may hold a draft or a sensitive site's exact point) and no local variables, for the
  same reason; each event is tagged with the request id of its log lines. sentry-sdk is imported only when
  ``SENTRY_DSN`` is set: without it nothing is sent anywhere.
"""

from email.utils import getaddresses
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from heritage import logs

OUTAGE_STATUS = 503


def admins(value):
    """``"Ana Ops <ops@example.org>, oncall@example.org"`` → ``[("Ana Ops", "ops@example.org"), ("", …)]``."""
    if not value.strip():
        return []
    entries = getaddresses([value])
    for _name, address in entries:
        if "@" not in address or any(char.isspace() for char in address):
            raise ImproperlyConfigured(
                f"ADMINS={value!r} is not a list of e-mail addresses: write them separated by commas, "
                f"each with or without a name, e.g. 'Ana Ops <ops@example.org>, oncall@example.org'."
            )
    return entries


# scheme: (default port, STARTTLS, TLS from the start)
SMTP_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtps": (465, False, True)}


def email_settings(url):
    """``EMAIL_URL`` → the EMAIL_* settings it stands for: ``smtp://user:password@host:port`` (plain),
    ``smtp+tls://`` (STARTTLS, port 587), ``smtps://`` (TLS, port 465), or ``console://`` (mail printed on
    stdout, to try it out). User and password are percent-decoded. Errors never repeat the URL: it holds a
    password."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in SMTP_SCHEMES:
        valid = ", ".join(f"{scheme}://" for scheme in [*SMTP_SCHEMES, "console"])
        raise ImproperlyConfigured(f"EMAIL_URL starts with {parts.scheme + '://'!r}; use one of {valid}.")
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = -1
    if not parts.hostname or port == -1:
        raise ImproperlyConfigured("EMAIL_URL needs a host, and a port if any in digits: smtp://user:password@host:25")
    default_port, use_tls, use_ssl = SMTP_SCHEMES[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


def worth_reporting(record):
    """Whether an error log record is mailed (settings.LOGGING) or sent to Sentry: see the module docstring."""
    return getattr(record, "status_code", None) != OUTAGE_STATUS and record.name != "django.security.DisallowedHost"


def _before_send(event, hint):
    record = hint.get("log_record")
    if record is not None and not worth_reporting(record):
        return None
    request_id = logs.current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(dsn):
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=_before_send,
    )
