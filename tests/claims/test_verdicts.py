import pytest
from django.conf import settings

from claims import verdicts
from claims.verdicts import Verdict, rule_rows, verdict_for


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


def test_the_rule_in_words_has_one_row_per_verdict_in_the_order_it_is_checked():
    assert [row.verdict for row in rule_rows()] == [
        Verdict.INSUFFICIENT,
        Verdict.STRONG_SUPPORT,
        Verdict.MODERATE_SUPPORT,
        Verdict.STRONG_AGAINST,
        Verdict.MODERATE_AGAINST,
        Verdict.MIXED,
    ]


def test_the_rule_in_words_follows_its_thresholds(monkeypatch):
    monkeypatch.setattr(verdicts, "MIN_TOTAL", 25)
    monkeypatch.setattr(verdicts, "STRONG_SHARE", 85)
    monkeypatch.setattr(verdicts, "STRONG_MIN", 70)
    monkeypatch.setattr(verdicts, "MODERATE_SHARE", 60)
    conditions = [row.condition.replace("\u00a0", " ") for row in rule_rows()]
    assert conditions == [
        "Pro and Against together are under 25",
        "Pro is at least 85 % of the total and at least 70",
        "Pro is at least 60 % of the total",
        "Against is at least 85 % of the total and at least 70",
        "Against is at least 60 % of the total",
        "Otherwise",
    ]
    assert verdicts.verdict_for(24, 0) == Verdict.INSUFFICIENT


def test_the_readme_states_the_rule_as_the_code_does():
    readme = (settings.BASE_DIR / "README.md").read_text()
    table = readme.split("**Verdict**", 1)[1].split("\n\n", 2)[1]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.splitlines()[2:]  # after the header and its rule
    ]
    assert rows == [
        [row.condition.replace("\u00a0", " "), row.verdict.label] for row in rule_rows()
    ]
