"""Following a claim: the button, the member's list, the emails and the unsubscribe link."""

import re
from smtplib import SMTPException

import pytest
from django.core import mail
from django.test import Client

from claims.models import Follow, SentEmail
from claims.notifications import notify_followers, unsubscribe_token
from editorial import moderation
from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_study, make_submission, publish


@pytest.fixture
def claim(db):
    claim = make_claim(slug="coffee", statement="Coffee helps cyclists & runners.")
    publish(claim, "First.")
    claim.refresh_from_db()
    return claim


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


def publish_with_emails(django_capture_on_commit_callbacks, claim, note="Two new trials."):
    for _ in range(3):
        make_evidence(claim, make_study(sample_size=400), Stance.SUPPORTS)
    with django_capture_on_commit_callbacks(execute=True):
        return publish(claim, note)


def test_a_member_follows_a_claim_with_a_plain_form(member_client, member, claim):
    response = member_client.post("/claims/coffee/follow/")
    assert response.status_code == 302
    assert response["Location"] == "/claims/coffee/#follow"
    assert Follow.objects.filter(user=member, claim=claim).exists()
    page = member_client.get("/claims/coffee/").content.decode()
    assert "You follow this claim" in page
    assert 'action="/claims/coffee/unfollow/"' in page


def test_htmx_follow_answers_the_button_only(member_client, member, claim):
    response = member_client.post("/claims/coffee/follow/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Unfollow" in html
    response = member_client.post("/claims/coffee/unfollow/", HTTP_HX_REQUEST="true")
    assert "Follow this claim</button>" in response.content.decode()
    assert not Follow.objects.filter(user=member).exists()


def test_following_twice_keeps_one_follow(member_client, member, claim):
    member_client.post("/claims/coffee/follow/")
    member_client.post("/claims/coffee/follow/")
    assert Follow.objects.filter(user=member).count() == 1


def test_readers_are_asked_to_log_in_and_cannot_follow(client, claim):
    page = client.get("/claims/coffee/").content.decode()
    assert "Log in to follow it" in page
    response = client.post("/claims/coffee/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_follow_refuses_get_and_unpublished_claims(member_client, db):
    make_claim(slug="draft")
    assert member_client.get("/claims/coffee/follow/").status_code == 405
    assert member_client.post("/claims/draft/follow/").status_code == 404


def test_follow_needs_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    make_claim(slug="c")
    assert client.post("/claims/c/follow/").status_code == 403


def test_the_following_page_lists_what_a_member_follows(member_client, member, claim, db):
    other = make_claim(slug="tea", statement="Tea calms.")
    publish(other, "One.")
    Follow.objects.create(user=member, claim=claim)
    Follow.objects.create(user=member, claim=other)
    html = member_client.get("/accounts/following/").content.decode()
    assert "Coffee helps cyclists &amp; runners." in html and "Tea calms." in html
    assert Client().get("/accounts/following/").status_code == 302


def test_the_following_page_takes_the_same_queries_for_many_claims(
    member_client, member, db, django_assert_max_num_queries
):
    for n in range(10):
        claim = make_claim(slug=f"c{n}")
        publish(claim, "One.")
        Follow.objects.create(user=member, claim=claim)
    with django_assert_max_num_queries(6):
        response = member_client.get("/accounts/following/")
    assert response.content.decode().count("Unfollow") == 10


def test_each_follower_gets_one_email_after_the_publication_commits(
    member, claim, django_capture_on_commit_callbacks, django_user_model
):
    Follow.objects.create(user=member, claim=claim)
    other = django_user_model.objects.create_user("olga", "olga@example.org", "pw-12345678")
    Follow.objects.create(user=other, claim=claim)
    for _ in range(3):
        make_evidence(claim, make_study(sample_size=400), Stance.SUPPORTS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = publish(claim, "Two new trials.")
        assert mail.outbox == []  # nothing is sent inside the transaction
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["mia@example.org", "olga@example.org"]
    message = next(m for m in mail.outbox if m.to == ["mia@example.org"])
    assert message.subject == "Analysis v2: Coffee helps cyclists & runners."
    assert "Coffee helps cyclists & runners." in message.body
    assert "Two new trials." in message.body
    assert f"Verdict: Insufficient Evidence → {version.get_verdict_display()}" in message.body
    assert "http://127.0.0.1:8000/claims/coffee/v/2/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_retried_task_does_not_send_twice(member, claim, django_capture_on_commit_callbacks):
    Follow.objects.create(user=member, claim=claim)
    version = publish_with_emails(django_capture_on_commit_callbacks, claim)
    assert len(mail.outbox) == 1
    notify_followers.enqueue(version_id=version.pk)
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get().sent_at is not None


def test_a_failing_mail_server_never_fails_the_publication(
    member, claim, django_capture_on_commit_callbacks, monkeypatch
):
    Follow.objects.create(user=member, claim=claim)

    def refuse(self, *args, **kwargs):
        raise SMTPException("Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    version = publish_with_emails(django_capture_on_commit_callbacks, claim)
    claim.refresh_from_db()
    assert claim.current_version == version
    record = SentEmail.objects.get()
    assert record.sent_at is None and "Connection refused" in record.error
    # Once the server is back, a retry sends what was not sent.
    monkeypatch.undo()
    notify_followers.enqueue(version_id=version.pk)
    assert len(mail.outbox) == 1


def test_the_unsubscribe_link_works_once_without_signing_in(
    client, member, claim, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=member, claim=claim)
    publish_with_emails(django_capture_on_commit_callbacks, claim)
    link = re.search(r"http://127\.0\.0\.1:8000(/unsubscribe/\S+/)", mail.outbox[0].body)[1]
    page = client.get(link).content.decode()
    assert "Stop emails about this claim" in page
    assert Follow.objects.exists()  # a GET (a link scanner, say) changes nothing
    done = client.post(link).content.decode()
    assert "you no longer follow" in done
    assert not Follow.objects.exists()
    again = client.post(link).content.decode()
    assert "This link was already used" in again
    # Following again makes a new follow that the old link does not end.
    follow = Follow.objects.create(user=member, claim=claim)
    client.post(link)
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert unsubscribe_token(follow) not in link


def test_a_forged_unsubscribe_link_is_refused(client, member, claim):
    follow = Follow.objects.create(user=member, claim=claim)
    token = unsubscribe_token(follow)
    response = client.post(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Follow.objects.exists()


def test_a_member_hears_when_their_submission_is_approved_or_rejected(
    member, editor, claim, django_capture_on_commit_callbacks
):
    approved = make_submission(claim, member, doi="10.5555/yes", stance=Stance.SUPPORTS)
    rejected = make_submission(claim, member, doi="10.5555/no")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(approved, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(rejected, by=editor, reason="Not about <cyclists>.")
    yes, no = mail.outbox
    assert yes.to == ["mia@example.org"]
    assert yes.subject == "Your submission 10.5555/yes was approved"
    assert "v2" in yes.body
    assert no.subject == "Your submission 10.5555/no was rejected"
    assert "Not about <cyclists>." in no.body


def test_an_approval_emails_followers_once_and_the_member(
    member, editor, claim, django_capture_on_commit_callbacks
):
    Follow.objects.create(user=member, claim=claim)
    submission = make_submission(claim, member, doi="10.5555/both", stance=Stance.SUPPORTS)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(submission, by=editor)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Analysis v2: Coffee helps cyclists & runners.",
        "Your submission 10.5555/both was approved",
    ]


def test_a_rolled_back_publication_sends_nothing(member, claim, django_capture_on_commit_callbacks):
    from django.db import transaction

    Follow.objects.create(user=member, claim=claim)
    make_evidence(claim, make_study(), Stance.SUPPORTS)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(claim, "Doomed.")
        raise RuntimeError("rolled back")
    assert mail.outbox == []


def test_followers_hear_when_a_retraction_publishes_a_new_version(
    member, crossref, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    retracted = make_study(doi="10.9999/retracted.2021.1", title="Fasted training")
    claim = make_claim(slug="fasted", statement="Fasted training burns more fat.")
    make_evidence(claim, retracted)
    publish(claim, "First.")
    Follow.objects.create(user=member, claim=claim)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_retractions", stdout=StringIO(), stderr=StringIO())
    (message,) = mail.outbox
    assert message.subject == "Analysis v2: Fasted training burns more fat."
    assert "Retraction" in message.body
