"""Unhandled errors reach whoever runs the site: one mail to ADMINS with the traceback (none for an outage, none
without ADMINS, no secret in it), and Sentry only when SENTRY_DSN is set, without personal data."""

import json
import subprocess
import sys
from unittest import mock

import pytest
from django.db import OperationalError, connections

from tests.heritage.test_faults import ROOT, free_port, production_env

pytestmark = pytest.mark.django_db

OPS = ("Ops Desk", "ops@example.org")


def break_the_home_page():
    return mock.patch("sitewide.views.Meeting.objects.published", side_effect=ValueError("the home page broke"))


@pytest.fixture
def server_client(client):
    client.raise_request_exception = False  # answer 500 as the server does
    return client


def test_an_unhandled_error_sends_one_mail_to_admins_with_the_traceback(server_client, settings, mailoutbox):
    settings.ADMINS = [OPS]
    with break_the_home_page():
        assert server_client.get("/", headers={"X-Request-ID": "mail-7"}).status_code == 500
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ops@example.org"]
    assert mail.subject.startswith("[heritage] ERROR") and "Internal Server Error: /" in mail.subject
    assert "Traceback (most recent call last)" in mail.body
    assert "Exception Type: ValueError at /\nException Value: the home page broke" in mail.body
    # The first line is the log line, so the mail leads to the rest of that request's lines.
    assert "ERROR django.request [mail-7 /] Internal Server Error: /" in mail.body.splitlines()[0]


def test_without_admins_no_mail_is_sent(server_client, settings, mailoutbox):
    settings.ADMINS = []
    with break_the_home_page():
        assert server_client.get("/").status_code == 500
    assert mailoutbox == []


def test_a_database_outage_mails_nobody_but_the_next_real_error_does(server_client, settings, mailoutbox):
    settings.ADMINS = [OPS]
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("connection refused")):
        for _ in range(3):
            assert server_client.get("/healthz").status_code == 503
    # Nor refused Host headers, which bots send all day.
    assert server_client.get("/", HTTP_HOST="attacker.example").status_code == 400
    assert mailoutbox == []
    with break_the_home_page():
        server_client.get("/")
    assert len(mailoutbox) == 1


def test_an_error_mail_carries_no_password_or_session_key(server_client, settings, mailoutbox, superuser):
    settings.ADMINS = [OPS]
    settings.REDIS_URL = "redis://:hunter2-cache-password@cache.internal:6379/0"
    server_client.force_login(superuser)
    session_key = server_client.cookies[settings.SESSION_COOKIE_NAME].value
    with break_the_home_page():
        assert server_client.get("/").status_code == 500
    (mail,) = mailoutbox
    assert "hunter2-cache-password" not in mail.body and session_key not in mail.body
    assert "REDIS_URL = '********************'" in mail.body


# --- settings from the environment -------------------------------------------------------------------------------


def settings_in(env, *names):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])  # after the shell's own line


def refusal(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(**env), capture_output=True, text=True
    )
    assert result.returncode != 0
    return result.stderr


