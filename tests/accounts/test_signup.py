import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from pytest_django.asserts import assertInHTML

from accounts.models import RateLimitedRequest
from tests.conftest import run_in_threads
from tests.factories import make_gold_standard, make_published_claim, publish

SIGNUP = "/accounts/signup/"


def form(**fields):
    return {
        "username": "alice",
        "email": "alice@example.org",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **fields,
    }


def test_the_form_has_the_four_labelled_fields(client, db):
    html = client.get(SIGNUP).content.decode()
    for label in ("Username", "Email", "Password", "Password confirmation"):
        assert f">{label}" in html, label


def test_signing_up_logs_the_member_in_and_returns_to_the_claim(client, db):
    claim = make_published_claim()
    make_gold_standard(claim, description="A decisive trial.")
    publish(claim)
    response = client.post(f"{SIGNUP}?next={claim.get_absolute_url()}", form())
    assert response.status_code == 302
    assert response["Location"] == claim.get_absolute_url()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "A decisive trial." in html
    assert "Sign up to see full verdict" not in html
    assert User.objects.get(username="alice").email == "alice@example.org"


def test_the_gate_on_the_claim_page_links_to_sign_up_and_back(client, db):
    claim = make_published_claim()
    html = client.get(claim.get_absolute_url()).content.decode()
    assertInHTML(
        f'<a class="button" href="/accounts/signup/?next=%2Fclaims%2F{claim.slug}%2F" '
        'aria-describedby="gate-what">Sign up to see full verdict</a>',
        html,
    )


def test_an_outside_next_is_ignored(client, db):
    response = client.post(f"{SIGNUP}?next=https://evil.example/steal", form())
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, db):
    response = client.post(SIGNUP, form(password2="something-else-entirely"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The two password fields didn’t match." in html
    assert 'value="alice"' in html  # what the member typed is kept
    assert not User.objects.exists()


def test_a_common_password_is_refused(client, db):
    response = client.post(SIGNUP, form(password1="password123", password2="password123"))
    assert response.status_code == 400
    assert "too common" in response.content.decode()


def test_signing_up_with_a_registered_email_looks_the_same_and_tells_its_owner(client, db):
    User.objects.create_user("bob", "Alice@Example.org", "x")
    fresh = Client().post(SIGNUP, form(username="carol", email="carol@example.org"))
    mail.outbox.clear()
    taken = client.post(SIGNUP, form())
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert "already" not in taken.content.decode()
    # The new account is made without the address; the address's owner is told.
    assert User.objects.get(username="alice").email == ""
    assert User.objects.get(username="bob").email == "Alice@example.org"
    [notice] = mail.outbox
    assert notice.to == ["alice@example.org"]
    assert "“alice”" in notice.body and "“bob”" in notice.body
    assert "/accounts/password_reset/" in notice.body


def test_a_new_email_gets_no_notice(client, db):
    client.post(SIGNUP, form())
    assert mail.outbox == []
    assert User.objects.get(username="alice").email == "alice@example.org"


def test_sign_ups_from_one_address_are_limited(db, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 3
    for number in range(3):
        response = Client().post(
            SIGNUP, form(username=f"user{number}", email=f"u{number}@example.org")
        )
        assert response.status_code == 302
    response = Client().post(SIGNUP, form(username="user9"), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert "Too many sign-ups from this address" in response.content.decode()
    assert not User.objects.filter(username="user9").exists()
    other = Client().post(SIGNUP, form(username="user9"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_flood_of_sign_ups_leaves_the_table_bounded(db, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 3
    for _ in range(30):
        Client().post(SIGNUP, form(password2="mismatch"))
    assert RateLimitedRequest.objects.filter(action="signup").count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_from_one_address_never_pass_the_limit(postgres_only, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 5

    def sign_up(index):
        return (
            Client()
            .post(SIGNUP, form(username=f"user{index}", email=f"u{index}@example.org"))
            .status_code
        )

    results, errors = run_in_threads(20, sign_up)
    assert errors == []
    assert sorted(results) == [302] * 5 + [429] * 15
    assert User.objects.count() == 5


def test_a_new_member_is_welcomed_by_name_and_told_what_they_can_do(client, db):
    claim = make_published_claim(slug="caffeine")
    form_url = "/claims/caffeine/evidence/new/?stance=contradicts"
    response = client.post(f"{SIGNUP}?next={form_url}", form(), follow=True)
    assert response.redirect_chain[-1][0] == form_url
    html = response.content.decode()
    assert "Welcome, alice!" in html
    assert "see the full verdict on every claim" in html
    assert "submit studies that support or contradict a claim" in html
    assert claim.statement in html  # back at the form, about this claim


def test_the_sign_up_page_offers_to_log_in_instead_and_keeps_where_to_return(client, db):
    html = client.get(f"{SIGNUP}?next=/claims/caffeine/evidence/new/%3Fstance%3Dsupports")
    assertInHTML(
        '<a href="/accounts/login/?next=/claims/caffeine/evidence/new/%3Fstance%3Dsupports">'
        "Log in</a>",
        html.content.decode(),
    )
