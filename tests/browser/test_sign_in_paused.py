"""A visitor who keeps typing a wrong password is told, clearly, that sign-in is paused."""

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.browser


@pytest.fixture
def accounts(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("mia", "mia@example.org", "member-pass-123")
    editor = User.objects.create_user("edith", "e@example.org", "editor-pass-123", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))


@pytest.mark.parametrize(
    ("path", "username", "button", "name"),
    [
        ("/accounts/login/", "mia", "Log in", "sign-in-paused"),
        ("/admin/login/", "edith", "Log in", "admin-sign-in-paused"),
    ],
)
def test_sign_in_past_the_limit_says_it_is_paused(
    live_server, page, screenshot, accounts, path, username, button, name
):
    for _ in range(6):
        page.goto(live_server.url + path)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("wrong-password")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
    assert posted.value.status == 429
    assert page.get_by_text("Too many failed sign-in attempts").is_visible()
    screenshot(page, name)
    # The browser reports each 400 and 429 answer (and the admin's missing favicon) as a
    # failed load; anything else would be a real error.
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []
