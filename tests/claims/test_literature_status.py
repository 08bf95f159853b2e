"""What the claim page says about its living literature, and that its cache keeps up."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from claims.literature import literature_status
from claims.models import Claim
from editorial.literature import refresh_status
from editorial.models import Candidate
from tests.factories import make_claim, make_evidence, publish

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("checked_days_ago", "waiting", "text", "stale"),
    [
        (0, 2, "Literature checked 3 December 2026 · 2 new studies being screened", False),
        (0, 1, "Literature checked 3 December 2026 · 1 new study being screened", False),
        (0, 0, "Literature checked 3 December 2026", False),
        (30, 0, "Literature checked 3 November 2026", False),
        (31, 0, "Literature checked 2 November 2026", True),
        (None, 0, "Literature not checked yet", True),
    ],
)
def test_the_status_says_when_and_how_many(checked_days_ago, waiting, text, stale):
    checked = None if checked_days_ago is None else NOW - timedelta(days=checked_days_ago)
    status = literature_status(checked_at=checked, waiting=waiting, now=NOW)
    assert (status.text, status.stale) == (text, stale)


def test_a_stale_check_says_so():
    status = literature_status(checked_at=NOW - timedelta(days=40), waiting=0, now=NOW)
    assert status.stale_note == (
        "The literature has not been checked for 30 days: newer studies may be missing."
    )
    never = literature_status(checked_at=None, waiting=0, now=NOW)
    assert (never.text, never.stale_note) == ("Literature not checked yet", "")


@pytest.fixture
def claim(db):
    claim = make_claim(slug="living")
    make_evidence(claim)
    publish(claim)
    return claim


def check(claim, *, when, waiting):
    for n in range(waiting):
        Candidate.objects.get_or_create(
            claim=claim, doi=f"10.7777/w.{n}", defaults={"title": "T", "found_by": "x"}
        )
    claim.literature_checked_at = when
    refresh_status(claim)


def test_the_claim_page_shows_the_status(client, claim):
    check(claim, when=timezone.now(), waiting=2)
    page = client.get("/claims/living/").content.decode()
    today = timezone.localtime()
    assert f"Literature checked {today.day} {today:%B %Y} · 2 new studies being screened" in page
    assert "has not been checked" not in page


def test_the_claim_page_says_when_the_check_is_overdue(client, claim):
    check(claim, when=timezone.now() - timedelta(days=31), waiting=0)
    assert "has not been checked for 30 days" in client.get("/claims/living/").content.decode()


def test_a_cached_page_follows_a_new_check_and_a_screening(client, claim):
    assert "Literature not checked yet" in client.get("/claims/living/").content.decode()
    check(claim, when=timezone.now(), waiting=2)
    page = client.get("/claims/living/").content.decode()
    assert "2 new studies being screened" in page
    Candidate.objects.filter(doi="10.7777/w.0").update(status="not_relevant", reason="other")
    refresh_status(Claim.objects.get(pk=claim.pk))
    assert "1 new study being screened" in client.get("/claims/living/").content.decode()


def test_the_etag_changes_when_the_count_does(client, claim):
    first = client.get("/claims/living/")["ETag"]
    check(claim, when=timezone.now(), waiting=1)
    response = client.get("/claims/living/", HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200


def test_editors_get_a_link_to_screen_readers_do_not(client, editor_client, claim):
    check(claim, when=timezone.now(), waiting=1)
    link = 'href="/editors/claims/living/literature/"'
    assert link in editor_client.get("/claims/living/").content.decode()
    assert link not in client.get("/claims/living/").content.decode()


def test_a_cached_page_goes_overdue_when_thirty_days_pass_without_a_write(
    client, claim, monkeypatch
):
    checked = timezone.now() - timedelta(days=30) + timedelta(hours=1)
    check(claim, when=checked, waiting=0)
    fresh = client.get("/claims/living/")
    assert "has not been checked" not in fresh.content.decode()
    assert "has not been checked" not in client.get("/claims/living/").content.decode()
    # Two hours on, with no write: the page kept (and its stamp) must not stand.
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    overdue = client.get("/claims/living/", HTTP_IF_NONE_MATCH=fresh["ETag"])
    assert overdue.status_code == 200
    assert "has not been checked for 30 days" in overdue.content.decode()
