"""How big the effect is: each study's effect, the studies pooled, and one sentence saying it.

Pure functions over plain data (no ORM, no request):

    effect_entry(values)                 one study's effect from what an editor entered
                                         (evidence/effects.py says what may be entered)
    synthesise(items, direction=…)       the forest plot's rows and the pooled result

Which studies are pooled: every study with effect data, not retracted, in the measure most of
them use (a tie goes to the measure of the heaviest study). A retracted study is shown struck
through and left out; a study in another measure is listed and left out, with the reason.
Pooling is REML random effects (claims/meta_analysis.py); ratios are pooled on the log scale
and shown back as ratios.

The sentence ("On average, …") follows these words:

    the pooled 95 % CI excludes no effect   "an effect favouring the claim" / "against it"
                                            (SMD: trivial < 0.2 ≤ small < 0.5 ≤ moderate
                                            < 0.8 ≤ large, Cohen's conventions)
    it includes no effect                   "no clear effect"
    I² < 30 %                               "results are consistent between studies"
    30 % ≤ I² < 60 %                        "results vary somewhat between studies"
    I² ≥ 60 %                               "results vary a lot between studies"
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from claims.forest_plot import forest_layout
from claims.meta_analysis import (
    Effect,
    hedges_g,
    log_odds_ratio,
    log_risk_ratio,
    mean_difference,
    pool,
    variance_from_ci,
)
from evidence.choices import CONTINUOUS_MEASURES, RATIO_MEASURES, EffectMeasure
from evidence.effects import describe_effect, effect_errors, has_effect_data

SYMBOLS = {
    EffectMeasure.SMD: "g",
    EffectMeasure.MD: "MD",
    EffectMeasure.RR: "RR",
    EffectMeasure.OR: "OR",
}
HIGHER, LOWER = "higher", "lower"
I2_SOME = 30
I2_A_LOT = 60
SMD_SIZES = ((0.2, "a trivial"), (0.5, "a small"), (0.8, "a moderate"), (math.inf, "a large"))


@dataclass
class EffectEntry:
    """One study's effect as a version stores it. `measure` is "" when there is none.

    estimate and CI are on the measure's own scale (a ratio as a ratio); `y` and `variance`
    are what is pooled (a ratio's logarithm)."""

    measure: str = ""
    outcome: str = ""
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    y: float | None = None
    variance: float | None = None
    from_raw_data: bool = False
    entered: str = ""  # the data as entered, in words (compare and history show it)

    @property
    def present(self) -> bool:
        return bool(self.measure) and self.y is not None

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.measure, "")

    @property
    def text(self) -> str:
        """ "g = 0.31 (95% CI 0.05 to 0.57)" """
        if not self.present:
            return ""
        return (
            f"{self.symbol} = {number(self.estimate)} "
            f"(95% CI {number(self.ci_low)} to {number(self.ci_high)})"
        )


def number(value: float | None) -> str:
    """Two decimals with a true minus sign: −0.21."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return "−" + text[1:] if text.startswith("-") and text != "-0.00" else text.lstrip("-")


def _from_raw(measure, v) -> Effect:
    if measure in CONTINUOUS_MEASURES:
        compute = hedges_g if measure == EffectMeasure.SMD else mean_difference
        return compute(
            v["effect_mean_1"],
            v["effect_sd_1"],
            v["effect_n_1"],
            v["effect_mean_2"],
            v["effect_sd_2"],
            v["effect_n_2"],
        )
    compute = log_risk_ratio if measure == EffectMeasure.RR else log_odds_ratio
    return compute(v["effect_events_1"], v["effect_n_1"], v["effect_events_2"], v["effect_n_2"])


def effect_entry(values) -> EffectEntry:
    """One study's effect from the entered `values`; empty when there is none or it is wrong."""
    if not has_effect_data(values) or effect_errors(values):
        return EffectEntry()
    measure = EffectMeasure(values["effect_measure"])
    ratio = measure in RATIO_MEASURES
    entry = EffectEntry(
        measure=measure.value,
        outcome=values["effect_outcome"].strip(),
        entered=describe_effect(values),
    )
    if values.get("effect_estimate") is not None:
        estimate, low, high = (
            float(values[n]) for n in ("effect_estimate", "effect_ci_low", "effect_ci_high")
        )
        entry.estimate, entry.ci_low, entry.ci_high = estimate, low, high
        entry.y = math.log(estimate) if ratio else estimate
        entry.variance = variance_from_ci(low, high, ratio=ratio)
        return entry
    try:
        effect = _from_raw(measure, values)
    except (ValueError, ZeroDivisionError):
        return EffectEntry()
    half = 1.959963984540054 * effect.se
    entry.y, entry.variance, entry.from_raw_data = effect.estimate, effect.variance, True
    low, high = effect.estimate - half, effect.estimate + half
    if ratio:
        entry.estimate, entry.ci_low, entry.ci_high = (
            math.exp(effect.estimate),
            math.exp(low),
            math.exp(high),
        )
    else:
        entry.estimate, entry.ci_low, entry.ci_high = effect.estimate, low, high
    return entry


