"""The screening order: designs that can settle a claim, then citations, then recency."""

from datetime import date

import pytest

from editorial.ranking import rank, ranked


@pytest.mark.parametrize(
    ("title", "work_type", "tier", "design"),
    [
        (
            "Training to failure: a systematic review and meta-analysis",
            "review",
            0,
            "Meta-analysis",
        ),
        ("Training to failure: a systematic review", "review", 0, "Systematic review"),
        ("A randomized controlled trial of failure training", "article", 0, "Randomised trial"),
        ("A randomised cross-over study", "article", 0, "Randomised trial"),
        ("Muscle growth in older adults", "article", 1, ""),
        ("A narrative review of hypertrophy", "review", 1, ""),
        ("Erratum: a randomized trial of failure training", "erratum", 2, ""),
        ("Comment on a meta-analysis", "letter", 2, ""),
    ],
)
def test_the_design_tier_comes_from_the_work_type_and_title(title, work_type, tier, design):
    result = rank(title=title, work_type=work_type, cites=0, published=None)
    assert (result.tier, result.design) == (tier, design)


def test_the_reason_says_why_in_words():
    result = rank(title="A meta-analysis", work_type="review", cites=2, published=date(2026, 9, 1))
    assert result.reason == (
        "Meta-analysis (from the title): a design that can settle the claim"
        " · cites 2 of the claim's studies · published 2026-09-01"
    )
    assert (
        "cites 1 of the claim's studies"
        in rank(title="x", work_type="article", cites=1, published=None, year=2025).reason
    )


def test_within_a_tier_more_citations_come_first_then_the_newest():
    items = {
        "old, cites 2": rank(title="x", work_type="article", cites=2, published=date(2020, 1, 1)),
        "new, cites 0": rank(title="x", work_type="article", cites=0, published=date(2026, 1, 1)),
        "new, cites 2": rank(title="x", work_type="article", cites=2, published=date(2026, 1, 1)),
        "trial": rank(title="an RCT", work_type="article", cites=0, published=None),
        "no date": rank(title="x", work_type="article", cites=0, published=None),
    }
    assert ranked(items, key=items.get) == [
        "trial",
        "new, cites 2",
        "old, cites 2",
        "new, cites 0",
        "no date",
    ]
