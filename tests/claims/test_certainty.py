"""The certainty rule (claims/certainty.py), at every threshold."""

import pytest

from claims.certainty import CertaintyLevel, EditorJudgements, certainty_for, suggestions_for
from tests.claims.snapshot_items import item


def rate(*items, **judgements):
    return certainty_for(evidence=list(items), judgements=EditorJudgements(**judgements))


def points(certainty, domain):
    return sum(r.points for r in certainty.ratings if r.domain == domain)


def test_the_reference_claim_is_low_high_minus_two_for_18_participants():
    certainty = rate(item(weight=66, computed=55, design="rct", n=18, bias="low"))
    assert certainty.level == CertaintyLevel.LOW
    assert certainty.label == "Low"
    assert certainty.start.label == "High"
    (change,) = certainty.changes
    assert (change.domain, change.points) == ("imprecision", -2)
    assert "18 participants" in change.reason and "fewer than 100" in change.reason


@pytest.mark.parametrize(
    ("designs", "start"),
    [
        (["rct"], "high"),
        (["meta_analysis", "cohort"], "high"),
        (["cohort", "animal"], "low"),
        (["case_control"], "low"),
        (["cross_sectional"], "low"),
        (["mechanistic_review", "animal", "in_vitro", "case_report", "expert_opinion"], "very_low"),
        ([], "very_low"),
    ],
)
def test_it_starts_from_the_best_design(designs, start):
    certainty = rate(*[item(design=d, n=5000, weight=10) for d in designs])
    assert certainty.start.label == CertaintyLevel(start).label


def test_a_retracted_trial_does_not_lift_the_start():
    certainty = rate(item(design="rct", retracted=True), item(design="cohort", n=5000))
    assert certainty.start.label == "Low"


@pytest.mark.parametrize(
    ("high", "doubtful", "low", "expected"),
    [
        (51, 0, 49, -2),  # more than half at high risk
        (50, 0, 50, 0),  # exactly half is not more than half...
        (50, 1, 49, -1),  # ...half at high risk plus some concerns is, for -1
        (0, 51, 49, -1),
        (0, 50, 50, 0),
    ],
)
def test_risk_of_bias_counts_the_share_of_weight(high, doubtful, low, expected):
    items = [
        item(weight=high, bias="high", n=1000),
        item(weight=doubtful, bias="some_concerns", n=1000),
        item(weight=low, bias="low", n=1000),
    ]
    assert points(rate(*items), "risk_of_bias") == expected


def test_not_assessed_counts_as_doubtful():
    certainty = rate(item(weight=60, bias="not_assessed", n=1000), item(weight=40, n=1000))
    assert points(certainty, "risk_of_bias") == -1
    assert "60 of the total weight of 100 (60 %)" in certainty.changes[0].reason


@pytest.mark.parametrize(
    ("pro", "against", "expected"),
    [(65, 35, -2), (66, 34, -1), (80, 20, -1), (81, 19, 0), (35, 65, -2), (19, 81, 0)],
)
def test_inconsistency_counts_the_smaller_side(pro, against, expected):
    certainty = rate(item(weight=pro, n=1000), item(stance="contradicts", weight=against, n=1000))
    assert points(certainty, "inconsistency") == expected


def test_the_inconsistency_reason_names_the_side_and_share():
    certainty = rate(item(weight=130, n=1000), item(stance="contradicts", weight=55, n=1000))
    (reason,) = [r.reason for r in certainty.ratings if r.domain == "inconsistency"]
    assert reason == (
        "The studies disagree: the smaller side (Against, 55) holds 29 % of the total weight "
        "of 185."
    )


@pytest.mark.parametrize(
    ("indirect_weight", "direct_weight", "expected"), [(51, 49, -1), (50, 50, 0)]
)
def test_indirectness_needs_more_than_half_the_weight(indirect_weight, direct_weight, expected):
    certainty = rate(
        item(weight=indirect_weight, indirect=True, n=1000), item(weight=direct_weight, n=1000)
    )
    assert points(certainty, "indirectness") == expected


def test_animal_and_in_vitro_studies_count_as_indirect():
    certainty = rate(
        item(weight=30, n=1000),
        item(weight=20, design="animal", n=None),
        item(weight=20, design="in_vitro", n=None),
    )
    assert points(certainty, "indirectness") == -1


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [([99], -2), ([60, 40], -1), ([399], -1), ([400], 0), ([200, 200], 0)],
)
def test_imprecision_counts_participants_across_studies_of_people(sizes, expected):
    assert points(rate(*[item(n=n) for n in sizes]), "imprecision") == expected