@dataclass
class ForestRow:
    doi: str
    label: str  # "Smith 2021"
    estimate: float
    ci_low: float
    ci_high: float
    weight: float = 0.0  # percent of the pooled weight; 0 when left out
    pooled: bool = False
    retracted: bool = False
    risk_of_bias: str = ""
    left_out: str = ""  # why it is not pooled, in words
    plotted: bool = True  # False for a study in another measure: the table lists it

    @property
    def text(self) -> str:
        """ "0.31 (0.05 to 0.57)" """
        return f"{number(self.estimate)} ({number(self.ci_low)} to {number(self.ci_high)})"


@dataclass
class PooledEffect:
    """A pooled result on the measure's own scale; k = 0 when nothing was pooled."""

    k: int = 0
    estimate: float = 0.0
    ci_low: float = 0.0
    ci_high: float = 0.0
    pi_low: float | None = None
    pi_high: float | None = None
    tau2: float = 0.0  # on the pooling scale (log for ratios)
    i2: float = 0.0
    q: float = 0.0
    method: str = ""

    @property
    def present(self) -> bool:
        return self.k > 0

    @property
    def text(self) -> str:
        return f"{number(self.estimate)} ({number(self.ci_low)} to {number(self.ci_high)})"

    @property
    def pi_text(self) -> str:
        if self.pi_low is None:
            return ""
        return f"{number(self.pi_low)} to {number(self.pi_high)}"


@dataclass
class EffectSynthesis:
    """The effect part of an analysis version; `measure` is "" when no study has data."""

    measure: str = ""
    outcome: str = ""
    direction: str = HIGHER
    rows: list[ForestRow] = field(default_factory=list)
    pooled: PooledEffect = field(default_factory=PooledEffect)
    sentence: str = ""

    @property
    def present(self) -> bool:
        return bool(self.measure) and bool(self.rows)

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.measure, "")

    @property
    def measure_label(self) -> str:
        return EffectMeasure(self.measure).label if self.measure else ""

    @property
    def ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    @property
    def null(self) -> float:
        return 1.0 if self.ratio else 0.0

    @property
    def pooled_rows(self) -> list[ForestRow]:
        return [row for row in self.rows if row.pooled]

    @property
    def shows_pooled(self) -> bool:
        """The pooled diamond is shown from two pooled studies on."""
        return self.pooled.k >= 2

    @property
    def forest(self):
        """The forest plot's layout (claims/forest_plot.py), computed when rendered."""
        return forest_layout(self)


def pool_entries(entries, method="REML") -> tuple[PooledEffect, tuple[float, ...]]:
    """Pool `entries` (EffectEntry, one measure): the result and each one's weight in %."""
    result = pool([e.y for e in entries], [e.variance for e in entries], method=method)
    ratio = entries[0].measure in RATIO_MEASURES
    back = math.exp if ratio else (lambda x: x)
    return PooledEffect(
        k=result.k,
        estimate=back(result.estimate),
        ci_low=back(result.ci_low),
        ci_high=back(result.ci_high),
        pi_low=back(result.pi_low) if result.pi_low is not None else None,
        pi_high=back(result.pi_high) if result.pi_high is not None else None,
        tau2=result.tau2,
        i2=result.i2,
        q=result.q,
        method=result.method,
    ), result.weights


