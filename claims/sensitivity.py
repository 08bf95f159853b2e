"""Sensitivity checks: does the verdict survive without the weakest evidence?

Each check keeps part of a claim's evidence items (or undoes the editors' weight overrides),
sums Pro and Against again and applies the verdict rule:

    Randomised trials only        only randomised trials and meta-analyses count (the
                                  certainty rule's randomised designs)
    Low risk of bias only         only studies at low risk of bias count
    Studies of 30 or more people  only studies with a sample size of at least 30 count (the
                                  smallest size the weight rule rewards)
    Without editor overrides      every study weighs what the weight rule gives it

The items are those of a `ClaimAnalysis` (plain data): no queries, no request.
"""

from dataclasses import dataclass

from claims.certainty import RANDOMISED_DESIGNS
from claims.effects import number as effect_number
from claims.effects import pool_entries
from claims.verdicts import verdict_for
from evidence.choices import RiskOfBias, Stance
from evidence.weights import MIN_BONUS_SAMPLE_SIZE

MIN_SAMPLE_SIZE = MIN_BONUS_SAMPLE_SIZE


@dataclass
class SensitivityCheck:
    key: str
    label: str
    pro: int
    against: int
    verdict: str
    verdict_label: str
    holds: bool


def rule_weight(item) -> int:
    """What the weight rule alone gives an evidence item: a retracted study weighs nothing."""
    return 0 if item.study.retracted else item.computed_weight


CHECKS = (
    ("rct", "Randomised trials only", lambda i: i.study.design in RANDOMISED_DESIGNS, None),
    ("low_bias", "Low risk of bias only", lambda i: i.study.risk_of_bias == RiskOfBias.LOW, None),
    (
        "n30",
        f"Studies of {MIN_SAMPLE_SIZE} or more people",
        lambda i: (i.study.sample_size or 0) >= MIN_SAMPLE_SIZE,
        None,
    ),
    ("no_overrides", "Without editor overrides", lambda i: True, rule_weight),
)

CHECK_KEYS = tuple(key for key, *_ in CHECKS)


def sensitivity_checks(*, evidence, verdict: str) -> list[SensitivityCheck]:
    """Pro, Against and verdict under each check, and whether the verdict (`verdict`) holds."""
    results = []
    for key, label, keep, weigh in CHECKS:
        weigh = weigh or (lambda i: i.weight)
        kept = [item for item in evidence if keep(item)]
        pro = sum(weigh(i) for i in kept if i.stance == Stance.SUPPORTS)
        against = sum(weigh(i) for i in kept if i.stance == Stance.CONTRADICTS)
        outcome = verdict_for(pro, against)
        results.append(
            SensitivityCheck(
                key=key,
                label=label,
                pro=pro,
                against=against,
                verdict=outcome.value,
                verdict_label=outcome.label,
                holds=outcome == verdict,
            )
        )
    return results


def summary(checks: list[SensitivityCheck]) -> str:
    """ "The verdict holds under 3 of 4 checks." ("" when there are no checks)."""
    if not checks:
        return ""
    held = sum(check.holds for check in checks)
    return f"The verdict holds under {held} of {len(checks)} checks."


# The effect sizes' check (issue 21): the pooled estimate without the studies at risk of bias.
# It reports a number rather than a verdict, so it is kept apart from the weight-based checks.


@dataclass
class PooledCheck:
    key: str
    label: str
    k: int
    k_all: int
    estimate_text: str  # "g = 0.25 (95% CI 0.02 to 0.48)", "" when nothing is left to pool
    text: str  # the whole finding in words


def pooled_checks(*, evidence, effect) -> list[PooledCheck]:
    """Pool only the studies at low risk of bias; nothing when fewer than two were pooled."""
    pooled_dois = {row.doi for row in effect.pooled_rows}
    if len(pooled_dois) < 2:
        return []
    kept = [
        item
        for item in evidence
        if item.study.doi in pooled_dois and item.study.risk_of_bias == RiskOfBias.LOW
    ]
    label = "Pool only studies at low risk of bias"
    everyone = (
        f"{effect.symbol} = {effect_number(effect.pooled.estimate)} with all {len(pooled_dois)}"
    )
    if not kept:
        return [
            PooledCheck(
                "low_bias_pooled",
                label,
                0,
                len(pooled_dois),
                "",
                f"No study with effect data is at low risk of bias ({everyone}).",
            )
        ]
    result, _ = pool_entries([item.effect for item in kept])
    estimate = (
        f"{effect.symbol} = {effect_number(result.estimate)} (95% CI "
        f"{effect_number(result.ci_low)} to {effect_number(result.ci_high)})"
    )
    studies = "the one study" if len(kept) == 1 else f"the {len(kept)} studies"
    return [
        PooledCheck(
            "low_bias_pooled",
            label,
            len(kept),
            len(pooled_dois),
            estimate,
            f"Pooling only {studies} at low risk of bias: {estimate}, against {everyone}.",
        )
    ]
