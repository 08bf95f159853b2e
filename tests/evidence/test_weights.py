import pytest

from evidence.choices import RiskOfBias, StudyDesign
from evidence.weights import compute_weight


def weight(**kwargs):
    args = {"design": StudyDesign.RCT, "sample_size": 50, "risk_of_bias": RiskOfBias.LOW}
    return compute_weight(**{**args, **kwargs})


def test_a_small_low_risk_randomised_trial_weighs_its_design_base():
    assert weight(sample_size=18).value == 55


def test_stronger_designs_weigh_more_at_equal_size_and_risk():
    values = [weight(design=design, sample_size=500).value for design in StudyDesign.values[:5]]
    assert values == sorted(values, reverse=True)
    assert values[0] > values[-1]


@pytest.mark.parametrize(
    ("n", "bonus"), [(29, 0), (30, 5), (99, 5), (100, 10), (299, 10), (300, 15), (1000, 20)]
)
def test_the_sample_size_bonus_steps_at_each_threshold(n, bonus):
    assert weight(sample_size=n).value == 55 + bonus


def test_sample_size_does_not_count_for_laboratory_designs():
    assert weight(design=StudyDesign.IN_VITRO, sample_size=5000).value == 6


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        (RiskOfBias.LOW, 60),
        (RiskOfBias.NOT_ASSESSED, 55),
        (RiskOfBias.SOME_CONCERNS, 50),
        (RiskOfBias.HIGH, 35),
    ],
)
def test_risk_of_bias_lowers_the_weight(risk, expected):
    assert weight(risk_of_bias=risk).value == expected


def test_the_weight_stays_within_0_and_100():
    assert weight(design=StudyDesign.META_ANALYSIS, sample_size=10**6).value == 90
    assert weight(design=StudyDesign.EXPERT_OPINION, risk_of_bias=RiskOfBias.HIGH).value == 0


def test_a_retracted_study_weighs_zero_even_with_an_override():
    result = weight(retracted=True, override=80, override_reason="Editor thinks so")
    assert result.value == 0
    assert result.retracted
    assert result.computed == 60


def test_an_editor_override_wins_and_says_so():
    result = weight(override=66, override_reason="Within-subject design")
    assert (result.value, result.computed, result.overridden) == (66, 60, True)
    assert result.override_reason == "Within-subject design"


def test_the_parts_add_up_to_the_computed_weight():
    result = weight(design=StudyDesign.COHORT, sample_size=400, risk_of_bias=RiskOfBias.HIGH)
    assert sum(part.points for part in result.parts) == result.computed == 25
