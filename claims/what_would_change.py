"""What would change a verdict: the smallest extra evidence that moves it one step.

Derived from the verdict rule alone (`claims/verdicts.py: verdict_for`), with no thresholds of
its own: the smallest extra contradicting weight that moves the verdict one step down the
scale Strong Support → Moderate Support → Mixed Evidence → Moderate Against → Strong Against,
and the smallest extra supporting weight that moves it one step up. From Insufficient
Evidence, "up" is the smallest supporting weight that gives a verdict not against the claim,
and "down" the smallest contradicting weight that gives one not for it.

The weight is then translated through the weight rule (`evidence/weights.py:
compute_weight`) into the kinds of study at low risk of bias that would carry it.
"""

import math
from dataclasses import dataclass

from claims.verdicts import Verdict, verdict_for
from evidence.choices import RiskOfBias, StudyDesign
from evidence.weights import SAMPLE_SIZE_BONUS, compute_weight

SCALE = [
    Verdict.STRONG_AGAINST,
    Verdict.MODERATE_AGAINST,
    Verdict.MIXED,
    Verdict.MODERATE_SUPPORT,
    Verdict.STRONG_SUPPORT,
]
MIXED = SCALE.index(Verdict.MIXED)

# The designs a reader would call "a study" of the question, strongest first; a meta-analysis
# pools studies, so it is offered only when no single study could carry the weight.
STUDY_DESIGNS = [
    StudyDesign.RCT,
    StudyDesign.COHORT,
    StudyDesign.CASE_CONTROL,
    StudyDesign.CROSS_SECTIONAL,
    StudyDesign.MECHANISTIC_REVIEW,
    StudyDesign.ANIMAL,
    StudyDesign.CASE_REPORT,
    StudyDesign.IN_VITRO,
    StudyDesign.EXPERT_OPINION,
]
SHORT_NAME = {
    StudyDesign.META_ANALYSIS: "meta-analysis",
    StudyDesign.RCT: "randomised trial",
    StudyDesign.COHORT: "cohort",
    StudyDesign.CASE_CONTROL: "case-control",
    StudyDesign.CROSS_SECTIONAL: "cross-sectional",
    StudyDesign.MECHANISTIC_REVIEW: "mechanistic",
    StudyDesign.ANIMAL: "animal",
    StudyDesign.CASE_REPORT: "case report",
    StudyDesign.IN_VITRO: "in-vitro",
    StudyDesign.EXPERT_OPINION: "expert opinion",
}
# Adjectives that need "study" after them to make a noun.
NEEDS_STUDY = {
    StudyDesign.COHORT,
    StudyDesign.CASE_CONTROL,
    StudyDesign.CROSS_SECTIONAL,
    StudyDesign.MECHANISTIC_REVIEW,
    StudyDesign.ANIMAL,
    StudyDesign.IN_VITRO,
}
MAX_KINDS = 4
COUNT_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five"}

# Sample sizes at which the bonus changes: none, then each threshold, smallest first.
SAMPLE_SIZES = [None, *sorted(minimum for minimum, _ in SAMPLE_SIZE_BONUS)]


@dataclass
class VerdictShift:
    """One direction of change: how much weight, of what kind, to reach which verdict."""

    direction: str  # "down" (contradicting evidence) or "up" (supporting evidence)
    weight: int  # extra weight in all; 0 when the verdict cannot move this way
    verdict: str = ""
    verdict_label: str = ""
    sentence: str = ""


def _rank(verdict: Verdict) -> int | None:
    return SCALE.index(verdict) if verdict in SCALE else None


