"""What would change a verdict (claims/what_would_change.py): every verdict boundary."""

import pytest

from claims.verdicts import Verdict, verdict_for
from claims.what_would_change import study_kinds, verdict_shift, what_would_change


def test_the_reference_claim_needs_one_contradicting_study_of_17():
    down, up = what_would_change(pro=66, against=0)
    assert down.sentence == (
        "One contradicting study weighing at least 17 (for example a randomised trial, cohort, "
        "case-control or cross-sectional study at low risk of bias) would make this "
        "Moderate Support."
    )
    assert up.weight == 0 and up.sentence == "Strong Support is already as strong as it gets."


@pytest.mark.parametrize(
    ("pro", "against", "direction", "weight", "verdict"),
    [
        # Strong Support -> Moderate Support: Pro falls below 80 % of the total.
        (66, 0, "down", 17, Verdict.MODERATE_SUPPORT),
        (80, 0, "down", 21, Verdict.MODERATE_SUPPORT),
        # Moderate Support -> Mixed: Pro falls below 65 %.
        (50, 0, "down", 27, Verdict.MIXED),
        (55, 0, "down", 30, Verdict.MIXED),
        # Moderate Support -> Strong Support: Pro reaches 80 % and 60 points.
        (55, 0, "up", 5, Verdict.STRONG_SUPPORT),
        (79, 21, "up", 5, Verdict.STRONG_SUPPORT),
        # Mixed -> Moderate Support / Moderate Against: a side reaches 65 %.
        (50, 50, "up", 43, Verdict.MODERATE_SUPPORT),
        (50, 50, "down", 43, Verdict.MODERATE_AGAINST),
        # Moderate Against -> Strong Against, and back to Mixed.
        (21, 79, "down", 5, Verdict.STRONG_AGAINST),
        (35, 65, "up", 1, Verdict.MIXED),
        (34, 66, "up", 2, Verdict.MIXED),
        # Strong Against -> Moderate Against.
        (0, 60, "up", 16, Verdict.MODERATE_AGAINST),
        # Insufficient -> a verdict: the total reaches 20.
        (0, 0, "up", 20, Verdict.MODERATE_SUPPORT),
        (0, 0, "down", 20, Verdict.MODERATE_AGAINST),
        (17, 0, "up", 3, Verdict.MODERATE_SUPPORT),
        (17, 0, "down", 10, Verdict.MIXED),
    ],
)
def test_it_finds_the_smallest_weight_that_crosses_each_boundary(
    pro, against, direction, weight, verdict
):
    shift = verdict_shift(pro=pro, against=against, direction=direction)
    assert (shift.weight, shift.verdict) == (weight, verdict)
    # One less would not have been enough: the boundary is exact.
    before = (
        verdict_for(pro + weight - 1, against)
        if direction == "up"
        else verdict_for(pro, against + weight - 1)
    )
    assert before != verdict


@pytest.mark.parametrize(("pro", "against"), [(60, 0), (500, 10)])
def test_strong_support_cannot_get_stronger(pro, against):
    assert verdict_shift(pro=pro, against=against, direction="up").weight == 0


def test_strong_against_cannot_get_more_against():
    shift = verdict_shift(pro=0, against=140, direction="down")
    assert shift.sentence == "Strong Against is already as strong as it gets."


def test_weight_beyond_one_study_is_spread_over_several():
    shift = verdict_shift(pro=500, against=0, direction="down")
    assert shift.weight == 126
    assert shift.sentence.startswith("Two contradicting studies weighing at least 63 each")
    assert "126 in all" in shift.sentence


@pytest.mark.parametrize(
    ("weight", "kinds"),
    [
        (
            17,
            "a randomised trial, cohort, case-control or cross-sectional study at low risk of bias",
        ),
        (30, "a randomised trial or cohort study at low risk of bias"),
        (60, "a randomised trial of 30 or more people at low risk of bias"),
        (75, "a randomised trial of 1000 or more people at low risk of bias"),
        (80, "a meta-analysis of 100 or more people at low risk of bias"),
        (91, ""),
    ],
)
def test_weights_are_translated_through_the_weight_rule(weight, kinds):
    assert study_kinds(weight) == kinds
