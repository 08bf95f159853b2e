from django.core import mail
from django.test import Client

from accounts.models import RateLimitedRequest

RESET = "/accounts/password_reset/"


def reset(email, address="10.0.0.1"):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_emails_to_one_address_are_limited_without_refusing_its_owner(member):
    # Someone else asks five times for Mia's email, from five addresses.
    for number in range(5):
        assert reset("mia@example.org", address=f"10.0.0.{number}").status_code == 302
    assert len(mail.outbox) == 5
    # Mia asks herself: the same answer as ever (the emails already sent still work), and
    # her inbox gets no more this hour.
    response = reset("MIA@example.org", address="10.0.0.99")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 5


def test_password_resets_from_one_address_are_limited(member):
    for number in range(5):
        assert reset(f"someone{number}@example.org").status_code == 302
    assert reset("mia@example.org").status_code == 429
    assert mail.outbox == []
    assert reset("mia@example.org", address="10.0.0.2").status_code == 302
    assert len(mail.outbox) == 1


def test_an_unknown_email_gets_the_same_answer_as_a_registered_one(member):
    # Otherwise the answer would tell which emails have accounts.
    for number in range(7):
        registered = reset("mia@example.org", address=f"10.0.1.{number}")
        unknown = reset("nobody@example.org", address=f"10.0.2.{number}")
        assert (registered.status_code, registered["Location"]) == (
            unknown.status_code,
            unknown["Location"],
        )


def test_a_flood_of_resets_leaves_the_table_bounded(member):
    for _ in range(50):
        reset("mia@example.org")
    assert RateLimitedRequest.objects.count() == 10  # 5 for the address, 5 for the email
