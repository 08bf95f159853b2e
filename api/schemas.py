"""The API's JSON, field by field: stable names, documented in the README (issue 17).

Built from published data only: a version's snapshot (ClaimAnalysis) and the listing
read-model. The gold-standard list is for signed-in members and is never part of the API.
"""

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    # A field that is not declared here never slips into an answer.
    model_config = ConfigDict(extra="forbid")


class Topic(Strict):
    slug: str
    name: str


class CertaintyReason(Strict):
    domain: str
    label: str
    points: int = Field(description="Levels lost (negative) or gained (positive).")
    reason: str


class CertaintyBrief(Strict):
    level: str = Field(description='"high", "moderate", "low", "very_low" or "" (not rated).')
    label: str
    overridden: bool = Field(description="An editor set the level; the reason says why.")
    override_reason: str


class Certainty(Strict):
    level: str = Field(description='"high", "moderate", "low", "very_low" or "" (not rated).')
    label: str
    computed_level: str = Field(description="What the certainty rule gives.")
    overridden: bool = Field(description="An editor set the level; the reason says why.")
    override_reason: str
    reasons: list[CertaintyReason] = Field(
        description="Where the rating started and every level lost or gained, with why."
    )


class Tallies(Strict):
    pro: int = Field(description="Sum of the weights of supporting evidence.")
    against: int = Field(description="Sum of the weights of contradicting evidence.")


class RuleTallies(Tallies):
    rule_pro: int = Field(
        description="What the weight rule gives for Pro, before any editor's weight."
    )
    rule_against: int = Field(
        description="What the weight rule gives for Against, before any editor's weight."
    )


class Verdict(Strict):
    code: str
    label: str


class VersionRef(Strict):
    number: int
    published_at: datetime
    change_note: str
    verdict: str
    url: str
    api_url: str


class StudyRef(Strict):
    doi: str
    title: str
    authors: str = Field(description="Short form: “Refalo et al.”.")
    year: int
    journal: str
    design: str
    design_label: str
    sample_size: int | None
    retracted: bool
    notice: str = Field(description="A notice Crossref records: retraction, concern, …; or ''.")
    url: str
    api_url: str


class Effect(Strict):
    """A study's result for the claim's outcome, on the measure's own scale (README, "Effect
    sizes")."""

    measure: str = Field(description='"smd" (Hedges\' g), "md", "rr" or "or".')
    outcome: str
    estimate: float
    ci_low: float = Field(description="Lower limit of the 95% confidence interval.")
    ci_high: float = Field(description="Upper limit of the 95% confidence interval.")
    from_raw_data: bool = Field(description="Computed from the groups' data, not typed in.")
    entered: str = Field(description="The data as entered, in words.")


class PooledEffect(Strict):
    measure: str
    outcome: str
    direction: str = Field(description='Which values favour the claim: "higher" or "lower".')
    studies: int = Field(description="How many studies were pooled.")
    method: str = Field(description='"REML" random effects, unless stated otherwise.')
    estimate: float
    ci_low: float
    ci_high: float
    prediction_low: float | None = Field(description="95% prediction interval (3+ studies).")
    prediction_high: float | None
    i2: float = Field(description="I², the share of variation between studies (0–100).")
    tau2: float = Field(description="τ², on the pooling scale (log for ratios).")
    sentence: str


class Evidence(Strict):
    study: StudyRef
    stance: str = Field(description='"supports" or "contradicts".')
    weight: int = Field(description="What counts in the tallies (0–100).")
    computed_weight: int = Field(description="What the weight rule gives.")
    overridden: bool = Field(description="An editor set the weight; the reason says why.")
    override_reason: str
    finding_html: str
    effect: Effect | None = Field(description="The study's effect, when it was given.")


class Step(Strict):
    order: int
    text_html: str
    support_level: str = Field(description="The level readers see: the rule's or an editor's.")
    support_label: str
    computed_level: str = Field(description="What the step-support rule gives.")
    overridden: bool = Field(description="An editor set the level; the reason says why.")
    override_reason: str
    support_reason: str = Field(description="Why the rule gives its level.")
    citations: list[str] = Field(description="DOIs of the studies the step cites.")


class Mechanism(Strict):
    rank: int = Field(description="1 is the most probable mechanism.")
    title: str
    how_it_works_html: str
    simple_terms_html: str
    steps: list[Step]


class ClaimSummary(Strict):
    slug: str
    url: str
    api_url: str
    statement: str
    claim_type: str
    verdict: Verdict
    certainty: CertaintyBrief
    tallies: Tallies
    topics: list[Topic]
    version: int = Field(description="Number of the latest published analysis version.")
    published_at: datetime


class ClaimPage(Strict):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[ClaimSummary]


class ClaimDetail(Strict):
    slug: str
    url: str = Field(description="The permanent URL of this analysis version.")
    statement: str
    summary_html: str
    claim_type: str
    topics: list[Topic]
    version: VersionRef
    latest_version: int
    verdict: Verdict
    certainty: Certainty
    tallies: RuleTallies
    mechanisms: list[Mechanism]
    evidence: list[Evidence]
    effect: PooledEffect | None = Field(description="The pooled effect, when 2+ studies give one.")
    versions: list[VersionRef]


class Study(Strict):
    doi: str
    url: str
    doi_url: str
    title: str
    authors: str
    journal: str
    volume: str
    issue: str
    pages: str
    year: int
    design: str
    design_label: str
    sample_size: int | None
    risk_of_bias: str
    retracted: bool
    weight: int = Field(description="The study's weight by the rule, before any override.")
    cited_by: list[str] = Field(
        description="Slugs of published claims whose latest version cites it."
    )


class Error(Strict):
    detail: str | list
