"""The weight rule: how much one study counts towards a claim's Pro or Against tally.

GRADE-inspired and deliberately simple, so that a reader can check any weight by hand:

    weight = design base + sample-size bonus + risk-of-bias adjustment, clamped to 0–100

* Design base: randomised evidence starts high and observational evidence low, as in GRADE;
  laboratory, animal and opinion evidence sit below any study of people.
* Sample-size bonus (studies of people only): larger samples give more precise estimates.
* Risk of bias: the RoB 2 / ROBINS judgement moves the weight down, never up.
* A retracted study weighs 0, whatever else is true of it.
* An editor may override the computed weight with a stated reason; the override wins, except
  over a retraction.
"""

from dataclasses import dataclass, field

from evidence.choices import RiskOfBias, StudyDesign

DESIGN_BASE = {
    StudyDesign.META_ANALYSIS: 70,
    StudyDesign.RCT: 55,
    StudyDesign.COHORT: 35,
    StudyDesign.CASE_CONTROL: 25,
    StudyDesign.CROSS_SECTIONAL: 20,
    StudyDesign.CASE_REPORT: 8,
    StudyDesign.ANIMAL: 10,
    StudyDesign.IN_VITRO: 6,
    StudyDesign.MECHANISTIC_REVIEW: 12,
    StudyDesign.EXPERT_OPINION: 4,
}

# Designs whose sample size is a number of people, so precision grows with it.
HUMAN_DESIGNS = {
    StudyDesign.META_ANALYSIS,
    StudyDesign.RCT,
    StudyDesign.COHORT,
    StudyDesign.CASE_CONTROL,
    StudyDesign.CROSS_SECTIONAL,
}

# (minimum sample size, bonus), largest first.
SAMPLE_SIZE_BONUS = ((1000, 20), (300, 15), (100, 10), (30, 5))
# The smallest study of people that earns a size bonus: smaller ones count as imprecise.
MIN_BONUS_SAMPLE_SIZE = min(minimum for minimum, _ in SAMPLE_SIZE_BONUS)

RISK_OF_BIAS_ADJUSTMENT = {
    RiskOfBias.LOW: 0,
    RiskOfBias.NOT_ASSESSED: -5,
    RiskOfBias.SOME_CONCERNS: -10,
    RiskOfBias.HIGH: -25,
}

MAX_WEIGHT = 100


@dataclass(frozen=True)
class WeightPart:
    label: str
    points: int


@dataclass(frozen=True)
class Weight:
    """A weight and how it was reached, for display beside the number."""

    value: int
    computed: int
    parts: list[WeightPart] = field(default_factory=list)
    retracted: bool = False
    overridden: bool = False
    override_reason: str = ""


def compute_weight(
    *,
    design: str,
    sample_size: int | None,
    risk_of_bias: str,
    retracted: bool = False,
    override: int | None = None,
    override_reason: str = "",
) -> Weight:
    """Apply the weight rule; see the module docstring and the README's table."""
    design = StudyDesign(design)
    parts = [WeightPart(f"Design: {design.label}", DESIGN_BASE[design])]
    if design in HUMAN_DESIGNS and sample_size:
        for minimum, bonus in SAMPLE_SIZE_BONUS:
            if sample_size >= minimum:
                parts.append(WeightPart(f"Sample size n = {sample_size} (≥ {minimum})", bonus))
                break
        else:
            parts.append(WeightPart(f"Sample size n = {sample_size} (< 30)", 0))
    risk = RiskOfBias(risk_of_bias)
    parts.append(WeightPart(f"Risk of bias: {risk.label.lower()}", RISK_OF_BIAS_ADJUSTMENT[risk]))
    computed = max(0, min(MAX_WEIGHT, sum(part.points for part in parts)))

    if retracted:
        return Weight(value=0, computed=computed, parts=parts, retracted=True)
    if override is not None:
        return Weight(
            value=max(0, min(MAX_WEIGHT, override)),
            computed=computed,
            parts=parts,
            overridden=True,
            override_reason=override_reason,
        )
    return Weight(value=computed, computed=computed, parts=parts)
