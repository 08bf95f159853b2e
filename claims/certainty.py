"""The certainty rule: how sure a claim's body of evidence lets us be, in GRADE's four levels.

    start      High      the evidence includes a randomised controlled trial or a meta-analysis
               Low       the best evidence is observational (cohort, case-control, cross-sectional)
               Very low  only mechanistic, animal, in-vitro, case-report or expert-opinion studies

    down (each domain; the level never goes below Very low)
      risk of bias    > 1/2 of the weight at high risk                          -2
                      > 1/2 at high risk, some concerns or not assessed         -1
      inconsistency   the smaller side holds ≥ 35 % of the weight               -2
                      ≥ 20 %                                                    -1
      indirectness    > 1/2 of the weight marked indirect, or animal / in vitro -1
      imprecision     < 100 participants across the studies of people           -2
                      (a study whose size is unknown adds none, and is said so)
                      < 400 (GRADE's optimal-information-size rule of thumb)    -1
      publication bias  suspected by an editor                                  -1

    up (only when the start is Low; the level never goes above High)
      large effect +1 or +2, dose-response +1, residual confounding that would reduce the
      effect +1 — each set by an editor with a reason

An editor may override the result with a written reason; the override is shown as such.

The function reads only plain data: the evidence items of a `ClaimAnalysis` (anything with
`stance`, `weight`, `indirect` and a `study` with `design`, `sample_size`, `risk_of_bias`,
`retracted`) and the editors' judgements. Percentages in the reasons are rounded down, so a
reason never shows a number that crosses a threshold the evidence did not cross.
"""

from dataclasses import dataclass, field

from django.db import models

from claims.effects import crosses_null
from claims.effects import number as effect_number
from evidence.choices import RiskOfBias, StudyDesign
from evidence.weights import HUMAN_DESIGNS


