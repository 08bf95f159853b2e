"""The whole analysis of a claim as plain data.

`build_analysis(claim)` is the only thing the claim page renders. Everything in a
`ClaimAnalysis` is a str, int, bool, list or nested dataclass, so it can be stored as JSON
(`to_dict`/`from_dict`) and rendered later exactly as it was.
"""

import copy
import functools
import html
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Any, get_args, get_origin, get_type_hints

from django.apps import apps
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.html import strip_tags
from django.utils.text import Truncator

from claims.certainty import Certainty, certainty_for, suggestions_for
from claims.effects import EffectEntry, EffectSynthesis, effect_entry, synthesise
from claims.headline import Headline, TallyOverride, headline_for, tally_override
from claims.sensitivity import (
    PooledCheck,
    SensitivityCheck,
    pooled_checks,
    rule_weight,
    sensitivity_checks,
)
from claims.sensitivity import summary as sensitivity_summary
from claims.verdicts import Verdict, verdict_for
from claims.what_would_change import what_would_change
from evidence.choices import Stance
from evidence.weights import MAX_WEIGHT
from mechanisms.models import CausalStep, StepCitation

LEAD_EXCERPT_CHARS = 280
# A gold-standard design folds to about two lines on a phone.
GOLD_EXCERPT_CHARS = 110


@dataclass
class TopicRef:
    name: str
    slug: str


@dataclass
class StudyRef:
    doi: str
    short_authors: str
    year: int
    title: str
    journal: str
    design: str
    design_label: str
    sample_size: int | None
    retracted: bool
    is_example: bool
    risk_of_bias: str = ""
    # The notice readers must see (evidence/notices.py: headline): a retraction or a concern.
    notice: str = ""
    notice_label: str = ""
    notice_date: str = ""  # ISO date, "" when Crossref gives none
    notice_url: str = ""

    @property
    def notice_when(self) -> str:
        """The notice's date as readers read it: “2 November 2023”."""
        if not self.notice_date:
            return ""
        day = date.fromisoformat(self.notice_date)
        return f"{day.day} {day:%B %Y}"


@dataclass
class EvidenceItem:
    study: StudyRef
    stance: str
    weight: int
    computed_weight: int
    overridden: bool
    override_reason: str
    finding_html: str
    submitted_by: str = ""
    indirect: bool = False
    # The study's effect for the claim's outcome (claims/effects.py); empty when not given.
    effect: EffectEntry = field(default_factory=EffectEntry)

    @property
    def stance_label(self) -> str:
        return Stance(self.stance).label


@dataclass
class CitedFor:
    """What a cited study shows for a step (mechanisms/support.py: Provenance)."""

    doi: str
    provenance: str
    provenance_label: str


@dataclass
class StepItem:
    order: int
    text_html: str
    # The level readers see: the rule's, or an editor's (mechanisms/support.py).
    support_level: str
    support_label: str
    citations: list[StudyRef] = field(default_factory=list)
    # Added with step provenance; versions published before it have "" and [].
    computed_level: str = ""
    computed_label: str = ""
    overridden: bool = False
    override_reason: str = ""
    support_reason: str = ""
    provenance: list[CitedFor] = field(default_factory=list)

    @property
    def cited_count(self) -> int:
        return len({ref.doi for ref in self.citations})


@dataclass
class MechanismItem:
    rank: int
    title: str
    how_it_works_html: str
    how_it_works_excerpt: str
    how_it_works_is_long: bool
    simple_terms_html: str
    steps: list[StepItem] = field(default_factory=list)

    @property
    def chain_citations(self) -> list[StudyRef]:
        """The studies cited by every step of a chain of two or more steps: the page names
        them once for the chain instead of under each step."""
        if len(self.steps) < 2:
            return []
        shared = set.intersection(*({ref.doi for ref in step.citations} for step in self.steps))
        return [ref for ref in self.steps[0].citations if ref.doi in shared]

    @property
    def chain_steps(self) -> list[tuple[StepItem, list[StudyRef], str]]:
        """Each step with the citations it does not share with the whole chain, and its text
        without the inline DOIs of those shared studies (the chain names them once; the
        stored text keeps them)."""
        shared = {ref.doi for ref in self.chain_citations}
        return [
            (
                step,
                [ref for ref in step.citations if ref.doi not in shared],
                without_inline_citations(step.text_html, shared),
            )
            for step in self.steps
        ]


