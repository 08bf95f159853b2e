"""Every view of the community issue, for each persona and method, and CSRF on every POST."""

import pytest
from django.test import Client

from tests.conftest import PERSONAS
from tests.factories import make_published_claim, make_submission


@pytest.fixture
def setup(db, member):
    claim = make_published_claim(slug="c")
    return make_submission(claim, member)


# (method, url, anonymous, member, editor). 302 for anonymous means "to log in"; a wrong
# method is refused (405) before anything else.
MATRIX = [
    ("get", "/accounts/signup/", 200, 302, 302),
    ("get", "/accounts/login/", 200, 302, 302),
    ("get", "/accounts/logout/", 405, 405, 405),
    ("post", "/accounts/logout/", 302, 302, 302),
    ("get", "/accounts/password_reset/", 200, 200, 200),
    ("get", "/accounts/submissions/", 302, 200, 200),
    ("post", "/accounts/submissions/", 405, 405, 405),
    ("get", "/claims/c/evidence/new/", 302, 200, 200),
    ("put", "/claims/c/evidence/new/", 405, 405, 405),
    ("get", "/claims/missing/evidence/new/", 302, 404, 404),
    ("get", "/claims/c/evidence/new/study-facts/?doi=10.5555/x", 302, 200, 200),
    ("get", "/moderation/", 302, 403, 200),
    ("post", "/moderation/", 405, 405, 405),
    ("get", "/moderation/{pk}/", 302, 403, 200),
    ("get", "/moderation/{pk}/approve/", 405, 405, 405),
    ("post", "/moderation/{pk}/reject/", 302, 403, 400),
    ("post", "/moderation/999999/approve/", 302, 403, 404),
]


@pytest.mark.parametrize(("method", "url", "as_anonymous", "as_member", "as_editor"), MATRIX)
def test_each_persona_gets_the_expected_status(
    clients, setup, method, url, as_anonymous, as_member, as_editor
):
    url = url.format(pk=setup.pk)
    for persona, expected in zip(PERSONAS, (as_anonymous, as_member, as_editor), strict=True):
        response = getattr(clients[persona], method)(url)
        assert response.status_code == expected, (persona, method, url)
        if (
            persona == "anonymous"
            and expected == 302
            and "logout" not in url
            and "signup" not in url
        ):
            assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/accounts/signup/",
            {"username": "x", "email": "x@example.org", "password1": "p", "password2": "p"},
        ),
        ("/accounts/login/", {"username": "mia", "password": "member-pass-123"}),
        ("/accounts/password_reset/", {"email": "mia@example.org"}),
    ],
)
def test_csrf_is_enforced_on_account_forms(db, member, url, data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data)
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_csrf_is_enforced_on_logout_and_publishing(member, editor, setup):
    for user, url in (
        (member, "/accounts/logout/"),
        (editor, f"/admin/claims/claim/{setup.claim.pk}/publish/"),
    ):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        response = client.post(url, {"change_note": "x"})
        assert response.status_code == 403
        assert b"CSRF" in response.content