class CertaintyLevel(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


# From the bottom up, so that a level's index is its height.
LEVELS = [
    CertaintyLevel.VERY_LOW,
    CertaintyLevel.LOW,
    CertaintyLevel.MODERATE,
    CertaintyLevel.HIGH,
]

RANDOMISED_DESIGNS = {StudyDesign.RCT, StudyDesign.META_ANALYSIS}
OBSERVATIONAL_DESIGNS = {
    StudyDesign.COHORT,
    StudyDesign.CASE_CONTROL,
    StudyDesign.CROSS_SECTIONAL,
}
INDIRECT_DESIGNS = {StudyDesign.ANIMAL, StudyDesign.IN_VITRO}

INCONSISTENCY_SERIOUS = 20  # percent of the total weight on the smaller side
INCONSISTENCY_VERY_SERIOUS = 35
IMPRECISION_SERIOUS = 400  # participants: GRADE's optimal information size, as a rule of thumb
IMPRECISION_VERY_SERIOUS = 100

# The start's domain when no study counts at all (none cited, or only retracted ones).
NO_EVIDENCE = "no_evidence"


@dataclass
class Rating:
    """One step of the rating: where it started, or a level lost or gained, and why."""

    domain: str
    label: str
    points: int
    reason: str

    @property
    def points_text(self) -> str:
        """ "+1", "−2" (a true minus sign) or "0"."""
        return f"+{self.points}" if self.points > 0 else f"−{-self.points}" if self.points else "0"


@dataclass
class Certainty:
    """The certainty of a claim's evidence as stored in an analysis version.

    Every field has a default: a version published before certainty existed has level "".
    """

    level: str = ""
    label: str = ""
    computed_level: str = ""
    computed_label: str = ""
    overridden: bool = False
    override_reason: str = ""
    ratings: list[Rating] = field(default_factory=list)

    @property
    def assessed(self) -> bool:
        return bool(self.level)

    @property
    def start(self) -> Rating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def changes(self) -> list[Rating]:
        """The levels lost and gained (and any editor judgement that was not counted)."""
        return self.ratings[1:]

    def lost(self, domain: str) -> bool:
        return any(r.domain == domain and r.points < 0 for r in self.ratings)


@dataclass(frozen=True)
class EditorJudgements:
    """What an editor sets on the claim for the certainty rule (claims.Claim fields)."""

    publication_bias: bool = False
    large_effect: int = 0
    large_effect_reason: str = ""
    dose_response: bool = False
    dose_response_reason: str = ""
    residual_confounding: bool = False
    residual_confounding_reason: str = ""
    override: str = ""
    override_reason: str = ""


def _percent(part: int, total: int) -> int:
    return part * 100 // total


def _studies(n: int) -> str:
    return f"{n} stud{'y' if n == 1 else 'ies'}"


def _start(items) -> tuple[CertaintyLevel, Rating]:
    designs = [item.study.design for item in items]
    randomised = sum(d in RANDOMISED_DESIGNS for d in designs)
    observational = sum(d in OBSERVATIONAL_DESIGNS for d in designs)
    if randomised:
        level = CertaintyLevel.HIGH
        kind = (
            "is a randomised trial or meta-analysis"
            if randomised == 1
            else "are randomised trials or meta-analyses"
        )
        reason = f"Starts at High: {randomised} of {_studies(len(designs))} {kind}."
    elif observational:
        level = CertaintyLevel.LOW
        reason = (
            f"Starts at Low: the best evidence is observational ({observational} cohort, "
            f"case-control or cross-sectional {'study' if observational == 1 else 'studies'})."
        )
    elif designs:
        level = CertaintyLevel.VERY_LOW
        reason = (
            "Starts at Very low: the evidence is only mechanistic, animal, in-vitro, "
            f"case-report or expert-opinion work ({_studies(len(designs))})."
        )
    else:
        level = CertaintyLevel.VERY_LOW
        reason = (
            "Starts at Very low: no study bears on this claim (retracted studies do not count)."
        )
        return level, Rating(NO_EVIDENCE, level.label, 0, reason)
    return level, Rating("start", level.label, 0, reason)


def _risk_of_bias(items, total) -> Rating | None:
    high = sum(i.weight for i in items if i.study.risk_of_bias == RiskOfBias.HIGH)
    doubtful = sum(i.weight for i in items if i.study.risk_of_bias != RiskOfBias.LOW)
    if 2 * high > total:
        return Rating(
            "risk_of_bias",
            "Risk of bias",
            -2,
            f"{high} of the total weight of {total} ({_percent(high, total)} %) comes from "
            "studies at high risk of bias.",
        )
    if 2 * doubtful > total:
        return Rating(
            "risk_of_bias",
            "Risk of bias",
            -1,
            f"{doubtful} of the total weight of {total} ({_percent(doubtful, total)} %) comes "
            "from studies at high risk of bias, with some concerns, or not assessed.",
        )
    return None


def _inconsistency(items, total) -> Rating | None:
    pro = sum(i.weight for i in items if i.stance == "supports")
    against = total - pro
    side, smaller = ("Against", against) if against <= pro else ("Pro", pro)
    share = smaller * 100
    if share >= INCONSISTENCY_VERY_SERIOUS * total:
        points = -2
    elif share >= INCONSISTENCY_SERIOUS * total:
        points = -1
    else:
        return None
    return Rating(
        "inconsistency",
        "Inconsistency",
        points,
        f"The studies disagree: the smaller side ({side}, {smaller}) holds "
        f"{_percent(smaller, total)} % of the total weight of {total}.",
    )


def _indirectness(items, total) -> Rating | None:
    indirect = sum(i.weight for i in items if i.indirect or i.study.design in INDIRECT_DESIGNS)
    if 2 * indirect <= total:
        return None
    return Rating(
        "indirectness",
        "Indirectness",
        -1,
        f"{indirect} of the total weight of {total} ({_percent(indirect, total)} %) comes from "
        "indirect evidence: animal or in-vitro studies, or a population, intervention or "
        "outcome that differs from the claim.",
    )


def _imprecision(items) -> Rating | None:
    people = [i for i in items if i.study.design in HUMAN_DESIGNS]
    known = [i.study.sample_size for i in people if i.study.sample_size]
    unknown = len(people) - len(known)
    participants = sum(known)
    if participants < IMPRECISION_VERY_SERIOUS:
        points, limit = -2, IMPRECISION_VERY_SERIOUS
    elif participants < IMPRECISION_SERIOUS:
        points, limit = -1, IMPRECISION_SERIOUS
    else:
        return None
    optimal = f"GRADE's optimal information size is about {IMPRECISION_SERIOUS} participants"
    if not people:
        reason = f"No study of people, so no participants to count; {optimal}."
    elif not known:
        reason = (
            f"The number of participants is unknown: no study of people reports its size "
            f"({_studies(unknown)} of unknown size); {optimal}."
        )
    else:
        count = "participant" if participants == 1 else "participants"
        also = f" (and {_studies(unknown)} of unknown size, not counted)" if unknown else ""
        reason = (
            f"Only {participants} {count} across the studies of people{also}, fewer than "
            f"{limit} (GRADE's optimal information size, as a rule of thumb)."
        )
    return Rating("imprecision", "Imprecision", points, reason)


def _upgrades(judgements: EditorJudgements) -> list[Rating]:
    ratings = []
    if judgements.large_effect:
        points = min(2, judgements.large_effect)
        ratings.append(
            Rating("large_effect", "Large effect", points, judgements.large_effect_reason)
        )
    if judgements.dose_response:
        ratings.append(Rating("dose_response", "Dose-response", 1, judgements.dose_response_reason))
    if judgements.residual_confounding:
        ratings.append(
            Rating(
                "residual_confounding",
                "Confounding would reduce the effect",
                1,
                judgements.residual_confounding_reason,
            )
        )
    return ratings


def certainty_for(
    *, evidence, judgements: EditorJudgements = EditorJudgements(), effect=None
) -> Certainty:
    """Apply the certainty rule (module docstring) to a claim's evidence items."""
    items = [item for item in evidence if not item.study.retracted]
    start, start_rating = _start(items)
    ratings = [start_rating]
    total = sum(item.weight for item in items)
    if total > 0:
        ratings += [r for r in (_risk_of_bias(items, total), _inconsistency(items, total)) if r]
        ratings += [r for r in (_indirectness(items, total),) if r]
    if items:
        ratings += [r for r in (_imprecision(items),) if r]
    ratings = with_effect_ratings(ratings, effect)
    if judgements.publication_bias:
        ratings.append(
            Rating(
                "publication_bias",
                "Publication bias",
                -1,
                "Editors suspect publication bias: studies that found nothing may be missing.",
            )
        )
    upgrades = _upgrades(judgements)
    if start == CertaintyLevel.LOW:
        ratings += upgrades
    elif upgrades:
        # GRADE upgrades observational evidence only; say so rather than drop the judgement.
        names = ", ".join(r.label.lower() for r in upgrades)
        ratings.append(
            Rating(
                "upgrades_not_counted",
                "Not counted",
                0,
                f"The editors' {names} cannot raise the level: upgrades apply only to "
                "evidence that starts at Low.",
            )
        )

    height = LEVELS.index(start) + sum(r.points for r in ratings)
    computed = LEVELS[max(0, min(len(LEVELS) - 1, height))]
    result = Certainty(
        level=computed.value,
        label=computed.label,
        computed_level=computed.value,
        computed_label=computed.label,
        ratings=ratings,
    )
    if judgements.override:
        override = CertaintyLevel(judgements.override)
        result.level, result.label = override.value, override.label
        result.overridden = True
        result.override_reason = judgements.override_reason
    return result


@dataclass
class Suggestion:
    domain: str
    text: str


def suggestions_for(certainty: Certainty) -> list[Suggestion]:
    """Studies that would answer the weaknesses the certainty rating found, strongest need first."""
    suggestions = []
    start = certainty.start
    if start and start.domain == NO_EVIDENCE:
        suggestions.append(
            Suggestion(
                "start",
                "Any study of the claim in people, at best a randomised trial: no study bears "
                "on it yet (retracted studies do not count).",
            )
        )
    elif start and start.label == CertaintyLevel.VERY_LOW.label:
        suggestions.append(
            Suggestion(
                "start",
                "A randomised trial in people: so far the evidence is only mechanistic, "
                "animal, laboratory or opinion.",
            )
        )
    if certainty.lost("imprecision"):
        suggestions.append(
            Suggestion(
                "imprecision",
                f"More participants: at least {IMPRECISION_SERIOUS} in all across the studies "
                "of people (GRADE's optimal information size, as a rule of thumb), from one "
                "large trial or several pooled, to make the estimate precise.",
            )
        )
    if certainty.lost("risk_of_bias"):
        suggestions.append(
            Suggestion(
                "risk_of_bias",
                "A blinded trial with concealed allocation, so that neither participants nor "
                "assessors can tilt the result.",
            )
        )
    if certainty.lost("inconsistency"):
        suggestions.append(
            Suggestion(
                "inconsistency",
                "A pre-registered replication, with its methods and analysis fixed in "
                "advance, to settle why the studies disagree.",
            )
        )
    if certainty.lost("indirectness"):
        suggestions.append(
            Suggestion(
                "indirectness",
                "A trial in the claim's own population, with the intervention and outcome "
                "the claim is about.",
            )
        )
    return suggestions


# Effect sizes (issue 21): when studies report their effect, inconsistency and imprecision also
# read the pooled result (claims/effects.py).
#
#   inconsistency   I² ≥ 75 % and the 95 % prediction interval crosses no effect     -2
#                   I² ≥ 50 %, or the prediction interval crosses no effect while
#                   the pooled CI does not                                           -1
#   imprecision     the pooled 95 % CI crosses no effect: one more level than the
#                   sample-size rule takes (at most −2 for the domain)                −1
#
# Each domain counts once: the worse of the two readings, with the reasons of both.

EFFECT_I2_SERIOUS = 50
EFFECT_I2_VERY_SERIOUS = 75


def _effect_interval(low, high) -> str:
    return f"{effect_number(low)} to {effect_number(high)}"


def effect_inconsistency(effect) -> Rating | None:
    """Inconsistency read from the pooled effect's I² and prediction interval."""
    pooled = effect.pooled if effect is not None else None
    if pooled is None or pooled.k < 2:
        return None
    i2 = round(pooled.i2)
    has_pi = pooled.pi_low is not None
    pi_crosses = has_pi and crosses_null(pooled.pi_low, pooled.pi_high, effect.null)
    ci_crosses = crosses_null(pooled.ci_low, pooled.ci_high, effect.null)
    pi_text = (
        f"the 95% prediction interval ({_effect_interval(pooled.pi_low, pooled.pi_high)}) "
        f"{'crosses' if pi_crosses else 'does not cross'} no effect"
        if has_pi
        else ""
    )
    if pooled.i2 >= EFFECT_I2_VERY_SERIOUS and pi_crosses:
        points = -2
    elif pooled.i2 >= EFFECT_I2_SERIOUS or (pi_crosses and not ci_crosses):
        points = -1
    else:
        return None
    reason = f"The studies' effects vary: I² = {i2}% across {pooled.k} studies"
    reason += f", and {pi_text}." if pi_text else "."
    return Rating("inconsistency", "Inconsistency", points, reason)


def effect_imprecision(effect) -> Rating | None:
    """Imprecision read from the pooled effect's 95 % CI."""
    pooled = effect.pooled if effect is not None else None
    if pooled is None or pooled.k < 1:
        return None
    if not crosses_null(pooled.ci_low, pooled.ci_high, effect.null):
        return None
    what = "pooled estimate" if pooled.k > 1 else "one study's estimate"
    return Rating(
        "imprecision",
        "Imprecision",
        -1,
        f"The {what}'s 95% CI ({_effect_interval(pooled.ci_low, pooled.ci_high)}, "
        f"{effect.symbol}) includes no effect ({effect_number(effect.null)}).",
    )


def with_effect_ratings(ratings: list[Rating], effect) -> list[Rating]:
    """`ratings` with inconsistency and imprecision also read from the effect sizes."""
    ratings = list(ratings)
    inconsistency = effect_inconsistency(effect)
    if inconsistency:
        ratings = _merge(ratings, inconsistency, worst=True)
    imprecision = effect_imprecision(effect)
    if imprecision:
        ratings = _merge(ratings, imprecision, worst=False)
    return ratings


def _merge(ratings, new: Rating, *, worst: bool) -> list[Rating]:
    """Put `new` into its domain: the worse of the two (worst) or both added, at most −2."""
    for index, old in enumerate(ratings):
        if old.domain != new.domain:
            continue
        points = min(old.points, new.points) if worst else old.points + new.points
        ratings[index] = Rating(
            old.domain, old.label, max(-2, points), f"{old.reason} {new.reason}"
        )
        return ratings
    # A new domain goes where the rule lists it: before publication bias and the upgrades.
    order = ["start", "risk_of_bias", "inconsistency", "indirectness", "imprecision"]
    position = len(ratings)
    for index, rating in enumerate(ratings):
        if rating.domain not in order or order.index(rating.domain) > order.index(new.domain):
            position = index
            break
    ratings.insert(position, new)
    return ratings
