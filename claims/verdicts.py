"""The verdict rule: one label for a claim from its Pro and Against tallies.

    total = Pro + Against
    total < 20                                   -> Insufficient Evidence
    Pro ≥ 80 % of total and Pro ≥ 60             -> Strong Support
    Pro ≥ 65 % of total                          -> Moderate Support
    Against ≥ 80 % of total and Against ≥ 60     -> Strong Against
    Against ≥ 65 % of total                      -> Moderate Against
    otherwise                                    -> Mixed Evidence

20 is about one small observational study: less than that is not enough to lean either way.
"Strong" needs both a clear majority and at least the weight of one good randomised trial.

`rule_rows()` states the rule in words, from the same thresholds, for the home page's
explanation and the README; nothing else types the numbers again.
"""

from dataclasses import dataclass

from django.db import models

MIN_TOTAL = 20
STRONG_SHARE = 80  # percent
STRONG_MIN = 60
MODERATE_SHARE = 65  # percent


class Verdict(models.TextChoices):
    STRONG_SUPPORT = "strong_support", "Strong Support"
    MODERATE_SUPPORT = "moderate_support", "Moderate Support"
    MIXED = "mixed", "Mixed Evidence"
    MODERATE_AGAINST = "moderate_against", "Moderate Against"
    STRONG_AGAINST = "strong_against", "Strong Against"
    INSUFFICIENT = "insufficient", "Insufficient Evidence"


def verdict_for(pro: int, against: int) -> Verdict:
    """Apply the verdict rule (module docstring). Integer arithmetic keeps boundaries exact."""
    if pro < 0 or against < 0:
        raise ValueError("Tallies cannot be negative.")
    total = pro + against
    if total < MIN_TOTAL:
        return Verdict.INSUFFICIENT
    if pro * 100 >= STRONG_SHARE * total and pro >= STRONG_MIN:
        return Verdict.STRONG_SUPPORT
    if pro * 100 >= MODERATE_SHARE * total:
        return Verdict.MODERATE_SUPPORT
    if against * 100 >= STRONG_SHARE * total and against >= STRONG_MIN:
        return Verdict.STRONG_AGAINST
    if against * 100 >= MODERATE_SHARE * total:
        return Verdict.MODERATE_AGAINST
    return Verdict.MIXED


@dataclass(frozen=True)
class RuleRow:
    condition: str
    verdict: Verdict


def rule_rows() -> list[RuleRow]:
    """The verdict rule in words, one row per verdict, in the order `verdict_for` checks it."""
    # A no-break space keeps "80 %" together when the line wraps.
    strong, moderate = f"{STRONG_SHARE}\u00a0%", f"{MODERATE_SHARE}\u00a0%"
    return [
        RuleRow(f"Pro and Against together are under {MIN_TOTAL}", Verdict.INSUFFICIENT),
        RuleRow(
            f"Pro is at least {strong} of the total and at least {STRONG_MIN}",
            Verdict.STRONG_SUPPORT,
        ),
        RuleRow(f"Pro is at least {moderate} of the total", Verdict.MODERATE_SUPPORT),
        RuleRow(
            f"Against is at least {strong} of the total and at least {STRONG_MIN}",
            Verdict.STRONG_AGAINST,
        ),
        RuleRow(f"Against is at least {moderate} of the total", Verdict.MODERATE_AGAINST),
        RuleRow("Otherwise", Verdict.MIXED),
    ]
