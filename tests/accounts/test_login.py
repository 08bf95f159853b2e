from datetime import timedelta

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import LoginFailure

LOGIN = "/accounts/login/"


def attempt(client, username, password="wrong", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_signing_in_returns_to_the_next_page(client, member):
    response = client.post(
        f"{LOGIN}?next=/claims/x/",
        {"username": "mia", "password": "member-pass-123", "next": "/claims/x/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/claims/x/"


def test_a_wrong_password_is_a_400_with_a_message(client, member):
    response = attempt(client, "mia")
    assert response.status_code == 400
    assert "Please enter a correct username and password" in response.content.decode()


def test_five_failures_for_a_username_refuse_further_attempts(client, member):
    for number in range(5):
        assert attempt(client, "mia", address=f"10.0.0.{number}").status_code == 400
    response = attempt(client, "mia", password="member-pass-123", address="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_from_one_address_refuse_further_attempts(client, member):
    for number in range(5):
        attempt(client, f"someone{number}", address="10.0.0.7")
    assert attempt(client, "mia", "member-pass-123", address="10.0.0.7").status_code == 429
    other = Client()
    assert attempt(other, "mia", "member-pass-123", address="10.0.0.8").status_code == 302


def test_attempts_are_allowed_again_after_the_window(client, member):
    for _ in range(5):
        attempt(client, "mia")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "mia", "member-pass-123").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, editor):
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "edith", "password": "no"}, REMOTE_ADDR="10.1.1.1"
        )
    response = client.post(
        "/admin/login/",
        {"username": "edith", "password": "editor-pass-123"},
        REMOTE_ADDR="10.1.1.2",
    )
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_needs_a_post(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    assert member_client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in member_client.session


def test_a_password_reset_sends_a_working_link(client, member):
    response = client.post("/accounts/password_reset/", {"email": "mia@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    page = client.get(path, follow=True)
    assert "Choose a new password" in page.content.decode()
    new = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    assert client.post(page.redirect_chain[-1][0], new).status_code == 302
    assert User.objects.get(username="mia").check_password("another-long-passphrase")