@dataclass
class GoldStandardItem:
    rank: int
    design: str
    design_label: str
    description_html: str

    @property
    def excerpt(self) -> str:
        """The description's opening words: a folded card shows them, the whole opens in place."""
        return _lead_excerpt(self.description_html, chars=GOLD_EXCERPT_CHARS)[0]


@dataclass
class ClaimAnalysis:
    slug: str
    statement: str
    summary_html: str
    claim_type: str
    claim_type_label: str
    topics: list[TopicRef]
    verdict: str
    verdict_label: str
    pro: int
    against: int
    version: int
    mechanisms: list[MechanismItem]
    supporting: list[EvidenceItem]
    contradicting: list[EvidenceItem]
    gold_standard: list[GoldStandardItem]
    # Added later, with defaults: versions published before they existed still load.
    certainty: Certainty = field(default_factory=Certainty)
    sensitivity: list[SensitivityCheck] = field(default_factory=list)
    # How big the effect is: the forest plot's rows and the pooled result (claims/effects.py).
    effect: EffectSynthesis = field(default_factory=EffectSynthesis)
    effect_checks: list[PooledCheck] = field(default_factory=list)

    # The summary as readers read it, without markup: what search matches and listings show.
    # Versions published before it existed get it from their summary_html on loading.
    summary_text: str = ""
    # Pro and Against by the weight rule alone, without editors' overrides, so that readers
    # (and anything reading the snapshot) see both. Versions published before they existed
    # get them from their evidence items on loading.
    rule_pro: int | None = None
    rule_against: int | None = None

    def __post_init__(self):
        if not self.summary_text and self.summary_html:
            self.summary_text = plain_text(self.summary_html)
        if self.rule_pro is None:
            self.rule_pro = sum(rule_weight(i) for i in self.supporting)
        if self.rule_against is None:
            self.rule_against = sum(rule_weight(i) for i in self.contradicting)

    @property
    def headline(self) -> Headline:
        """The verdict and its certainty as one statement, with its plain sentence."""
        return headline_for(
            verdict=self.verdict,
            verdict_label=self.verdict_label,
            certainty=self.certainty,
            evidence=self.supporting + self.contradicting,
        )

    @property
    def max_weight(self) -> int:
        return MAX_WEIGHT

    @property
    def pro_override(self) -> TallyOverride | None:
        return tally_override(items=self.supporting, shown=self.pro, rule=self.rule_pro)

    @property
    def against_override(self) -> TallyOverride | None:
        return tally_override(items=self.contradicting, shown=self.against, rule=self.rule_against)

    @property
    def sensitivity_summary(self) -> str:
        return sensitivity_summary(self.sensitivity)

    @property
    def what_would_change(self):
        """The smallest extra evidence that would move the verdict, each way."""
        return what_would_change(pro=self.pro, against=self.against)

    @property
    def certainty_suggestions(self):
        """Studies that would answer the weaknesses the certainty rating found."""
        return suggestions_for(self.certainty)

    @property
    def primary_mechanism(self) -> MechanismItem | None:
        return self.mechanisms[0] if self.mechanisms else None

    @property
    def other_mechanisms(self) -> list[MechanismItem]:
        return self.mechanisms[1:]

    @property
    def synthesis_study_count(self) -> int:
        """Distinct studies cited by the causal chains of all mechanisms."""
        return len({ref.doi for m in self.mechanisms for step in m.steps for ref in step.citations})

    def without_gold_standard(self) -> "ClaimAnalysis":
        """This analysis for a reader who may not see the gold-standard list (not a member)."""
        return replace(self, gold_standard=[])

    def to_dict(self) -> dict[str, Any]:
        return as_plain_data(self)

    def content(self) -> dict[str, Any]:
        """What the analysis says, its version number aside: two analyses with the same
        content are the same analysis (nothing to publish, nothing to compare)."""
        return {**self.to_dict(), "version": None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ClaimAnalysis":
        return _from_dict(cls, data)


def from_stored(cls, data: dict[str, Any]):
    """Any dataclass of a snapshot (a Certainty, say) from the JSON it was stored as."""
    return _from_dict(cls, data)


# Field names of each dataclass met while writing a snapshot: what dataclasses.asdict() looks
# up again for every object, which made writing 100,000 snapshots take minutes.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_ATOMS = frozenset({str, int, float, bool, type(None)})


def as_plain_data(value):
    """`value` as dataclasses.asdict() gives it (dicts, lists and copies of the rest)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        return {name: as_plain_data(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return kind(as_plain_data(item) for item in value)
    if kind is dict:
        return {as_plain_data(key): as_plain_data(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
        return as_plain_data(value)
    return copy.deepcopy(value)


def _from_dict(cls, data):
    values = {}
    for name, hint in _field_hints(cls):
        if name in data:
            values[name] = _coerce(hint, data[name])
    return cls(**values)


@functools.cache
def _field_hints(cls) -> tuple[tuple[str, Any], ...]:
    """Each field of a snapshot dataclass with its type, worked out once per class: a list
    page reads a dozen snapshots' certainties, and get_type_hints() is slow."""
    hints = get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


def _coerce(hint, value):
    if is_dataclass(hint) and isinstance(value, dict):
        return _from_dict(hint, value)
    if get_origin(hint) is list:
        (item_type,) = get_args(hint)
        return [_coerce(item_type, item) for item in value]
    return value


# Block elements end a word: "<p>One.</p><p>Two.</p>" reads "One. Two.", not "One.Two.".
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|br|hr|blockquote|pre|div|table|tr|td|th)\b[^>]*>")