def _smallest(moves, limit: int) -> int | None:
    """Smallest x in 1..limit with moves(x) true, for a predicate that stays true once true."""
    if not moves(limit):
        return None
    low, high = 1, limit
    while low < high:
        middle = (low + high) // 2
        if moves(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _moved(current: Verdict, new: Verdict, direction: str) -> bool:
    rank, new_rank = _rank(current), _rank(new)
    if new_rank is None:
        return False
    if rank is None:
        return new_rank >= MIXED if direction == "up" else new_rank <= MIXED
    return new_rank > rank if direction == "up" else new_rank < rank


def _smallest_study_weight(design: StudyDesign) -> list[tuple[int | None, int]]:
    """(sample size, weight) for a study of this design at low risk of bias, smallest first."""
    return [
        (size, compute_weight(design=design, sample_size=size, risk_of_bias=RiskOfBias.LOW).value)
        for size in SAMPLE_SIZES
    ]


def _carrier(design: StudyDesign, weight: int) -> int | None | bool:
    """The smallest sample size at which one study of `design` weighs `weight`; False if none."""
    for size, value in _smallest_study_weight(design):
        if value >= weight:
            return size
    return False


def max_study_weight() -> int:
    """The most one study (not a meta-analysis) can weigh by the weight rule."""
    return max(value for design in STUDY_DESIGNS for _, value in _smallest_study_weight(design))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def study_kinds(weight: int) -> str:
    """The kinds of study at low risk of bias that weigh at least `weight` each, in words.

    Only the designs that need the smallest sample size are named, at most four, strongest
    first: 17 -> "a randomised trial, cohort, case-control or cross-sectional study at low
    risk of bias"; 60 -> "a randomised trial of 30 or more people at low risk of bias".
    """
    groups: dict[int | None, list[StudyDesign]] = {}
    for design in STUDY_DESIGNS:
        size = _carrier(design, weight)
        if size is not False:
            groups.setdefault(size, []).append(design)
    if not groups:
        size = _carrier(StudyDesign.META_ANALYSIS, weight)
        if size is False:
            return ""
        groups[size] = [StudyDesign.META_ANALYSIS]
    size = min(groups, key=lambda s: s or 0)
    designs = groups[size][:MAX_KINDS]
    names = [SHORT_NAME[d] for d in designs]
    if designs[-1] in NEEDS_STUDY:
        names[-1] += " study"
    text = _join(names)
    if size:
        text += f" of {size} or more people"
    article = "an" if text[0] in "aeiou" else "a"
    return f"{article} {text} at low risk of bias"


def _sentence(direction: str, weight: int, verdict: Verdict) -> str:
    stance = "contradicting" if direction == "down" else "supporting"
    most = max_study_weight()
    count = math.ceil(weight / most)
    each = math.ceil(weight / count)
    kinds = study_kinds(each)
    example = f" (for example {kinds})" if kinds else ""
    if count == 1:
        return (
            f"One {stance} study weighing at least {weight}{example} would make this "
            f"{verdict.label}."
        )
    number = COUNT_WORDS.get(count, str(count))
    return (
        f"{number} {stance} studies weighing at least {each} each, {weight} in all{example}, "
        f"would make this {verdict.label}."
    )


def verdict_shift(*, pro: int, against: int, direction: str) -> VerdictShift:
    """The smallest extra evidence in `direction` ("up" or "down") that moves the verdict."""
    current = verdict_for(pro, against)
    # Enough to reach Strong on either side from anywhere: Strong needs 80 % and 60 points.
    limit = 5 * (pro + against) + 100

    def moves(extra):
        if direction == "up":
            return _moved(current, verdict_for(pro + extra, against), "up")
        return _moved(current, verdict_for(pro, against + extra), "down")

    weight = _smallest(moves, limit)
    if weight is None:
        return VerdictShift(
            direction=direction,
            weight=0,
            sentence=f"{current.label} is already as strong as it gets.",
        )
    new = (
        verdict_for(pro + weight, against)
        if direction == "up"
        else verdict_for(pro, against + weight)
    )
    return VerdictShift(
        direction=direction,
        weight=weight,
        verdict=new.value,
        verdict_label=new.label,
        sentence=_sentence(direction, weight, new),
    )


def what_would_change(*, pro: int, against: int) -> list[VerdictShift]:
    """Both directions, contradicting evidence first (the reader's first question)."""
    return [
        verdict_shift(pro=pro, against=against, direction="down"),
        verdict_shift(pro=pro, against=against, direction="up"),
    ]
