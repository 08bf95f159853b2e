"""Who may reach each claim page: anonymous, member and editor, by method."""

import pytest
from django.test import Client

from tests.conftest import PERSONAS
from tests.factories import make_claim, make_evidence, make_study, publish


@pytest.fixture
def published(db):
    claim = make_claim(slug="published")
    publish(claim)
    make_evidence(claim, make_study())
    publish(claim)
    return claim


@pytest.fixture
def draft(db):
    return make_claim(slug="draft")


MATRIX = [
    # url, anonymous, member, editor
    ("/claims/published/", 200, 200, 200),
    ("/claims/published/history/", 200, 200, 200),
    ("/claims/published/v/1/", 200, 200, 200),
    ("/claims/published/compare/1/2/", 200, 200, 200),
    ("/claims/published/compare/?a=1&b=2", 302, 302, 302),
    ("/claims/published/preview/", 302, 403, 200),
    ("/claims/draft/", 404, 404, 200),
    ("/claims/draft/history/", 404, 404, 200),
    ("/claims/draft/v/1/", 404, 404, 404),
    ("/claims/draft/preview/", 302, 403, 200),
]


@pytest.mark.parametrize(("url", "as_anonymous", "as_member", "as_editor"), MATRIX)
def test_each_persona_gets_the_expected_status(
    clients, published, draft, url, as_anonymous, as_member, as_editor
):
    expectations = (as_anonymous, as_member, as_editor)
    for persona, expected in zip(PERSONAS, expectations, strict=True):
        response = clients[persona].get(url)
        assert response.status_code == expected, (persona, url)
        if expected == 302 and "preview" in url:
            assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", [row[0] for row in MATRIX[:6]])
def test_claim_pages_refuse_post(clients, published, url):
    assert clients["editor"].post(url).status_code == 405


def test_only_editors_can_open_the_publish_page(clients, published):
    url = f"/admin/claims/claim/{published.pk}/publish/"
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["member"].get(url).status_code == 302  # not staff: sent to the admin login
    assert clients["editor"].get(url).status_code == 200


def test_staff_without_the_publish_permission_are_refused(db, published):
    from django.contrib.auth.models import User

    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client = Client()
    client.force_login(staff)
    url = f"/admin/claims/claim/{published.pk}/publish/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"change_note": "Sneaky"}).status_code == 403
    assert published.versions.count() == 2
