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
"""

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
