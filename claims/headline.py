"""The headline rule: a verdict and its certainty read as one statement, with one plain sentence.

    phrase     "<verdict> · <certainty> certainty"       Strong Support · low certainty
    badge      solid at High or Moderate certainty; outlined (tentative) at Low, Very low,
               or when a version was published before certainty was rated
    sentence   what bears on the claim, then what the certainty means, in GRADE's
               informative style (Santesso et al., 2020):

        High      New studies are very unlikely to change this.
        Moderate  This is probably right; new studies are unlikely to change it much.
        Low       New studies could well change it.
        Very low  This is very uncertain; new studies are likely to change it.

    The first half counts the studies that count (not retracted) by stance: one study is
    named by its design, "small" below the certainty rule's 100 participants, with its size
    ("One small trial (18 people) supports this."); several are counted, with the
    participants of the studies of people that report a size ("Three studies (1,240 people)
    support this."). Insufficient Evidence adds that they weigh too little to lean either way.

Reads only plain data: the verdict, a `Certainty` and evidence items of a `ClaimAnalysis`.
The level readers see (an editor's override included) chooses the sentence.
"""

from dataclasses import dataclass

from claims.certainty import IMPRECISION_VERY_SERIOUS, Certainty, CertaintyLevel
from claims.verdicts import Verdict
from evidence.choices import Stance, StudyDesign
from evidence.weights import HUMAN_DESIGNS

SOLID_LEVELS = {CertaintyLevel.HIGH, CertaintyLevel.MODERATE}

CONSEQUENCE = {
    CertaintyLevel.HIGH: "New studies are very unlikely to change this.",
    CertaintyLevel.MODERATE: "This is probably right; new studies are unlikely to change it much.",
    CertaintyLevel.LOW: "New studies could well change it.",
    CertaintyLevel.VERY_LOW: "This is very uncertain; new studies are likely to change it.",
}

# One study named by what it is: "One small trial (18 people) supports this."
DESIGN_NOUN = {
    StudyDesign.META_ANALYSIS: "meta-analysis",
    StudyDesign.RCT: "trial",
    StudyDesign.COHORT: "cohort study",
    StudyDesign.CASE_CONTROL: "case-control study",
    StudyDesign.CROSS_SECTIONAL: "cross-sectional study",
    StudyDesign.CASE_REPORT: "case report",
    StudyDesign.ANIMAL: "animal study",
    StudyDesign.IN_VITRO: "laboratory study",
    StudyDesign.MECHANISTIC_REVIEW: "mechanistic review",
    StudyDesign.EXPERT_OPINION: "expert opinion",
}
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven"}


@dataclass(frozen=True)
class Headline:
    phrase: str
    solid: bool
    sentence: str


def _number(n: int) -> str:
    return NUMBER_WORDS.get(n, f"{n:,}")


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _one_study(study) -> str:
    design = StudyDesign(study.design)
    noun = DESIGN_NOUN[design]
    if design not in HUMAN_DESIGNS:
        return f"One {noun}"
    if not study.sample_size:
        return f"One {noun} (size not reported)"
    small = "small " if study.sample_size < IMPRECISION_VERY_SERIOUS else ""
    return f"One {small}{noun} ({_people(study.sample_size)})"


def _studies(items) -> str:
    if len(items) == 1:
        return _one_study(items[0].study)
    sizes = [i.study.sample_size for i in items if i.study.design in HUMAN_DESIGNS]
    known = sum(size for size in sizes if size)
    people = f" ({_people(known)})" if known else ""
    return f"{_number(len(items))} studies{people}"


def evidence_sentence(*, verdict: str, evidence) -> str:
    """What bears on the claim, in words: "One small trial (18 people) supports this."."""
    items = [item for item in evidence if not item.study.retracted]
    pro = [i for i in items if i.stance == Stance.SUPPORTS]
    against = [i for i in items if i.stance == Stance.CONTRADICTS]
    if not items:
        return "No study bears on this claim yet."
    if pro and against:
        text = (
            f"{_studies(pro)} support{'s' if len(pro) == 1 else ''} this and "
            f"{_studies(against)[0].lower()}{_studies(against)[1:]} "
            f"contradict{'s' if len(against) == 1 else ''} it"
        )
    elif pro:
        text = f"{_studies(pro)} support{'s' if len(pro) == 1 else ''} this"
    else:
        text = f"{_studies(against)} contradict{'s' if len(against) == 1 else ''} this"
    if verdict == Verdict.INSUFFICIENT:
        text += ", too little weight to lean either way"
    return text + "."


def is_solid(level: str) -> bool:
    """Whether a verdict at this certainty level gets a solid badge (else it looks tentative)."""
    return level in SOLID_LEVELS


@dataclass(frozen=True)
class TallyOverride:
    """How editors' weights move one tally away from the rule's: shown beside the tally."""

    rule: int  # the tally by the weight rule alone
    count: int  # evidence items whose weight an editor set
    raised: bool  # the editors' weights make the tally larger than the rule's
    reason: str  # the editor's reason, when one item is overridden

    @property
    def text(self) -> str:
        """ "the rule gives 55 · raised by an editor: reason"."""
        moved = "raised" if self.raised else "lowered"
        if self.count == 1:
            return f"the rule gives {self.rule} · {moved} by an editor: {self.reason}"
        return (
            f"the rule gives {self.rule} · {moved} by editors, who set {self.count} weights "
            "(reasons beside each study)"
        )


def tally_override(*, items, shown: int, rule: int) -> TallyOverride | None:
    """The editors' part in a tally (`shown`, against the rule's `rule`); None when none."""
    overridden = [i for i in items if i.overridden]
    if not overridden:
        return None
    return TallyOverride(
        rule=rule,
        count=len(overridden),
        raised=shown >= rule,
        reason=overridden[0].override_reason if len(overridden) == 1 else "",
    )


def headline_for(*, verdict: str, verdict_label: str, certainty: Certainty, evidence) -> Headline:
    """Apply the headline rule (module docstring)."""
    if not certainty.assessed:
        return Headline(phrase=verdict_label, solid=False, sentence="")
    level = CertaintyLevel(certainty.level)
    return Headline(
        phrase=f"{verdict_label} · {certainty.label.lower()} certainty",
        solid=level in SOLID_LEVELS,
        sentence=f"{evidence_sentence(verdict=verdict, evidence=evidence)} {CONSEQUENCE[level]}",
    )
