"""The forest plot's geometry: where each study, the pooled diamond and the axis go.

A pure function of an effect synthesis (claims/effects.py); the template
templates/claims/_forest_plot.html draws it as SVG, so no script and no plotting service is
needed. Coordinates are in the SVG's own units: it is 360 wide and scales to its box, so it
fits a phone's 390 px at about its natural size. Ratios are drawn on a log scale.
"""

import math
from dataclasses import dataclass, field

WIDTH = 360
LABEL_RIGHT = 102  # study labels end here (text-anchor end)
PLOT_LEFT = 112
PLOT_RIGHT = 350
TOP = 14
ROW = 24
LABEL_CHARS = 16
MARKER_MIN, MARKER_MAX = 4.0, 13.0
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class PlotRow:
    label: str
    y: float
    x_low: float
    x_high: float
    x: float
    size: float  # the marker's side
    pooled: bool
    retracted: bool
    text: str  # what a screen reader's table says, for the SVG's own <title>

    @property
    def marker_x(self) -> float:
        return self.x - self.size / 2

    @property
    def marker_y(self) -> float:
        return self.y - self.size / 2


@dataclass
class ForestLayout:
    width: int
    height: float
    plot_left: float
    plot_right: float
    rows: list[PlotRow]
    null_x: float
    ticks: list[Tick]
    axis_y: float
    favours_left: str
    favours_right: str
    diamond: str = ""  # SVG polygon points
    diamond_y: float = 0.0
    pi_y: float = 0.0
    pi_low_x: float | None = None
    pi_high_x: float | None = None
    top_y: float = TOP
    lines: list = field(default_factory=list)

    @property
    def has_pi(self) -> bool:
        return self.pi_low_x is not None

    @property
    def label_right(self) -> int:
        return LABEL_RIGHT

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 15

    @property
    def favours_y(self) -> float:
        return self.axis_y + 33

    @property
    def pi_cap_top(self) -> float:
        return self.pi_y - 4

    @property
    def pi_cap_bottom(self) -> float:
        return self.pi_y + 4

    @property
    def tick_bottom(self) -> float:
        return self.axis_y + 4


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _nice_step(span: float) -> float:
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _tick_text(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "−" + text[1:] if text.startswith("-") and text != "-0" else text.lstrip("-")


def forest_layout(synthesis) -> ForestLayout:
    """The plot for `synthesis` (an EffectSynthesis with at least one plotted row)."""
    ratio = synthesis.ratio
    scale = math.log if ratio else (lambda v: v)
    rows = [row for row in synthesis.rows if row.plotted]
    pooled = synthesis.pooled if synthesis.shows_pooled else None
    values = [synthesis.null]
    for row in rows:
        values += [row.ci_low, row.ci_high]
    if pooled:
        values += [pooled.ci_low, pooled.ci_high]
        values += [v for v in (pooled.pi_low, pooled.pi_high) if v is not None]
    low, high = min(scale(v) for v in values), max(scale(v) for v in values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.06
    low, high = low - pad, high + pad

    def x(value: float) -> float:
        return round(PLOT_LEFT + (scale(value) - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT), 2)

    if ratio:
        candidates = [t for t in RATIO_TICKS if low <= math.log(t) <= high]
        while len(candidates) > 6:
            # Thin out every other tick, keeping 1 (no effect).
            anchor = candidates.index(1) if 1 in candidates else 0
            candidates = [t for i, t in enumerate(candidates) if (i - anchor) % 2 == 0]
        ticks = [Tick(x(t), _tick_text(t)) for t in candidates]
    else:
        step = _nice_step(high - low)
        first = math.ceil(low / step) * step
        ticks = []
        value = first
        while value <= high + 1e-9:
            ticks.append(Tick(x(value), _tick_text(round(value, 10))))
            value += step

    biggest = max((row.weight for row in rows if row.pooled), default=0) or 1
    plot_rows = []
    y = TOP + ROW
    for row in rows:
        if row.pooled:
            size = MARKER_MIN + (MARKER_MAX - MARKER_MIN) * math.sqrt(row.weight / biggest)
        else:
            size = MARKER_MIN + 1
        plot_rows.append(
            PlotRow(
                label=_short(row.label),
                y=y,
                x_low=x(row.ci_low),
                x_high=x(row.ci_high),
                x=x(row.estimate),
                size=round(size, 2),
                pooled=row.pooled,
                retracted=row.retracted,
                text=row.label,
            )
        )
        y += ROW
    favours_claim = "Favours the claim →"
    against = "← Against the claim"
    if synthesis.direction == "lower":
        favours_left, favours_right = "← Favours the claim", "Against the claim →"
    else:
        favours_left, favours_right = against, favours_claim
    layout = ForestLayout(
        width=WIDTH,
        height=0,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        rows=plot_rows,
        null_x=x(synthesis.null),
        ticks=ticks,
        axis_y=0,
        favours_left=favours_left,
        favours_right=favours_right,
    )
    if pooled:
        y += 4
        layout.diamond_y = y
        layout.diamond = " ".join(
            f"{px},{py}"
            for px, py in (
                (x(pooled.ci_low), y),
                (x(pooled.estimate), y - 7),
                (x(pooled.ci_high), y),
                (x(pooled.estimate), y + 7),
            )
        )
        y += ROW
        if pooled.pi_low is not None:
            layout.pi_y = y
            layout.pi_low_x, layout.pi_high_x = x(pooled.pi_low), x(pooled.pi_high)
            y += ROW
    layout.axis_y = y - ROW / 2 + 4
    layout.height = layout.favours_y + 10
    return layout
