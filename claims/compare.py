"""What changed between two analyses of a claim: a structured diff for the compare page."""

import difflib
from dataclasses import dataclass, field

from claims.analysis import ClaimAnalysis, EvidenceItem, MechanismItem, StudyRef, plain_text


@dataclass
class Word:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class TextChange:
    label: str
    words: list[Word]


@dataclass
class Change:
    label: str
    before: object
    after: object


@dataclass
class StudyChange:
    doi: str
    short_authors: str
    year: int
    title: str
    kind: str  # "added", "removed", "reweighted", "stance", "finding", "details"
    stance_before: str = ""
    stance_after: str = ""
    weight_before: int | None = None
    weight_after: int | None = None
    finding: list[Word] = field(default_factory=list)
    details: list[Change] = field(default_factory=list)


@dataclass
class StepChange:
    kind: str  # "added", "removed", "moved", "support", "text", "citations"
    order_before: int | None
    order_after: int | None
    text: str
    support_before: str = ""
    support_after: str = ""
    words: list[Word] = field(default_factory=list)
    cited_added: list[StudyRef] = field(default_factory=list)
    cited_removed: list[StudyRef] = field(default_factory=list)
    why: str = ""  # why the step has its new level: the editor's reason, or the rule's


def support_why(step) -> str:
    """Why a step has its level, as a version recorded it ("" before step provenance)."""
    if step.overridden:
        return f"editor’s judgement: {step.override_reason} · by the rule: {step.computed_label}"
    return f"by the rule: {step.support_reason}" if step.support_reason else ""


@dataclass
class MechanismChange:
    title: str
    kind: str  # "added", "removed", "changed"
    rank_before: int | None = None
    rank_after: int | None = None
    texts: list[TextChange] = field(default_factory=list)
    steps: list[StepChange] = field(default_factory=list)

    @property
    def reordered(self) -> bool:
        return self.kind == "changed" and self.rank_before != self.rank_after


@dataclass
class Comparison:
    before: ClaimAnalysis
    after: ClaimAnalysis
    headline: list[Change]
    texts: list[TextChange]
    studies: list[StudyChange]
    mechanisms: list[MechanismChange]
    gold_standard: list[TextChange]
    topics: list[Word] = field(default_factory=list)  # each topic kept, added or removed
    # Differences no list above describes (a link's target, formatting): the words read the
    # same, but the versions are not identical, so the page must not say they are.
    other: bool = False
    # Set when the gold-standard changes were taken out for a reader who may not see them.
    gold_standard_hidden: bool = False

    @property
    def topics_changed(self) -> bool:
        return any(word.op != "equal" for word in self.topics)

    @property
    def is_empty(self) -> bool:
        return not (
            self.headline
            or self.texts
            or self.topics_changed
            or self.studies
            or self.mechanisms
            or self.gold_standard
            or self.gold_standard_hidden
            or self.other
        )


plain = plain_text