MAIL_SETTINGS = (
    "ADMINS",
    "SERVER_EMAIL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


def test_admins_and_the_mail_server_come_from_the_environment():
    from_url = settings_in(
        {
            "ADMINS": 'Ana "Ops" Aliyeva <ana@example.org>, oncall@example.org',
            "SERVER_EMAIL": "heritage@example.org",
            "EMAIL_URL": "smtp+tls://robot%40example.org:p%2Fss@mail.example.org",
        },
        *MAIL_SETTINGS,
    )
    assert from_url == {
        "ADMINS": [["Ana Ops Aliyeva", "ana@example.org"], ["", "oncall@example.org"]],
        "SERVER_EMAIL": "heritage@example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "robot@example.org",
        "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    separate = settings_in(
        {"EMAIL_HOST": "smtp.example.org", "EMAIL_HOST_USER": "u", "EMAIL_HOST_PASSWORD": "pw", "EMAIL_USE_SSL": "1"},
        *MAIL_SETTINGS,
    )
    assert separate["ADMINS"] == [] and separate["SERVER_EMAIL"] == "root@localhost"
    assert [separate[name] for name in MAIL_SETTINGS[3:]] == ["smtp.example.org", 465, "u", "pw", False, True]


def test_bad_admins_or_mail_url_stop_the_app_with_a_message_that_repeats_no_password():
    assert "ADMINS='ops at example' is not a list of e-mail addresses" in refusal({"ADMINS": "ops at example"})
    message = refusal({"EMAIL_URL": "ftp://robot:s3cret-pw@mail.example.org"})
    assert "EMAIL_URL starts with 'ftp://'; use one of smtp://, smtp+tls://, smtps://, console://" in message
    assert "s3cret-pw" not in message
    message = refusal({"EMAIL_URL": "smtp://robot:s3cret-pw@mail.example.org:twenty-five"})
    assert "EMAIL_URL needs a host" in message and "s3cret-pw" not in message


# --- Sentry -------------------------------------------------------------------------------------------------------

# A DSN on a name that never resolves (.invalid); each script below also keeps sentry-sdk from sending anything.
DSN = "https://0123456789abcdef@sentry.invalid/42"


def run_python(code, **env):
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/x", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


SETUP = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; import django; "


def test_sentry_is_not_even_imported_without_sentry_dsn():
    code = SETUP + "django.setup(); import sys, json; print(json.dumps('sentry_sdk' in sys.modules))"
    assert run_python(code) is False
    assert run_python(code, SENTRY_DSN="") is False


def test_with_sentry_dsn_sentry_starts_with_no_personal_data_body_or_local_variables():
    code = SETUP + (
        "import json; from unittest import mock\n"
        "with mock.patch('sentry_sdk.init') as init:\n"
        "    django.setup()\n"
        "print(json.dumps([{k: v for k, v in c.kwargs.items() if k != 'before_send'} for c in init.call_args_list]))"
    )
    assert run_python(code, SENTRY_DSN=DSN) == [
        {"dsn": DSN, "send_default_pii": False, "max_request_body_size": "never", "include_local_variables": False}
    ]


SENTRY_EVENTS = """
import json, sentry_sdk
from sentry_sdk.transport import Transport
events = []

class Kept(Transport):  # keeps events here instead of sending them
    def capture_envelope(self, envelope):
        if envelope.get_event() is not None:
            events.append(envelope.get_event())

real_init = sentry_sdk.init
sentry_sdk.init = lambda **options: real_init(transport=Kept, **options)
django.setup()
from unittest import mock
from django.test import Client
client = Client(raise_request_exception=False)
client.get("/healthz")  # the database is unreachable: a 503, which is no bug
client.get("/", HTTP_HOST="attacker.example")  # nor is a refused Host header
with mock.patch("sitewide.views.HomeView.post", create=True, side_effect=ValueError("the home page broke")):
    client.post("/?q=secret+query", {"draft": "exact point 40.3660, 49.8372"}, headers={"X-Request-ID": "sentry-1"},
                HTTP_COOKIE="sessionid=staff-session-key")
sentry_sdk.flush()
print(json.dumps(events, default=str))
"""


def test_a_sentry_event_carries_the_request_id_but_no_cookie_body_or_local_variable():
    events = run_python(SETUP + SENTRY_EVENTS, SENTRY_DSN=DSN, ALLOWED_HOSTS="testserver")
    assert len(events) == 1, events  # the outage and the refused host sent nothing
    (event,) = events
    assert event["tags"]["request_id"] == "sentry-1"
    assert event["exception"]["values"][-1]["value"] == "the home page broke"
    text = json.dumps(event)
    assert "staff-session-key" not in text and "40.3660" not in text
    assert all("vars" not in frame for value in event["exception"]["values"] for frame in value["stacktrace"]["frames"])


@pytest.mark.parametrize(
    "prefix, language, heading",
    [
        ("", "en", "Server error"),
        ("/ru", "ru", "Ошибка сервера"),
        ("/az", "az", "Server xətası"),
        ("/es", "es", "Error del servidor"),
    ],
)
def test_the_server_error_page_is_in_the_readers_language(server_client, prefix, language, heading):
    with break_the_home_page():
        response = server_client.get(f"{prefix}/")
    assert response.status_code == 500 and response["Content-Language"] == language
    page = response.content.decode()
    assert f'<html lang="{language}">' in page and f"<h1>{heading}</h1>" in page
