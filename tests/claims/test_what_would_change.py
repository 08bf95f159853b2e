"""What would change a verdict (claims/what_would_change.py): every verdict boundary."""

import pytest
from django.core.management import call_command

from claims.models import Claim
from claims.verdicts import Verdict, verdict_for
from claims.what_would_change import (
    examples_for,
    study_kinds,
    verdict_shift,
    what_would_change,
)


def test_the_reference_claim_needs_one_contradicting_study_of_17_to_35():
    down, up = what_would_change(pro=66, against=0)
    # A randomised trial weighs at least 55, and 66 / 55 is Mixed Evidence: it is not named.
    assert down.sentence == (
        "One contradicting study weighing 17 to 35 (for example a cohort, case-control or "
        "cross-sectional study of fewer than 30 people at low risk of bias) would make this "
        "Moderate Support."
    )
    assert (down.weight, down.most) == (17, 35)
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
    assert (shift.weight, shift.most, shift.count) == (126, 269, 2)
    assert shift.sentence.startswith("Two contradicting studies weighing 63 to 134 each")
    assert "126 to 269 in all" in shift.sentence


def test_a_verdict_with_no_next_step_that_way_has_no_upper_limit():
    shift = verdict_shift(pro=70, against=25, direction="up")
    assert (shift.verdict, shift.weight, shift.most) == (Verdict.STRONG_SUPPORT, 30, None)
    assert "weighing at least 30 (for example" in shift.sentence


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


@pytest.mark.parametrize(
    ("least", "most", "kinds"),
    [
        (
            17,
            35,
            "a cohort, case-control or cross-sectional study of fewer than 30 people at low "
            "risk of bias",
        ),
        (43, 149, "a randomised trial at low risk of bias"),
        (63, 134, "a randomised trial of 100 or more people at low risk of bias"),
        (29, 68, "a randomised trial or cohort study of fewer than 300 people at low risk of bias"),
        (10, 12, "a mechanistic or animal study at low risk of bias"),
        (1, 3, ""),
    ],
)
def test_only_kinds_whose_weight_falls_inside_the_range_are_named(least, most, kinds):
    assert study_kinds(least, most) == kinds


def sizes_to_try(example):
    """Both ends of the sizes an example names, and an unknown size where it allows one."""
    if example.min_size is None:
        yield None
        yield 1
    else:
        yield example.min_size
    yield example.max_size if example.max_size is not None else 1_000_000


def assert_examples_give_the_named_verdict(pro, against):
    for shift in what_would_change(pro=pro, against=against):
        if not shift.weight:
            continue
        assert (
            verdict_for(
                pro + shift.weight * (shift.direction == "up"),
                against + shift.weight * (shift.direction == "down"),
            )
            == shift.verdict
        )
        if shift.most is not None:
            assert (
                verdict_for(
                    pro + shift.most * (shift.direction == "up"),
                    against + shift.most * (shift.direction == "down"),
                )
                == shift.verdict
            )
        for example in shift.examples:
            for size in sizes_to_try(example):
                extra = shift.count * example.weight(size)
                up, down = (extra, 0) if shift.direction == "up" else (0, extra)
                outcome = verdict_for(pro + up, against + down)
                assert outcome == shift.verdict, (pro, against, shift.sentence, example, size)


def test_every_named_example_gives_the_named_verdict_on_every_demo_claim(db):
    call_command("loaddemo", verbosity=0)
    claims = Claim.objects.published().select_related("current_version")
    assert claims.count() >= 9
    for claim in claims:
        analysis = claim.current_version.analysis
        assert_examples_give_the_named_verdict(analysis.pro, analysis.against)


def test_every_named_example_gives_the_named_verdict_on_generated_claims(db):
    call_command("generate_claims", "--claims", "60", stdout=None)
    claims = Claim.objects.published().select_related("current_version")
    assert claims.count() == 60
    for claim in claims:
        analysis = claim.current_version.analysis
        assert_examples_give_the_named_verdict(analysis.pro, analysis.against)


@pytest.mark.parametrize("pro", range(0, 160, 7))
@pytest.mark.parametrize("against", range(0, 160, 11))
def test_every_named_example_gives_the_named_verdict_across_the_tallies(pro, against):
    assert_examples_give_the_named_verdict(pro, against)


def test_examples_carry_the_sizes_the_sentence_names():
    (example,) = examples_for(60, 75)
    assert (example.design, example.min_size, example.max_size) == ("rct", 30, None)