def word_diff(before: str, after: str) -> list[Word]:
    """Word-level diff of two plain texts, as runs of equal, deleted and inserted words."""
    old, new = before.split(), after.split()
    words = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            words.append(Word("equal", " ".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            words.append(Word("delete", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            words.append(Word("insert", " ".join(new[j1:j2])))
    return words


def text_change(label: str, before: str, after: str) -> TextChange | None:
    before, after = plain(before), plain(after)
    if before == after:
        return None
    return TextChange(label, word_diff(before, after))


def text_changes(*texts: tuple[str, str, str]) -> list[TextChange]:
    """The (label, before, after) texts that changed, as word diffs."""
    return [change for change in (text_change(*text) for text in texts) if change]


def _studies(before: ClaimAnalysis, after: ClaimAnalysis) -> list[StudyChange]:
    def index(analysis) -> dict[str, EvidenceItem]:
        return {item.study.doi: item for item in analysis.supporting + analysis.contradicting}

    old, new = index(before), index(after)
    changes = []
    for doi in sorted(old.keys() | new.keys()):
        a, b = old.get(doi), new.get(doi)
        ref = (b or a).study
        change = StudyChange(doi, ref.short_authors, ref.year, ref.title, kind="")
        if a is None:
            change.kind, change.stance_after, change.weight_after = "added", b.stance, b.weight
        elif b is None:
            change.kind, change.stance_before, change.weight_before = "removed", a.stance, a.weight
        elif a.stance != b.stance:
            change.kind = "stance"
            change.stance_before, change.stance_after = a.stance, b.stance
            change.weight_before, change.weight_after = a.weight, b.weight
        elif a.weight != b.weight:
            change.kind = "reweighted"
            change.stance_before = change.stance_after = b.stance
            change.weight_before, change.weight_after = a.weight, b.weight
        if a is not None and b is not None:
            finding = text_change("Finding", a.finding_html, b.finding_html)
            if finding:
                change.finding = finding.words
                change.kind = change.kind or "finding"
            change.details = _study_details(a, b)
            if change.details:
                change.kind = change.kind or "details"
        if not change.kind:
            continue
        changes.append(change)
    order = {"added": 0, "stance": 1, "reweighted": 2, "finding": 3, "details": 4, "removed": 5}
    return sorted(changes, key=lambda c: order[c.kind])


def _study_details(a: EvidenceItem, b: EvidenceItem) -> list[Change]:
    """What else changed about one piece of evidence: the study's facts, the weight's reason."""

    def override(item):
        return f"overridden: {item.override_reason}" if item.overridden else "by the weight rule"

    def size(ref):
        return f"n = {ref.sample_size}" if ref.sample_size else "not reported"

    facts = (
        ("Title", a.study.title, b.study.title),
        ("Authors", a.study.short_authors, b.study.short_authors),
        ("Journal", a.study.journal, b.study.journal),
        ("Year", a.study.year, b.study.year),
        ("Design", a.study.design_label, b.study.design_label),
        ("Sample size", size(a.study), size(b.study)),
        ("Retracted", "yes" if a.study.retracted else "no", "yes" if b.study.retracted else "no"),
        ("Weight", override(a), override(b)),
        ("Submitted by", a.submitted_by or "an editor", b.submitted_by or "an editor"),
        ("Effect size", a.effect.entered or "none", b.effect.entered or "none"),
    )
    return [Change(label, old, new) for label, old, new in facts if old != new]


def _citations(was, step) -> tuple[list[StudyRef], list[StudyRef]]:
    """Studies a step cites now and did not before, and those it no longer cites."""
    old = {ref.doi: ref for ref in was.citations}
    new = {ref.doi: ref for ref in step.citations}
    added = [new[doi] for doi in sorted(new.keys() - old.keys())]
    removed = [old[doi] for doi in sorted(old.keys() - new.keys())]
    return added, removed


def _steps(before: MechanismItem, after: MechanismItem) -> list[StepChange]:
    old = {plain(step.text_html): step for step in before.steps}
    new = {plain(step.text_html): step for step in after.steps}
    changes = []
    for text, step in new.items():
        if text in old:
            was = old[text]
            if was.order != step.order:
                changes.append(StepChange("moved", was.order, step.order, text))
            if was.support_level != step.support_level:
                changes.append(
                    StepChange(
                        "support",
                        was.order,
                        step.order,
                        text,
                        was.support_label,
                        step.support_label,
                        why=support_why(step),
                    )
                )
            added, removed = _citations(was, step)
            if added or removed:
                changes.append(
                    StepChange(
                        "citations",
                        was.order,
                        step.order,
                        text,
                        cited_added=added,
                        cited_removed=removed,
                    )
                )
    # A step whose text changed is paired with the step that had its place.
    gone = {step.order: step for text, step in old.items() if text not in new}
    for text, step in new.items():
        if text in old:
            continue
        was = gone.pop(step.order, None)
        if was is None:
            changes.append(
                StepChange(
                    "added",
                    None,
                    step.order,
                    text,
                    support_after=step.support_label,
                    cited_added=list(step.citations),
                )
            )
            continue
        added, removed = _citations(was, step)
        changes.append(
            StepChange(
                "text",
                was.order,
                step.order,
                text,
                support_before=was.support_label,
                support_after=step.support_label,
                words=word_diff(plain(was.text_html), text),
                cited_added=added,
                cited_removed=removed,
            )
        )
    for step in gone.values():
        changes.append(
            StepChange(
                "removed",
                step.order,
                None,
                plain(step.text_html),
                support_before=step.support_label,
            )
        )
    return sorted(changes, key=lambda c: (c.order_after or c.order_before or 0, c.kind))


def _mechanisms(before: ClaimAnalysis, after: ClaimAnalysis) -> list[MechanismChange]:
    old = {m.title: m for m in before.mechanisms}
    new = {m.title: m for m in after.mechanisms}
    changes = []
    for title, mechanism in new.items():
        was = old.get(title)
        if was is None:
            changes.append(MechanismChange(title, "added", rank_after=mechanism.rank))
            continue
        texts = text_changes(
            ("How it works", was.how_it_works_html, mechanism.how_it_works_html),
            ("In Simple Terms", was.simple_terms_html, mechanism.simple_terms_html),
        )
        steps = _steps(was, mechanism)
        if texts or steps or was.rank != mechanism.rank:
            changes.append(
                MechanismChange(title, "changed", was.rank, mechanism.rank, texts, steps)
            )
    for title, was in old.items():
        if title not in new:
            changes.append(MechanismChange(title, "removed", rank_before=was.rank))
    return changes


def _gold_standard(before: ClaimAnalysis, after: ClaimAnalysis) -> list[TextChange]:
    old = {g.rank: g for g in before.gold_standard}
    new = {g.rank: g for g in after.gold_standard}
    changes = []
    for rank in sorted(old.keys() | new.keys()):
        a, b = old.get(rank), new.get(rank)
        if a is None:
            changes.append(
                TextChange(
                    f"{rank}. {b.design_label} (added)", [Word("insert", plain(b.description_html))]
                )
            )
        elif b is None:
            changes.append(
                TextChange(
                    f"{rank}. {a.design_label} (removed)",
                    [Word("delete", plain(a.description_html))],
                )
            )
        else:
            change = text_change(
                f"{rank}. {b.design_label}",
                f"{a.design_label}: {plain(a.description_html)}",
                f"{b.design_label}: {plain(b.description_html)}",
            )
            if change:
                changes.append(change)
    return changes


def _certainty_text(analysis: ClaimAnalysis) -> str:
    certainty = analysis.certainty
    if not certainty.assessed:
        return "Not rated"
    override = " (editor override)" if certainty.overridden else ""
    return f"{certainty.label}{override}"


def _effect_text(analysis: ClaimAnalysis) -> str:
    """ "g = 0.53 (95% CI 0.08 to 0.98), 6 studies, I² = 71%", or "—" without effect data."""
    effect = analysis.effect
    pooled = effect.pooled
    if not pooled.present:
        return "—"
    if pooled.k == 1:
        return f"{effect.symbol} = {pooled.text}, 1 study"
    return f"{effect.symbol} = {pooled.text}, {pooled.k} studies, I² = {round(pooled.i2)}%"


def compare_analyses(before: ClaimAnalysis, after: ClaimAnalysis) -> Comparison:
    headline = [
        Change(label, a, b)
        for label, a, b in (
            # The verdict with its certainty, as the headline reads it.
            ("Verdict", before.headline.phrase, after.headline.phrase),
            ("Certainty", _certainty_text(before), _certainty_text(after)),
            ("Sensitivity", before.sensitivity_summary or "—", after.sensitivity_summary or "—"),
            ("Pooled effect", _effect_text(before), _effect_text(after)),
            ("Pro", before.pro, after.pro),
            ("Against", before.against, after.against),
            ("Claim type", before.claim_type_label, after.claim_type_label),
            ("Page address", f"/claims/{before.slug}/", f"/claims/{after.slug}/"),
        )
        if a != b
    ]
    texts = text_changes(
        ("Statement", before.statement, after.statement),
        ("Summary", before.summary_html, after.summary_html),
    )
    comparison = Comparison(
        before=before,
        after=after,
        headline=headline,
        texts=texts,
        studies=_studies(before, after),
        mechanisms=_mechanisms(before, after),
        gold_standard=_gold_standard(before, after),
        topics=_topics(before, after),
    )
    comparison.other = comparison.is_empty and before.content() != after.content()
    return comparison


def _topics(before: ClaimAnalysis, after: ClaimAnalysis) -> list[Word]:
    """Every topic of either version, in name order, as kept, added or removed."""
    old = {t.slug: t.name for t in before.topics}
    new = {t.slug: t.name for t in after.topics}
    words = []
    for slug in sorted(old.keys() | new.keys(), key=lambda slug: new.get(slug) or old[slug]):
        if slug in old and slug in new and old[slug] == new[slug]:
            words.append(Word("equal", new[slug]))
            continue
        if slug in old:
            words.append(Word("delete", old[slug]))
        if slug in new:
            words.append(Word("insert", new[slug]))
    return words
