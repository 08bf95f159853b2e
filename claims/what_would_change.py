"""What would change a verdict: the smallest extra evidence that moves it one step.

Derived from the verdict rule alone (`claims/verdicts.py: verdict_for`), with no thresholds of
its own: the smallest extra contradicting weight that moves the verdict one step down the
scale Strong Support → Moderate Support → Mixed Evidence → Moderate Against → Strong Against,
and the smallest extra supporting weight that moves it one step up. From Insufficient
Evidence, "up" is the smallest supporting weight that gives a verdict not against the claim,
and "down" the smallest contradicting weight that gives one not for it.

The extra weight that gives that verdict is a range, not a floor: 66 Pro and 0 Against is
Strong Support; 17 to 35 contradicting points make it Moderate Support, but 36 or more make it
Mixed Evidence. The range is translated through the weight rule (`evidence/weights.py:
compute_weight`) into kinds of study at low risk of bias, and only kinds whose weight the rule
puts inside the range are named, with the sample sizes that keep them there ("a cohort,
case-control or cross-sectional study of fewer than 30 people"). Every sentence carries its
examples as data (`VerdictShift.examples`), so a test can apply them through the real rules.
"""

import math
from dataclasses import dataclass, field

from claims.verdicts import Verdict, verdict_for
from evidence.choices import RiskOfBias, StudyDesign
from evidence.weights import HUMAN_DESIGNS, SAMPLE_SIZE_BONUS, compute_weight

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


# The sample sizes at which the bonus changes, smallest first: a study below the first (or of
# unknown size) gets no bonus. Each bucket runs up to the next threshold.
THRESHOLDS = sorted(minimum for minimum, _ in SAMPLE_SIZE_BONUS)
BUCKETS = [None, *THRESHOLDS]


@dataclass(frozen=True)
class Example:
    """A kind of study at low risk of bias, with the sample sizes that put its weight in range.

    `min_size` None: any size down to an unknown one; `max_size` None: no upper limit. Outside
    the studies of people the size does not count, and both are None.
    """

    design: str
    min_size: int | None = None
    max_size: int | None = None

    def weight(self, sample_size: int | None) -> int:
        return compute_weight(
            design=self.design, sample_size=sample_size, risk_of_bias=RiskOfBias.LOW
        ).value


@dataclass
class VerdictShift:
    """One direction of change: how much weight, of what kind, to reach which verdict."""

    direction: str  # "down" (contradicting evidence) or "up" (supporting evidence)
    weight: int  # the least extra weight in all; 0 when the verdict cannot move this way
    verdict: str = ""
    verdict_label: str = ""
    sentence: str = ""
    # The most extra weight in all that still gives `verdict`; None: no upper limit.
    most: int | None = None
    count: int = 0  # how many studies the sentence names
    each_least: int = 0  # what each of them weighs, at least
    each_most: int | None = None  # and at most (None: no upper limit)
    examples: list[Example] = field(default_factory=list)


def _rank(verdict: Verdict) -> int | None:
    return SCALE.index(verdict) if verdict in SCALE else None


def _smallest(moves, low: int, limit: int) -> int | None:
    """Smallest x in low..limit with moves(x) true, for a predicate that stays true once true."""
    if not moves(limit):
        return None
    high = limit
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


def _bucket_weights(design: StudyDesign) -> list[int]:
    """The weight of a study of this design at low risk of bias, in each sample-size bucket."""
    return [
        compute_weight(design=design, sample_size=size, risk_of_bias=RiskOfBias.LOW).value
        for size in BUCKETS
    ]


def max_study_weight() -> int:
    """The most one study (not a meta-analysis) can weigh by the weight rule."""
    return max(max(_bucket_weights(design)) for design in STUDY_DESIGNS)


def _in_range(design: StudyDesign, least: int, most: int | None) -> tuple[int, int] | None:
    """The first and last sample-size buckets in which `design` weighs least..most."""
    inside = [
        index
        for index, value in enumerate(_bucket_weights(design))
        if value >= least and (most is None or value <= most)
    ]
    # The weights grow with the bucket, so the buckets inside the range are contiguous.
    return (inside[0], inside[-1]) if inside else None


def _example(design: StudyDesign, first: int, last: int) -> Example:
    if design not in HUMAN_DESIGNS:
        return Example(design=design.value)
    return Example(
        design=design.value,
        min_size=BUCKETS[first],
        max_size=BUCKETS[last + 1] - 1 if last + 1 < len(BUCKETS) else None,
    )


