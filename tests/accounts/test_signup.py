from django.contrib.auth.models import User
from pytest_django.asserts import assertInHTML

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
        f'<a class="button" href="/accounts/signup/?next=%2Fclaims%2F{claim.slug}%2F">'
        "Sign up to see full verdict</a>",
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


def test_an_email_already_in_use_is_refused(client, db):
    User.objects.create_user("bob", "Alice@Example.org", "x")
    response = client.post(SIGNUP, form())
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1
