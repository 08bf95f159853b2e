from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import LoginFailure
from tests.conftest import run_in_threads

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


def test_five_failures_for_a_username_from_one_address_refuse_further_attempts(client, member):
    for _ in range(5):
        assert attempt(client, "mia", address="10.0.0.1").status_code == 400
    response = attempt(client, "mia", password="member-pass-123", address="10.0.0.1")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_other_addresses_do_not_lock_the_member_out(client, member):
    for number in range(30):
        attempt(client, "mia", address=f"10.0.{number}.1")
    assert attempt(client, "mia", "member-pass-123", address="10.9.9.9").status_code == 302


@pytest.mark.parametrize("spelling", ["ｍｉａ", "MIA", " mia ", "Ｍｉａ"])
def test_every_spelling_of_a_username_shares_its_lock(client, member, spelling):
    for _ in range(5):
        attempt(client, "mia")
    assert attempt(client, spelling, "member-pass-123").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_full_width_username_signs_in_as_the_member_it_resolves_to(client, member):
    # Authentication applies NFKC, so the throttle must count what it resolves to.
    assert attempt(client, "ｍｉａ", "member-pass-123").status_code == 302


def test_a_look_alike_spelling_shares_the_lock_of_the_name_it_signs_in_as(client, member):
    # Failures for `mia` from one address pause `ｍｉａ` from it too: the same account.
    for _ in range(5):
        attempt(client, "mia")
    response = attempt(client, "ｍｉａ", "member-pass-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("ｖｉｃｔｉｍ", "victim"),
        ("  Victim ", "victim"),
        ("ＶＩＣＴＩＭ", "victim"),
        ("ﬁona", "fiona"),
    ],
)
def test_the_throttle_counts_the_username_authentication_resolves(typed, counted):
    from accounts.forms import username_key

    assert username_key(typed) == counted


def test_a_correct_password_clears_only_its_own_failures(client, member):
    for _ in range(3):
        attempt(client, "mia", address="10.0.0.1")
        attempt(client, "mia", address="10.0.0.2")
    assert attempt(Client(), "mia", "member-pass-123", address="10.0.0.1").status_code == 302
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"10.0.0.2"}


def test_a_flood_of_refused_attempts_leaves_the_table_bounded(client, member):
    for number in range(100):
        attempt(client, f"guess{number % 7}", address="10.6.6.6")
    assert LoginFailure.objects.count() == 20
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    attempt(client, "mia", address="10.7.7.7")
    assert LoginFailure.objects.count() == 1  # the old rows were pruned


def test_many_failures_from_one_address_refuse_further_attempts(client, member):
    for number in range(20):
        assert attempt(client, f"someone{number}", address="10.0.0.7").status_code == 400
    assert attempt(client, "mia", "member-pass-123", address="10.0.0.7").status_code == 429
    other = Client()
    assert attempt(other, "mia", "member-pass-123", address="10.0.0.8").status_code == 302


def test_attempts_are_allowed_again_after_the_window(client, member):
    for _ in range(5):
        attempt(client, "mia")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "mia", "member-pass-123").status_code == 302


def test_the_admin_sign_in_answers_429_past_the_limit(client, editor):
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "edith", "password": "no"}, REMOTE_ADDR="10.1.1.1"
        )
        assert response.status_code == 200  # Django's admin answers a wrong password so
    response = client.post(
        "/admin/login/",
        {"username": "edith", "password": "editor-pass-123"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client()
    response = other.post(
        "/admin/login/?next=/admin/",
        {"username": "edith", "password": "editor-pass-123", "next": "/admin/"},
        REMOTE_ADDR="10.1.1.2",
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_never_check_more_than_the_limit(postgres_only, settings):
    # The real hasher: checking a password takes long, as it does for an attacker.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.create_user("victim", "victim@example.org", "victim-pass-123")

    def guess(index):
        return attempt(Client(), "victim", f"guess-{index}").status_code

    results, errors = run_in_threads(20, guess)
    assert errors == []
    assert sorted(results) == [400] * 5 + [429] * 15
    assert LoginFailure.objects.count() == 5


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