def _label(study) -> str:
    """ "Refalo 2024": the first author's family name and the year, short enough for a row."""
    return f"{study.short_authors.split(' ')[0]} {study.year}"


def _main_measure(items) -> str:
    counts = Counter(item.effect.measure for item in items)
    top = max(counts.values())
    # A tie goes to the measure of the heaviest study (items come heaviest first).
    return next(item.effect.measure for item in items if counts[item.effect.measure] == top)


def synthesise(items, *, direction: str = HIGHER) -> EffectSynthesis:
    """The forest plot's rows, the pooled result and the sentence for evidence `items`
    (anything with `effect`, `weight` and a `study` with doi, short_authors, year,
    retracted, risk_of_bias)."""
    with_data = [item for item in items if item.effect.present]
    if not with_data:
        return EffectSynthesis(direction=direction)
    measure = _main_measure(with_data)
    synthesis = EffectSynthesis(measure=measure, direction=direction)
    kept = [i for i in with_data if i.effect.measure == measure and not i.study.retracted]
    rows = {}
    for item in sorted(with_data, key=lambda i: (i.study.year, i.study.short_authors)):
        e = item.effect
        if e.measure != measure:
            left_out = f"Not pooled: reported as {EffectMeasure(e.measure).label.lower()}."
        elif item.study.retracted:
            left_out = "Not pooled: retracted."
        else:
            left_out = ""
        rows[item.study.doi] = ForestRow(
            doi=item.study.doi,
            label=_label(item.study),
            estimate=e.estimate,
            ci_low=e.ci_low,
            ci_high=e.ci_high,
            retracted=item.study.retracted,
            risk_of_bias=item.study.risk_of_bias,
            left_out=left_out,
            # Another measure cannot share the plot's axis: the table lists it.
            plotted=e.measure == measure,
        )
    synthesis.rows = list(rows.values())
    if kept:
        synthesis.outcome = Counter(i.effect.outcome for i in kept).most_common(1)[0][0]
        pooled, weights = pool_entries([i.effect for i in kept])
        for item, weight in zip(kept, weights, strict=True):
            row = rows[item.study.doi]
            row.pooled, row.weight = True, weight
        synthesis.pooled = pooled
    else:
        synthesis.outcome = with_data[0].effect.outcome
    synthesis.sentence = sentence(synthesis)
    return synthesis


def favours_claim(value: float, synthesis: EffectSynthesis) -> bool:
    above = value > synthesis.null
    return above if synthesis.direction == HIGHER else not above


def crosses_null(low: float, high: float, null: float) -> bool:
    return low <= null <= high


def heterogeneity_words(i2: float) -> str:
    if i2 >= I2_A_LOT:
        return "results vary a lot between studies"
    if i2 >= I2_SOME:
        return "results vary somewhat between studies"
    return "results are consistent between studies"


def _size(synthesis, estimate) -> str:
    if synthesis.measure != EffectMeasure.SMD:
        return "an"
    return next(words for limit, words in SMD_SIZES if abs(estimate) < limit)


def sentence(synthesis: EffectSynthesis) -> str:
    """The plain sentence under the forest plot (module docstring)."""
    pooled = synthesis.pooled
    outcome = synthesis.outcome or "the outcome"
    symbol = synthesis.symbol
    if pooled.k == 1:
        row = synthesis.pooled_rows[0]
        return (
            f"One study reports {outcome}: {symbol} = {number(row.estimate)} "
            f"(95% CI {number(row.ci_low)} to {number(row.ci_high)})."
        )
    if not pooled.present:
        return ""
    numbers = (
        f"{symbol} = {number(pooled.estimate)}, 95% CI {number(pooled.ci_low)} to "
        f"{number(pooled.ci_high)}, {pooled.k} studies"
    )
    if crosses_null(pooled.ci_low, pooled.ci_high, synthesis.null):
        found = f"the studies found no clear effect on {outcome}"
    else:
        side = "favouring" if favours_claim(pooled.estimate, synthesis) else "against"
        size = _size(synthesis, pooled.estimate)
        found = f"the studies found {size} effect on {outcome} {side} the claim"
    return (
        f"On average, {found} ({numbers}); {heterogeneity_words(pooled.i2)} "
        f"(I² = {round(pooled.i2)}%)."
    )
