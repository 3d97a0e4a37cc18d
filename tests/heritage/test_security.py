"""Security headers, cookies, staff log-in throttling, the staff-only admin and request limits, through HTTP."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def production_env(**extra):
    """The environment of a production process: no DEBUG, a real key, a host name."""
    base = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "ADMIN_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return {**base, "SECRET_KEY": get_random_secret_key(), "ALLOWED_HOSTS": "heritage.example.org", **extra}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=production_env(**env), capture_output=True, text=True
    )


# --- production mode ---------------------------------------------------------------------------------------------


def test_check_deploy_reports_nothing_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_warn_about_a_debug_deployment():
    # The same check does fail when a production safeguard is off, so the test above can fail.
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_admin_url_is_configurable(static_root):
    code = (
        "from django.test import Client; from django.urls import reverse; c = Client();"
        "print(reverse('admin:index'), *(c.get(u, secure=True).status_code for u in ('/staff-area-7f3/', '/admin/')))"
    )
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        ADMIN_URL="staff-area-7f3",
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(static_root),
    )
    assert result.returncode == 0, result.stderr
    # The staff area answers (a redirect to its log-in page) at the new path; the default path is gone.
    assert result.stdout.split() == ["/staff-area-7f3/", "302", "404"]


# --- headers -----------------------------------------------------------------------------------------------------


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    assert "Server" not in response.headers


@pytest.mark.parametrize("url", ["/", "/meetings/", "/admin/login/"])
def test_security_headers_on_public_and_admin_pages(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS means nothing there


def test_security_headers_on_a_staff_page(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:monuments_monument_changelist"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_hsts_over_https(client):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_hsts_and_https_through_a_proxy_header_only_when_configured(client, settings):
    assert "Strict-Transport-Security" not in client.get("/", headers={"x-forwarded-proto": "https"}).headers
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/meetings/")
    assert response.status_code == 301 and response.headers["Location"] == "https://testserver/meetings/"
    assert client.get("/healthz").status_code == 200


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type", "") not in DATA_BLOCKS:
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


# Data, not code: no browser runs them, and the Content-Security-Policy does not apply (JSON-LD, json_script).
DATA_BLOCKS = ("application/json", "application/ld+json")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_inline_code_detector_detects():
    assert inline_code('<p style="color:red" onclick="x()"><script>alert(1)</script><style>p{}</style>') == [
        "<p style='color:red'>",
        "<p onclick='x()'>",
        "<script>alert(1)",
        "<style>",
    ]
    assert inline_code('<script src="/static/a.js"></script><script type="application/json">{}</script>') == []
    assert inline_code('<script type="application/ld+json">{}</script>') == []
    assert inline_code('<script type="text/javascript">x()</script>') == ["<script>x()"]


def test_admin_pages_need_no_inline_script_or_style(client, superuser, demo):
    """The admin works under the CSP: none of its pages carries code the policy would block."""
    monument = f.MonumentFactory()
    f.ConditionAssessmentFactory(monument=monument)
    client.force_login(superuser)
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        obj = model.objects.first()
        if obj is not None:
            urls += [reverse("admin:{}_{}_change".format(*info), args=[obj.pk])]
    urls.append(reverse("admin:meetings_meeting_recoverlist"))
    for url in urls:
        response = client.get(url)
        if response.status_code == 403 and ("/axes/" in url or url == reverse("admin:heritage_proposal_add")):
            continue  # django-axes records and proposed edits cannot be added by hand
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.parametrize("url", ["/", "/meetings/", "/meetings/karimov-blagojevic-mexico-2022/", "/monuments/"])
def test_public_pages_need_no_inline_script_or_style(client, demo, url):
    assert inline_code(client.get(url).content.decode()) == []


# --- cookies and sessions ----------------------------------------------------------------------------------------


def test_staff_log_in_sets_secure_httponly_cookies_that_expire_after_a_working_day(client, settings):
    f.UserFactory(username="clerk")
    client.get("/admin/login/")
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "clerk", "password": "pass", "csrfmiddlewaretoken": csrf.value}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert int(session["max-age"]) == 8 * 3600
    assert client.session.get_expiry_age() == 8 * 3600


def test_public_pages_set_no_cookies(client, demo):
    assert not client.get("/").cookies


# --- staff accounts ----------------------------------------------------------------------------------------------


def log_in(client, username, password, ip="203.0.113.5"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(client, settings):
    f.UserFactory(username="clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "clerk", "wrong")
        assert response.status_code == 200 and "correct username and password" in response.content.decode()
    assert log_in(client, "clerk", "wrong").status_code == 429
    # Now even the right password is refused from there...
    response = log_in(client, "clerk", "pass")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # ...but the same person from another address, and another user, still get in.
    assert log_in(client, "clerk", "pass", ip="198.51.100.7").status_code == 302
    client.logout()
    f.UserFactory(username="colleague")
    assert log_in(client, "colleague", "pass").status_code == 302


def test_lock_out_is_keyed_on_the_forwarded_address_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    f.UserFactory(username="clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",
        )
    blocked = client.post(
        "/admin/login/", {"username": "clerk", "password": "pass"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy is not affected.
    other = client.post("/admin/login/", {"username": "clerk", "password": "pass"}, HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert other.status_code == 302


def admin_urls():
    """Every kind of page under the admin, for every registered model."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        for view in ("changelist", "add"):
            urls.append(reverse("admin:{}_{}_{}".format(*info, view)))
        for view in ("change", "history", "delete"):
            urls.append(reverse("admin:{}_{}_{}".format(*info, view), args=[1]))
    urls += [reverse("admin:meetings_meeting_recoverlist"), reverse("admin:autocomplete")]
    return urls


def test_everything_under_the_admin_is_for_staff_only(client, demo):
    urls = admin_urls()
    assert len(urls) > 50
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.headers["Location"], url
    outsider = User.objects.create_user("reader", password="a long passphrase 42")
    client.force_login(outsider)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.headers["Location"], url
    # Nor can a non-staff user log in there.
    client.logout()
    response = client.post("/admin/login/", {"username": "reader", "password": "a long passphrase 42"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_weak_passwords_are_refused_by_the_validators(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newclerk", "password1": "12345678", "password2": "12345678", "usable_password": "true"},
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "too common" in errors and "entirely numeric" in errors
    assert not User.objects.filter(username="newclerk").exists()


# --- request limits ----------------------------------------------------------------------------------------------


def test_a_request_over_the_size_limit_gets_a_413_with_a_message(client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    response = client.post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "Request too large" in response.content.decode()


def test_too_many_form_fields_get_a_400_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.raise_request_exception = False
    response = client.post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 400


def test_a_configured_tile_server_is_the_only_other_host_images_may_come_from():
    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    result = manage("shell", "-c", code, MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert result.stdout.strip().splitlines()[-1] == "[\"'self'\", 'data:', 'https://*.tiles.example.org']"
    assert "tiles.example.org" not in manage("shell", "-c", code).stdout