def examples_for(least: int, most: int | None) -> list[Example]:
    """Kinds of study at low risk of bias that each weigh least..most by the weight rule.

    The strongest design that fits leads, with the sample sizes that keep it in range; other
    designs are named only when the same sizes keep them in range too (at most four).
    """
    found = [(d, span) for d in STUDY_DESIGNS if (span := _in_range(d, least, most))]
    if not found:
        span = _in_range(StudyDesign.META_ANALYSIS, least, most)
        return [_example(StudyDesign.META_ANALYSIS, *span)] if span else []
    lead, (first, last) = found[0]
    if lead not in HUMAN_DESIGNS:
        return [Example(design=d.value) for d, _ in found if d not in HUMAN_DESIGNS][:MAX_KINDS]
    return [
        _example(d, first, last)
        for d, (f, la) in found
        if d in HUMAN_DESIGNS and f <= first and la >= last
    ][:MAX_KINDS]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _sizes(example: Example) -> str:
    low, high = example.min_size, example.max_size
    if low is None and high is None:
        return ""
    if low is None:
        return f" of fewer than {high + 1} people"
    if high is None:
        return f" of {low} or more people"
    return f" of {low} to {high} people"


def describe(examples: list[Example]) -> str:
    """ "a cohort, case-control or cross-sectional study of fewer than 30 people at low risk
    of bias" ("" without examples). All examples share their sizes (see `examples_for`)."""
    if not examples:
        return ""
    designs = [StudyDesign(e.design) for e in examples]
    names = [SHORT_NAME[d] for d in designs]
    if designs[-1] in NEEDS_STUDY:
        names[-1] += " study"
    text = _join(names) + _sizes(examples[0])
    article = "an" if text[0] in "aeiou" else "a"
    return f"{article} {text} at low risk of bias"


def study_kinds(weight: int, most: int | None = None) -> str:
    """The kinds of study at low risk of bias that weigh `weight` (to `most`) each, in words."""
    return describe(examples_for(weight, most))


def _span(least: int, most: int | None) -> str:
    if most is None:
        return f"at least {least}"
    if most == least:
        return f"{least}"
    return f"{least} to {most}"


def _spread(least: int, most: int | None) -> tuple[int, int, int | None]:
    """How many studies carry least..most in all, and what each weighs (least, most)."""
    count = max(1, math.ceil(least / max_study_weight()))
    while True:
        each_least = math.ceil(least / count)
        each_most = None if most is None else most // count
        if each_most is None or each_least <= each_most or count >= len(COUNT_WORDS):
            return count, each_least, each_most
        count += 1


def _sentence(shift: VerdictShift, verdict: Verdict) -> str:
    stance = "contradicting" if shift.direction == "down" else "supporting"
    kinds = describe(shift.examples)
    example = f" (for example {kinds})" if kinds else ""
    if shift.count == 1:
        return (
            f"One {stance} study weighing {_span(shift.weight, shift.most)}{example} would make "
            f"this {verdict.label}."
        )
    number = COUNT_WORDS.get(shift.count, str(shift.count))
    return (
        f"{number} {stance} studies weighing {_span(shift.each_least, shift.each_most)} each, "
        f"{_span(shift.weight, shift.most)} in all{example}, would make this {verdict.label}."
    )


def verdict_shift(*, pro: int, against: int, direction: str) -> VerdictShift:
    """The least extra evidence in `direction` ("up" or "down") that moves the verdict, and
    the range of extra weight that gives the verdict it moves to."""
    current = verdict_for(pro, against)
    # Enough to reach Strong on either side from anywhere: Strong needs 80 % and 60 points.
    limit = 5 * (pro + against) + 100

    def with_extra(extra):
        return (
            verdict_for(pro + extra, against)
            if direction == "up"
            else verdict_for(pro, against + extra)
        )

    weight = _smallest(lambda extra: _moved(current, with_extra(extra), direction), 1, limit)
    if weight is None:
        return VerdictShift(
            direction=direction,
            weight=0,
            sentence=f"{current.label} is already as strong as it gets.",
        )
    new = with_extra(weight)
    # Past the new verdict the next one begins; the verdicts only move one way as weight grows.
    beyond = _smallest(lambda extra: with_extra(extra) != new, weight, limit)
    most = None if beyond is None else beyond - 1
    count, each_least, each_most = _spread(weight, most)
    shift = VerdictShift(
        direction=direction,
        weight=weight,
        verdict=new.value,
        verdict_label=new.label,
        most=most,
        count=count,
        each_least=each_least,
        each_most=each_most,
        examples=examples_for(each_least, each_most)
        if (each_most is None or each_least <= each_most)
        else [],
    )
    shift.sentence = _sentence(shift, new)
    return shift


def what_would_change(*, pro: int, against: int) -> list[VerdictShift]:
    """Both directions, contradicting evidence first (the reader's first question)."""
    return [
        verdict_shift(pro=pro, against=against, direction="down"),
        verdict_shift(pro=pro, against=against, direction="up"),
    ]
