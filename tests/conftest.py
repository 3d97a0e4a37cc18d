"""Shared fixtures: staff users in each group, and the demo data."""

import pytest
from django.db import connection

from heritage.demo import load_demo
from heritage.groups import EDITORS, PUBLISHERS
from tests.factories import UserFactory


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
    load_demo()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