def test_animals_are_not_participants():
    certainty = rate(item(n=350), item(design="animal", n=500, weight=5))
    assert points(certainty, "imprecision") == -1


def test_publication_bias_suspected_by_an_editor_costs_one_level():
    certainty = rate(item(n=1000), publication_bias=True)
    assert points(certainty, "publication_bias") == -1
    assert certainty.level == CertaintyLevel.MODERATE


def test_it_never_goes_below_very_low():
    certainty = rate(
        item(weight=30, bias="high", n=10),
        item(stance="contradicts", weight=30, bias="high", n=10),
        publication_bias=True,
    )
    assert certainty.level == CertaintyLevel.VERY_LOW


@pytest.mark.parametrize(
    ("judgements", "expected"),
    [
        ({"large_effect": 1, "large_effect_reason": "RR 2.5"}, "moderate"),
        ({"large_effect": 2, "large_effect_reason": "RR 6"}, "high"),
        ({"dose_response": True, "dose_response_reason": "Graded"}, "moderate"),
        (
            {"residual_confounding": True, "residual_confounding_reason": "Healthy users"},
            "moderate",
        ),
        (
            {
                "large_effect": 2,
                "large_effect_reason": "RR 6",
                "dose_response": True,
                "dose_response_reason": "Graded",
            },
            "high",  # never above High
        ),
    ],
)
def test_observational_evidence_can_be_raised_with_reasons(judgements, expected):
    certainty = rate(item(design="cohort", n=5000), **judgements)
    assert certainty.level == expected
    assert all(r.reason for r in certainty.changes)


def test_upgrades_do_not_apply_to_evidence_that_starts_high():
    certainty = rate(item(n=1000), large_effect=2, large_effect_reason="RR 6")
    assert certainty.level == CertaintyLevel.HIGH
    (note,) = certainty.changes
    assert note.points == 0 and "only to evidence that starts at Low" in note.reason


def test_an_editor_override_wins_and_is_shown_as_one():
    certainty = rate(item(n=18), override="moderate", override_reason="Within-subject design.")
    assert (certainty.level, certainty.label) == ("moderate", "Moderate")
    assert (certainty.computed_level, certainty.computed_label) == ("low", "Low")
    assert certainty.overridden and certainty.override_reason == "Within-subject design."


def test_weightless_evidence_is_rated_without_dividing_by_zero():
    certainty = rate(item(weight=0, n=1000))
    assert certainty.level == CertaintyLevel.HIGH


def test_suggestions_answer_each_downgrade():
    certainty = rate(
        item(weight=60, bias="high", n=20, indirect=True),
        item(stance="contradicts", weight=40, n=20),
    )
    domains = [s.domain for s in suggestions_for(certainty)]
    assert domains == ["imprecision", "risk_of_bias", "inconsistency", "indirectness"]
    texts = " ".join(s.text for s in suggestions_for(certainty))
    assert "at least 400 in all across the studies of people" in texts
    assert "pre-registered replication" in texts
    assert "blinded" in texts and "concealed allocation" in texts
    assert "claim's own population" in texts


def test_only_mechanistic_evidence_suggests_a_trial_in_people():
    (first, *_) = suggestions_for(rate(item(design="animal", n=None, weight=10)))
    assert first.domain == "start" and "trial in people" in first.text


@pytest.mark.parametrize(
    "evidence",
    [[], [item(design="rct", n=500, retracted=True)]],
    ids=["no studies", "only retracted studies"],
)
def test_without_any_study_the_suggestions_do_not_call_the_evidence_mechanistic(evidence):
    certainty = rate(*evidence)
    texts = " ".join(s.text for s in suggestions_for(certainty))
    assert "only mechanistic" not in texts
    assert "no study bears on it yet" in texts


def test_a_study_of_unknown_size_is_unknown_not_zero_participants():
    (reason,) = [r.reason for r in rate(item(n=None)).ratings if r.domain == "imprecision"]
    assert "unknown" in reason and not reason.startswith("Only 0")
    assert "No participants to count" not in reason
    certainty = rate(item(n=50), item(n=None))
    (reason,) = [r.reason for r in certainty.ratings if r.domain == "imprecision"]
    assert reason.startswith("Only 50 participants across the studies of people (and 1 study of")
    assert "unknown size" in reason


def test_without_studies_of_people_no_participants_are_counted():
    (reason,) = [
        r.reason for r in rate(item(design="animal", n=40)).ratings if r.domain == "imprecision"
    ]
    assert reason.startswith("No study of people")


def test_high_certainty_suggests_nothing():
    assert suggestions_for(rate(item(n=1000))) == []
