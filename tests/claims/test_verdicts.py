import pytest

from claims.verdicts import Verdict, verdict_for


def test_the_reference_claim_66_to_0_is_strong_support():
    assert verdict_for(66, 0) == Verdict.STRONG_SUPPORT
    assert Verdict.STRONG_SUPPORT.label == "Strong Support"


@pytest.mark.parametrize(
    ("pro", "against", "expected"),
    [
        # Too little evidence in all: below 20 total.
        (0, 0, Verdict.INSUFFICIENT),
        (19, 0, Verdict.INSUFFICIENT),
        (10, 9, Verdict.INSUFFICIENT),
        (20, 0, Verdict.MODERATE_SUPPORT),  # 20 total is enough; 100 % but < 60 points
        (0, 20, Verdict.MODERATE_AGAINST),
        # Strong needs ≥ 60 points on the side...
        (59, 0, Verdict.MODERATE_SUPPORT),
        (60, 0, Verdict.STRONG_SUPPORT),
        (0, 59, Verdict.MODERATE_AGAINST),
        (0, 60, Verdict.STRONG_AGAINST),
        # ...and ≥ 80 % of the total.
        (80, 20, Verdict.STRONG_SUPPORT),
        (79, 21, Verdict.MODERATE_SUPPORT),
        (20, 80, Verdict.STRONG_AGAINST),
        (21, 79, Verdict.MODERATE_AGAINST),
        # Moderate needs ≥ 65 %; below that on both sides it is mixed.
        (65, 35, Verdict.MODERATE_SUPPORT),
        (64, 36, Verdict.MIXED),
        (35, 65, Verdict.MODERATE_AGAINST),
        (36, 64, Verdict.MIXED),
        (50, 50, Verdict.MIXED),
    ],
)
def test_every_threshold_at_its_boundary(pro, against, expected):
    assert verdict_for(pro, against) == expected


def test_negative_tallies_are_refused():
    with pytest.raises(ValueError):
        verdict_for(-1, 30)


def test_there_are_six_verdict_labels():
    assert [v.label for v in Verdict] == [
        "Strong Support",
        "Moderate Support",
        "Mixed Evidence",
        "Moderate Against",
        "Strong Against",
        "Insufficient Evidence",
    ]
