"""``manage.py demo_users``: local log-ins for trying the admin. Refuses to run unless DEBUG is on."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from heritage.groups import EDITORS, PUBLISHERS

DEMO_USERS = [
    ("admin", "admin", None),
    ("editor", "editor", EDITORS),
    ("publisher", "publisher", PUBLISHERS),
]


class Command(BaseCommand):
    help = "Create the local demo log-ins admin/admin, editor/editor and publisher/publisher (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_users creates well-known passwords and only runs with DEBUG=1.")
        for username, password, group in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = group is None
            user.set_password(password)
            user.save()
            if group:
                user.groups.set([Group.objects.get(name=group)])
        self.stdout.write(
            "Admin: http://127.0.0.1:8000/admin/ — log in as admin/admin (superuser), "
            "editor/editor (Editors) or publisher/publisher (Publishers). Local demo only."
        )
