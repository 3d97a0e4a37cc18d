"""manage.py demo_users: refused without DEBUG; with it, the log-ins docs/staff/workflow.md lists."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from heritage.groups import EDITORS, PUBLISHERS

pytestmark = pytest.mark.django_db

DEMO = [("admin", None), ("editor", EDITORS), ("publisher", PUBLISHERS)]


def test_demo_users_refuses_to_run_without_debug(settings):
    assert not settings.DEBUG
    with pytest.raises(CommandError, match="only runs with DEBUG=1"):
        call_command("demo_users", stdout=io.StringIO())
    assert not User.objects.filter(username__in=[name for name, _ in DEMO]).exists()


def test_demo_users_are_the_documented_log_ins_in_their_groups(settings):
    settings.DEBUG = True
    call_command("demo_users", stdout=io.StringIO())
    for username, group in DEMO:
        user = User.objects.get(username=username)
        assert user.is_staff and user.is_superuser == (group is None)
        assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
        staff = Client()
        response = staff.post(reverse("admin:login"), {"username": username, "password": username})
        assert response.status_code == 302, username
        assert staff.get(reverse("admin:index")).status_code == 200
    # Run again (every `make run` does), it puts a changed password back and keeps one user per name.
    editor = User.objects.get(username="editor")
    editor.set_password("something else")
    editor.save()
    call_command("demo_users", stdout=io.StringIO())
    assert User.objects.filter(username="editor").count() == 1
    assert User.objects.get(username="editor").check_password("editor")
