"""The two staff groups: Editors create and edit; Publishers also publish, unpublish and delete."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

CONTENT_APPS = ("heritage", "meetings", "monuments")
EDITORS = "Editors"
PUBLISHERS = "Publishers"


def ensure_staff_groups(using="default", **kwargs):
    """Create or update both groups. Runs after every ``migrate``; safe to run any number of times."""
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    content = Permission.objects.using(using).filter(content_type__app_label__in=CONTENT_APPS)
    editing = content.filter(codename__regex=r"^(add|change|view)_")
    publishing = content.filter(codename__regex=r"^(add|change|view|delete|publish)_")
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.set(editing)
    publishers, _ = Group.objects.using(using).get_or_create(name=PUBLISHERS)
    publishers.permissions.set(publishing)
