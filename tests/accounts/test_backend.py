"""accounts.backends.ModelBackend: the signed-in member, read as Django's backend reads them."""

import pytest
from django.contrib.auth import backends
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ModelBackend


@pytest.fixture
def member(db):
    return User.objects.create_user(
        "reader", "reader@example.org", "a-long-password", first_name="Ada", is_staff=True
    )


def fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


@pytest.mark.parametrize("change", [{}, {"is_active": False}, {"delete": True}])
def test_it_reads_the_member_exactly_as_djangos_backend_does(member, change):
    if change.get("delete"):
        member.delete()
    elif change:
        User.objects.filter(pk=member.pk).update(**change)
    expected = backends.ModelBackend().get_user(member.pk)
    with CaptureQueriesContext(connection) as queries:
        found = ModelBackend().get_user(member.pk)
    assert len(queries) == 1
    if expected is None:
        assert found is None
    else:
        assert fields(found) == fields(expected) and found._state.db == "default"
        assert not found._state.adding  # saved back as an UPDATE, not a second row
        found.first_name = "Grace"
        found.save()
        assert User.objects.get(pk=member.pk).first_name == "Grace"


def test_signing_in_records_this_backend_and_the_next_request_finds_the_member(client, member):
    response = client.post(
        "/accounts/login/", {"username": "reader", "password": "a-long-password"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.ModelBackend"
    assert client.get("/").context["user"] == member