def plain_text(html_text: str) -> str:
    """What a reader reads in `html_text`: no tags, entities decoded, whitespace collapsed."""
    text = strip_tags(_BLOCK_TAG.sub(" ", html_text or ""))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def without_inline_citations(text_html: str, dois) -> str:
    """`text_html` without "(DOI)" citations of these DOIs, linked or not, as the Markdown
    renderer writes them: "… extension (<a href="/studies/10.1/x/">10.1/x</a>)." becomes
    "… extension.". Only whole parenthesised citations go, so the markup stays balanced."""
    for doi in dois:
        link = rf"(?:<a [^>]*>\s*{re.escape(doi)}\s*</a>|{re.escape(doi)})"
        text_html = re.sub(rf"\s*\(\s*{link}\s*\)", "", text_html, flags=re.IGNORECASE)
    return text_html


def _lead_excerpt(lead_html: str, *, chars: int = LEAD_EXCERPT_CHARS) -> tuple[str, bool]:
    text = html.unescape(strip_tags(lead_html)).strip()
    excerpt = Truncator(text).chars(chars, truncate="…")
    return excerpt, excerpt != text


def study_ref(study) -> StudyRef:
    """The study as a version shows it; its notices should be prefetched."""
    # A study not saved yet (an approval's preview) has no notices.
    notice = study.headline_notice if study.pk else None
    return StudyRef(
        doi=study.doi,
        short_authors=study.short_authors,
        year=study.year,
        title=study.title,
        journal=study.journal,
        design=study.design,
        design_label=study.get_design_display(),
        sample_size=study.sample_size,
        retracted=study.retracted,
        is_example=study.is_example,
        risk_of_bias=study.risk_of_bias,
        notice=notice.kind if notice else "",
        notice_label=notice.get_kind_display() if notice else "",
        notice_date=notice.date.isoformat() if notice and notice.date else "",
        notice_url=notice.url if notice else "",
    )


