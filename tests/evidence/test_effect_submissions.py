"""A member may add the study's effect to a submission (optional); moderation shows it, and
approving carries it onto the evidence."""

import pytest

from evidence.models import Evidence, Submission
from tests.editorial.test_moderation import approve_data
from tests.evidence.test_submit import URL, post
from tests.factories import make_published_claim, make_submission

EFFECT = {
    "effect_outcome": "5-km time-trial time",
    "effect_measure": "md",
    "effect_estimate": "-12.5",
    "effect_ci_low": "-20.0",
    "effect_ci_high": "-5.0",
}


@pytest.fixture
def claim(db):
    return make_published_claim(slug="caffeine")


def test_the_submission_form_offers_the_effect_folded_and_optional(member_client, claim):
    html = member_client.get(URL).content.decode()
    assert '<details class="effect-entry">' in html
    assert "The study&#x27;s effect size (optional)" in html or "effect size (optional)" in html
    for label in ("Outcome", "Measure", "Estimate", "Intervention events", "Comparison SD"):
        assert f'>{label} <span class="optional">(optional)</span>' in html, label


def test_a_member_submits_a_study_with_its_effect(member_client, claim):
    response = post(member_client, **EFFECT)
    assert response.status_code in (200, 302), response.content.decode()[:1500]
    submission = Submission.objects.get()
    assert (submission.effect_measure, submission.effect_estimate) == ("md", -12.5)
    assert submission.effect_description == (
        "5-km time-trial time: Mean difference -12.5 (95 % CI -20 to -5)"
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_more_events_than_participants_is_a_400_beside_the_field_with_the_fold_open(
    member_client, claim, htmx
):
    response = post(
        member_client,
        htmx=htmx,
        effect_outcome="Injuries",
        effect_measure="rr",
        effect_events_1="30",
        effect_n_1="20",
        effect_events_2="5",
        effect_n_2="20",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="effect-entry" open>' in html
    error = html[html.index('id="id_effect_events_1-error"') :][:300]
    assert "More events (30) than participants (20) in the intervention group." in error
    assert not Submission.objects.exists()


def test_moderation_shows_the_effect_and_approving_carries_it_to_the_evidence(
    editor_client, member, claim
):
    submission = make_submission(
        claim,
        member,
        effect_outcome="Injuries",
        effect_measure="rr",
        effect_events_1=3,
        effect_n_1=40,
        effect_events_2=9,
        effect_n_2=41,
    )
    html = editor_client.get("/moderation/").content.decode()
    assert (
        "<strong>Effect size:</strong> Injuries: Risk ratio from raw data: intervention 3 of 40; "
        "comparison 9 of 41" in html
    )
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", approve_data(submission, authors="Roe R")
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(study__doi=submission.doi)
    assert (evidence.effect_measure, evidence.effect_events_1, evidence.effect_n_2) == (
        "rr",
        3,
        41,
    )
