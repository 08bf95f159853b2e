"""A study's effect data: the rule that validates it (evidence/effects.py) and the claim admin's
evidence row where an editor enters it, folded by default."""

import pytest

from evidence.effects import effect_errors
from evidence.models import Evidence
from tests.factories import make_claim, make_evidence, make_study
from tests.test_admin_claim_editing import claim_data

ESTIMATE = {
    "effect_outcome": "Muscle thickness",
    "effect_measure": "smd",
    "effect_estimate": 0.4,
    "effect_ci_low": 0.1,
    "effect_ci_high": 0.7,
}
RAW_MEANS = {
    "effect_outcome": "Muscle thickness",
    "effect_measure": "md",
    "effect_mean_1": 5.2,
    "effect_sd_1": 1.1,
    "effect_n_1": 12,
    "effect_mean_2": 4.6,
    "effect_sd_2": 1.3,
    "effect_n_2": 11,
}
RAW_EVENTS = {
    "effect_outcome": "Injuries",
    "effect_measure": "rr",
    "effect_events_1": 3,
    "effect_n_1": 40,
    "effect_events_2": 9,
    "effect_n_2": 41,
}


@pytest.mark.parametrize("values", [{}, ESTIMATE, RAW_MEANS, RAW_EVENTS])
def test_no_effect_data_or_complete_effect_data_is_accepted(values):
    assert effect_errors(values) == {}


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({**ESTIMATE, "effect_estimate": 0.9}, "effect_estimate", "must contain the estimate"),
        ({**ESTIMATE, "effect_ci_low": 0.8}, "effect_ci_high", "is below the lower one"),
        ({**ESTIMATE, "effect_ci_high": None}, "effect_ci_high", "upper limit of the 95 % CI"),
        (
            {**ESTIMATE, "effect_measure": "rr", "effect_ci_low": 0},
            "effect_ci_low",
            "A risk ratio is greater than 0",
        ),
        (
            {**ESTIMATE, "effect_measure": "or", "effect_estimate": -0.2, "effect_ci_low": -0.5},
            "effect_estimate",
            "An odds ratio is greater than 0",
        ),
        ({**RAW_MEANS, "effect_sd_2": 0}, "effect_sd_2", "standard deviation is greater than 0"),
        ({**RAW_MEANS, "effect_sd_1": -1.0}, "effect_sd_1", "standard deviation is greater"),
        ({**RAW_MEANS, "effect_mean_2": None}, "effect_mean_2", "Needed to compute"),
        (
            {**RAW_EVENTS, "effect_events_1": 41},
            "effect_events_1",
            "More events (41) than participants (40) in the intervention group.",
        ),
        ({**RAW_EVENTS, "effect_measure": ""}, "effect_measure", "Choose the measure"),
        ({**ESTIMATE, "effect_outcome": " "}, "effect_outcome", "Name the outcome"),
        ({"effect_outcome": "Strength", "effect_measure": "md"}, "effect_estimate", "raw data"),
        ({**ESTIMATE, "effect_n_1": 10}, "effect_n_1", "not both"),
        ({**RAW_EVENTS, "effect_sd_1": 2.0}, "effect_sd_1", "uses no means and SDs"),
    ],
)
def test_wrong_effect_data_gets_a_message_beside_the_field(values, field, message):
    errors = effect_errors(values)
    assert field in errors, errors
    assert message in errors[field]


def evidence_row(evidence, **effect):
    return {
        "id": str(evidence.pk),
        "claim": str(evidence.claim_id),
        "study": str(evidence.study_id),
        "stance": evidence.stance,
        "finding": evidence.finding,
        **{key: "" if value is None else str(value) for key, value in effect.items()},
    }


@pytest.mark.django_db
def test_an_editor_enters_a_studys_effect_on_its_evidence_row(editor_client):
    claim = make_claim(statement="Training to failure grows muscle.")
    evidence = make_evidence(claim, make_study())
    url = f"/admin/claims/claim/{claim.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert "<summary>Effect size (optional)</summary>" in page
    assert '<details class="effect-data">' in page  # folded
    assert '<label for="id_evidence-0-effect_estimate">Estimate:</label>' in page

    data = claim_data(
        statement=claim.statement,
        slug=claim.slug,
        effect_direction="higher",
        evidence=[evidence_row(evidence, **ESTIMATE)],
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence.refresh_from_db()
    assert (evidence.effect_measure, evidence.effect_estimate) == ("smd", 0.4)
    assert (evidence.effect_ci_low, evidence.effect_ci_high) == (0.1, 0.7)


@pytest.mark.django_db
def test_an_interval_that_misses_its_estimate_opens_the_fold_with_a_message_and_saves_nothing(
    editor_client,
):
    claim = make_claim(statement="Training to failure grows muscle.")
    evidence = make_evidence(claim, make_study(), finding="Before.")
    url = f"/admin/claims/claim/{claim.pk}/change/"
    row = evidence_row(evidence, **{**ESTIMATE, "effect_estimate": 0.9})
    row["finding"] = "After."
    data = claim_data(statement=claim.statement, slug=claim.slug, evidence=[row])
    response = editor_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<details class="effect-data" open>' in page
    assert "The 95 % CI (0.1 to 0.7) must contain the estimate (0.9)." in page
    evidence.refresh_from_db()
    assert (evidence.finding, evidence.effect_estimate) == ("Before.", None)


@pytest.mark.django_db
def test_the_model_refuses_more_events_than_participants():
    from django.core.exceptions import ValidationError

    evidence = Evidence(claim=make_claim(), study=make_study(), stance="supports", **RAW_EVENTS)
    evidence.effect_events_2 = 50
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert refused.value.message_dict["effect_events_2"] == [
        "More events (50) than participants (41) in the comparison group."
    ]