def step_item(step, *, citations) -> StepItem:
    """A step as a version shows it; `citations` are its StepCitation rows, studies loaded."""
    citations = sorted(citations, key=lambda c: c.study.doi)
    support = step.support(citations)
    return StepItem(
        order=step.order,
        text_html=step.text_html,
        support_level=support.level,
        support_label=support.label,
        citations=[study_ref(c.study) for c in citations],
        computed_level=support.computed_level,
        computed_label=support.computed_label,
        overridden=support.overridden,
        override_reason=support.override_reason,
        support_reason=support.reason,
        provenance=[
            CitedFor(
                doi=c.study.doi,
                provenance=c.provenance,
                provenance_label=c.get_provenance_display(),
            )
            for c in citations
        ],
    )


def mechanism_item(mechanism, *, steps, citations) -> MechanismItem:
    """A mechanism as a version shows it: `steps` in order, `citations(step)` for each."""
    excerpt, is_long = _lead_excerpt(mechanism.how_it_works_html)
    return MechanismItem(
        rank=mechanism.rank,
        title=mechanism.title,
        how_it_works_html=mechanism.how_it_works_html,
        how_it_works_excerpt=excerpt,
        how_it_works_is_long=is_long,
        simple_terms_html=mechanism.simple_terms_html,
        steps=[step_item(step, citations=citations(step)) for step in steps],
    )


# What an analysis reads besides the claim row, prefetched into attributes of its own so that
# a claim loaded elsewhere (with other prefetches) is never read from a stale cache.
_PREFETCHED = ("_analysis_evidence", "_analysis_mechanisms", "_analysis_topics", "_analysis_gold")


def _analysis_prefetches():
    # By name: evidence.models imports claims.models, which this module must not pull in.
    Evidence = apps.get_model("evidence", "Evidence")  # noqa: N806 - a model class
    GoldStandardDesign = apps.get_model("evidence", "GoldStandardDesign")  # noqa: N806
    Mechanism = apps.get_model("mechanisms", "Mechanism")  # noqa: N806

    return [
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("study", "submitted_by")
            .prefetch_related("study__notices")
            .order_by("-weight", "-study__year", "pk"),
            to_attr="_analysis_evidence",
        ),
        Prefetch(
            "mechanisms",
            queryset=Mechanism.objects.order_by("rank").prefetch_related(
                Prefetch(
                    "steps",
                    queryset=CausalStep.objects.order_by("order").prefetch_related(
                        Prefetch(
                            "citations",
                            queryset=StepCitation.objects.select_related("study").prefetch_related(
                                "study__notices"
                            ),
                        )
                    ),
                )
            ),
            to_attr="_analysis_mechanisms",
        ),
        Prefetch("topics", to_attr="_analysis_topics"),
        Prefetch(
            "gold_standard_designs",
            queryset=GoldStandardDesign.objects.order_by("rank"),
            to_attr="_analysis_gold",
        ),
    ]


def build_analysis(claim, *, version: int = 0) -> ClaimAnalysis:
    """Assemble the claim's working analysis in a fixed number of queries, whatever its size.

    `version` is the number to show on it; publishing stamps the real one.
    """
    return build_analyses([claim], version=version)[claim.pk]


def build_analyses(claims, *, version: int = 0) -> dict[int, ClaimAnalysis]:
    """The working analyses of many claims at once, in the same fixed number of queries as
    one (the editors' page compares every claim with its published version)."""
    claims = list(claims)
    _prefetch(claims)
    return {claim.pk: _analysis_of(claim, version=version) for claim in claims}


