import os

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from tests.factories import make_claim, make_evidence, make_study  # noqa: F401


def pytest_report_header(config):
    return f"database: {connection.vendor}"


def require(variable: str, reason: str):
    """Skip locally with a reason; fail when CI has set `variable` to say it must run."""
    if os.environ.get(variable):
        pytest.fail(f"{reason} ({variable} is set, so this may not be skipped)")
    pytest.skip(reason)


@pytest.fixture
def editor(db):
    user = User.objects.create_user("edith", "edith@example.org", "editor-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def member(db):
    return User.objects.create_user("mia", "mia@example.org", "member-pass-123")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client
