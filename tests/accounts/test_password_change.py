"""The password-change page checks the old password under the same throttle as sign-in."""

from django.contrib.auth.models import User
from django.test import Client

from accounts.models import LoginFailure

CHANGE = "/accounts/password_change/"


def change(client, old, new="a-brand-new-passphrase-7", address="10.0.0.1"):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(CHANGE, data, REMOTE_ADDR=address)


def signed_in(member):
    client = Client()
    client.force_login(member)
    return client


def test_the_old_password_check_is_paused_after_five_wrong_guesses(member):
    client = signed_in(member)
    for _ in range(5):
        assert change(client, "guess").status_code == 400
    response = change(client, "member-pass-123")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert User.objects.get(pk=member.pk).check_password("member-pass-123")


def test_wrong_old_passwords_count_against_sign_in_too(member):
    client = signed_in(member)
    for _ in range(5):
        change(client, "guess")
    response = Client().post(
        "/accounts/login/",
        {"username": "mia", "password": "member-pass-123"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429


def test_the_right_old_password_changes_it_and_clears_the_failures(member):
    client = signed_in(member)
    change(client, "guess")
    response = change(client, "member-pass-123")
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).check_password("a-brand-new-passphrase-7")
    assert not LoginFailure.objects.filter(username="mia").exists()


def test_guesses_from_elsewhere_do_not_pause_the_owner(member):
    attacker = signed_in(member)
    for _ in range(5):
        change(attacker, "guess", address="203.0.113.5")
    owner = signed_in(member)
    assert change(owner, "member-pass-123", address="198.51.100.9").status_code == 302