def build_analyses_adding(links) -> list[tuple[ClaimAnalysis, ClaimAnalysis]]:
    """For each unsaved evidence link: its claim's working analysis, and the same analysis
    had the link been saved (its tallies, verdict and certainty by the same rules), in the
    same fixed number of queries however many links. Moderation previews approvals with it.

    Each link's study must have its notices prefetched, or be unsaved (no notices yet).
    """
    links = list(links)
    _prefetch([link.claim for link in links])
    return [
        (_analysis_of(link.claim, version=0), _analysis_of(link.claim, version=0, adding=link))
        for link in links
    ]


def _prefetch(claims):
    for claim in claims:
        # Always read afresh: the working copy may have changed since a previous build.
        for name in _PREFETCHED:
            claim.__dict__.pop(name, None)
    prefetch_related_objects(claims, *_analysis_prefetches())


def _evidence_order(link):
    """Where a link stands in the claim's evidence, as `_analysis_prefetches` orders it; an
    unsaved one after the saved ones it ties with, as its primary key will be larger."""
    return (-link.weight, -(link.study.year or 0), link.pk is None, link.pk or 0)


def _analysis_of(claim, *, version: int, adding=None) -> ClaimAnalysis:
    evidence = claim._analysis_evidence
    pro, against, verdict = claim.pro_tally, claim.against_tally, claim.verdict
    if adding is not None:
        evidence = sorted([*evidence, adding], key=_evidence_order)
        # The sums and the rule Claim.recompute_tallies applies once the link is saved.
        if adding.stance == Stance.SUPPORTS:
            pro += adding.weight
        elif adding.stance == Stance.CONTRADICTS:
            against += adding.weight
        verdict = verdict_for(pro, against)
    mechanism_items = [
        mechanism_item(m, steps=m.steps.all(), citations=lambda step: step.citations.all())
        for m in claim._analysis_mechanisms
    ]

    def evidence_item(link) -> EvidenceItem:
        # The weight rule says whether the override applies (a retraction beats it).
        weight = link.weight_detail()
        return EvidenceItem(
            study=study_ref(link.study),
            stance=link.stance,
            weight=link.weight,
            computed_weight=link.computed_weight,
            overridden=weight.overridden,
            override_reason=link.weight_override_reason,
            finding_html=link.finding_html,
            submitted_by=link.submitted_by.get_username() if link.submitted_by else "",
            indirect=link.indirect,
            effect=effect_entry(link.effect_values()),
        )

    supporting = [evidence_item(e) for e in evidence if e.stance == Stance.SUPPORTS]
    contradicting = [evidence_item(e) for e in evidence if e.stance == Stance.CONTRADICTS]
    # Heaviest first, as the page lists them: a tie of measures goes to the heaviest study.
    items = sorted(supporting + contradicting, key=lambda i: -i.weight)
    effect = synthesise(items, direction=claim.effect_direction)
    return ClaimAnalysis(
        slug=claim.slug,
        statement=claim.statement,
        summary_html=claim.summary_html,
        summary_text=plain_text(claim.summary_html),
        claim_type=claim.claim_type,
        claim_type_label=claim.get_claim_type_display(),
        topics=[
            TopicRef(name=t.name, slug=t.slug)
            for t in sorted(claim._analysis_topics, key=lambda t: (t.name, t.pk))
        ],
        verdict=verdict,
        verdict_label=Verdict(verdict).label,
        pro=pro,
        against=against,
        version=version,
        mechanisms=mechanism_items,
        supporting=supporting,
        contradicting=contradicting,
        gold_standard=[
            GoldStandardItem(
                rank=g.rank,
                design=g.design,
                design_label=g.get_design_display(),
                description_html=g.description_html,
            )
            for g in claim._analysis_gold
        ],
        certainty=certainty_for(
            evidence=supporting + contradicting,
            judgements=claim.certainty_judgements(),
            effect=effect,
        ),
        sensitivity=sensitivity_checks(evidence=supporting + contradicting, verdict=verdict),
        effect=effect,
        effect_checks=pooled_checks(evidence=items, effect=effect),
    )
