"""Study facts from Crossref on the submission form and in moderation (fake Crossref)."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from editorial.moderation import approve
from evidence.models import Study, Submission
from tests.factories import make_published_claim, make_study, make_submission

REFERENCE_DOI = "10.1080/02640414.2024.2321021"
FACTS_URL = "/claims/caffeine/evidence/new/study-facts/"
SUBMIT_URL = "/claims/caffeine/evidence/new/"


@pytest.fixture
def claim(db):
    return make_published_claim(slug="caffeine")


def test_a_new_doi_shows_what_crossref_found_with_the_facts_filled_in(
    crossref, member_client, claim
):
    response = member_client.get(FACTS_URL, {"doi": f"https://doi.org/{REFERENCE_DOI}"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Found:</strong> Similar muscle hypertrophy following eight weeks" in html
    assert "<em>Journal of Sports Sciences</em>, 2024, Refalo MC, Helms ER" in html
    assert 'value="Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"' in html
    assert 'name="year" value="2024"' in html
    assert 'name="facts_from" value="10.1080/02640414.2024.2321021"' in html


def test_crossrefs_facts_replace_those_found_for_another_doi_but_keep_the_design(
    crossref, member_client, claim
):
    html = member_client.get(
        FACTS_URL,
        {
            "doi": "10.9999/concern.2020.5",
            "title": "Similar muscle hypertrophy",
            "design": "cohort",
            "facts_from": REFERENCE_DOI,
        },
    ).content.decode()
    assert 'value="Creatine loading and sprint power in adolescents"' in html
    assert '<option value="cohort" selected>' in html


def test_a_doi_crossref_does_not_know_asks_the_member_to_type_the_facts(
    crossref, member_client, claim
):
    html = member_client.get(FACTS_URL, {"doi": "10.9999/nobody.knows"}).content.decode()
    assert "Crossref does not know this DOI. Please type the study's facts." in html
    assert 'name="title"' in html and "Found:" not in html


def test_facts_found_for_another_doi_go_when_the_new_one_is_unknown(crossref, member_client, claim):
    html = member_client.get(
        FACTS_URL,
        {"doi": "10.9999/nobody.knows", "title": "Similar muscle", "facts_from": REFERENCE_DOI},
    ).content.decode()
    assert "Similar muscle" not in html
    assert 'name="title"' in html


def test_offline_the_member_is_told_why_and_types_the_facts(crossref, member_client, claim):
    crossref.mode = "hang"
    html = member_client.get(FACTS_URL, {"doi": REFERENCE_DOI}).content.decode()
    assert "Crossref could not be reached (no answer within 0.3 seconds)." in html
    assert 'name="authors"' in html


def test_without_javascript_a_submission_gets_crossrefs_facts_to_check(
    crossref, member_client, claim
):
    response = member_client.post(
        SUBMIT_URL, {"doi": REFERENCE_DOI, "stance": "supports", "note": "Similar growth."}
    )
    html = response.content.decode()
    # Only the design is left for the member; the rest came from Crossref.
    assert response.status_code == 400
    assert "Found:</strong> Similar muscle hypertrophy" in html
    assert 'value="Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"' in html
    # Beside one field only (the error summary at the top repeats it once, as a link).
    fields = re.sub(r'<section class="error-summary".*?</section>', "", html, flags=re.S)
    assert fields.count("Needed because the site does not know this DOI yet.") == 1
    response = member_client.post(
        SUBMIT_URL,
        {"doi": REFERENCE_DOI, "stance": "supports", "note": "Similar growth.", "design": "rct"},
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert submission.journal == "Journal of Sports Sciences"


def test_authors_are_needed_when_crossref_cannot_supply_them(member_client, claim):
    data = {
        "doi": "10.9999/offline",
        "stance": "supports",
        "note": "A note.",
        "title": "A trial",
        "year": "2024",
        "journal": "J",
        "design": "rct",
    }
    response = member_client.post(SUBMIT_URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_authors-error"' in html
    assert "Crossref could not be reached" in html
    assert not Submission.objects.exists()


def test_a_known_doi_is_never_looked_up(crossref, member_client, claim):
    make_study(doi=REFERENCE_DOI)
    member_client.get(FACTS_URL, {"doi": REFERENCE_DOI})
    assert crossref.requests == []


def test_moderation_shows_crossrefs_facts_and_the_rules_weight(
    crossref, editor_client, member, claim
):
    make_submission(
        claim,
        member,
        doi=REFERENCE_DOI,
        title="Typed title",
        authors="",
        sample_size=18,
        design="rct",
    )
    html = editor_client.get("/moderation/").content.decode()
    assert "Typed title" in html
    assert "Crossref says" in html
    assert "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ (2024)" in html
    assert "<em>Journal of Sports Sciences</em> 42(1):85-101" in html
    # RCT 55, n = 18 (< 30) 0, risk of bias not assessed −5.
    assert "Rule’s weight <strong>50</strong>" in html
    assert "Weight by the rule: Design: Randomised controlled trial (+55)" in html
    # The authors the member left out come from Crossref, ready to approve.
    assert 'value="Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"' in html


def test_approving_a_new_study_keeps_the_authors_and_crossrefs_volume(
    crossref, editor_client, member, claim
):
    submission = make_submission(claim, member, doi=REFERENCE_DOI, authors="Refalo MC")
    prefix = f"approve-{submission.pk}-"
    data = {
        "title": submission.title,
        "authors": "Refalo MC, Helms ER",
        "journal": "Journal of Sports Sciences",
        "year": "2024",
        "design": "rct",
        "sample_size": "18",
    }
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", {prefix + k: v for k, v in data.items()}
    )
    assert response.status_code == 302
    study = Study.objects.get(doi=REFERENCE_DOI)
    assert study.short_authors == "Refalo & Helms"
    assert (study.volume, study.issue, study.pages) == ("42", "1", "85-101")


def test_a_submissions_authors_reach_the_study_when_approved_as_they_are(claim, member, editor):
    submission = make_submission(claim, member, authors="Roe R, Poe P")
    approve(submission, by=editor)
    assert Study.objects.get(doi=submission.doi).authors == "Roe R, Poe P"


def test_a_member_looking_up_many_new_dois_is_told_to_wait_and_crossref_is_not_asked(
    crossref, member_client, claim, settings
):
    settings.CROSSREF_LOOKUPS_PER_MINUTE = 3
    statuses = [
        member_client.get(FACTS_URL, {"doi": f"10.9999/new.{n}"}).status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    asked = len(crossref.work_requests())
    response = member_client.get(FACTS_URL, {"doi": "10.9999/new.9"})
    assert response.status_code == 429
    assert "You have looked up many new DOIs in the last minute" in response.content.decode()
    assert len(crossref.work_requests()) == asked
    # An answer already cached costs nothing.
    assert member_client.get(FACTS_URL, {"doi": "10.9999/new.0"}).status_code == 200


def test_members_sharing_an_address_share_its_limit(crossref, member_client, claim, settings):
    settings.CROSSREF_LOOKUPS_PER_MINUTE = 2
    for n in range(2):
        member_client.get(FACTS_URL, {"doi": f"10.9999/first.{n}"})
    other = Client()
    other.force_login(User.objects.create_user("neighbour", password="x" * 12))
    response = other.get(FACTS_URL, {"doi": "10.9999/second.1"})
    assert response.status_code == 429


def test_a_submission_past_the_lookup_limit_asks_the_member_to_type_the_facts(
    crossref, member_client, claim, settings
):
    settings.CROSSREF_LOOKUPS_PER_MINUTE = 1
    member_client.get(FACTS_URL, {"doi": "10.9999/first.1"})
    response = member_client.post(
        SUBMIT_URL, {"doi": REFERENCE_DOI, "stance": "supports", "note": "n", "design": "rct"}
    )
    assert response.status_code == 400
    assert "wait a minute and try again" in response.content.decode()
    assert not Submission.objects.exists()
