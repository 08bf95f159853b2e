"""The statistics of effect sizes: one study's effect from its data, and many studies pooled.

Pure functions over numbers (no ORM, no request), checked against reference implementations
(tests/claims/test_meta_analysis.py):

    hedges_g            standardised mean difference with the small-sample correction J
    mean_difference     raw mean difference
    log_risk_ratio      log RR; 0.5 is added to every cell when a cell is 0
    log_odds_ratio      log OR; the same correction
    variance_from_ci    the variance an estimate's 95 % CI implies (ratios: on the log scale)
    pool                inverse-variance pooling: fixed effect ("FE"), DerSimonian–Laird
                        ("DL") or restricted maximum likelihood ("REML", the default)

Ratios are pooled on the log scale; the caller shows them back on the ratio scale.

I² is τ² / (τ² + s²) with s² the "typical" within-study variance (Higgins & Thompson 2002),
the definition metafor uses: it equals (Q − df) / Q under DerSimonian–Laird. The 95 %
prediction interval (Higgins, Thompson & Spiegelhalter 2009) uses Student's t with k − 2
degrees of freedom and exists from three studies on.
"""

import math
from dataclasses import dataclass

Z_975 = 1.959963984540054  # the standard normal's 97.5th percentile
CONTINUITY = 0.5
METHODS = ("REML", "DL", "FE")
REML_MAX_ITERATIONS = 1000
REML_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Effect:
    """One study's effect (on the log scale for ratios) and its sampling variance."""

    estimate: float
    variance: float

    @property
    def se(self) -> float:
        return math.sqrt(self.variance)


@dataclass(frozen=True)
class Pooled:
    """The result of pooling k studies; the prediction interval is None below three studies."""

    method: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float  # percent, 0–100
    q: float
    weights: tuple[float, ...]  # percent of the total weight, in the order given
    pi_low: float | None = None
    pi_high: float | None = None


def _check_group(n: int, name: str):
    if n is None or n < 1:
        raise ValueError(f"{name} must be at least 1.")


def hedges_g(m1, sd1, n1, m2, sd2, n2) -> Effect:
    """Hedges' g of group 1 against group 2 and its variance (Borenstein et al. 2009, ch. 4).

    d = (m1 − m2) / pooled SD; g = J·d with J = 1 − 3 / (4 df − 1), df = n1 + n2 − 2 (the
    correction Hedges gave, as statsmodels and the Cochrane Handbook use it);
    Var(g) = J² ((n1 + n2) / (n1 n2) + d² / (2 (n1 + n2))).
    """
    _check_group(n1, "Group size")
    _check_group(n2, "Group size")
    if sd1 <= 0 or sd2 <= 0:
        raise ValueError("A standard deviation must be greater than 0.")
    df = n1 + n2 - 2
    if df < 2:
        raise ValueError("Hedges' g needs at least four participants in all.")
    pooled_sd = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
    d = (m1 - m2) / pooled_sd
    j = correction_factor(df)
    variance_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    return Effect(j * d, j**2 * variance_d)


def correction_factor(df: int) -> float:
    """Hedges' small-sample correction J for `df` degrees of freedom."""
    return 1 - 3 / (4 * df - 1)


def mean_difference(m1, sd1, n1, m2, sd2, n2) -> Effect:
    """m1 − m2 and its variance sd1²/n1 + sd2²/n2."""
    _check_group(n1, "Group size")
    _check_group(n2, "Group size")
    if sd1 <= 0 or sd2 <= 0:
        raise ValueError("A standard deviation must be greater than 0.")
    return Effect(m1 - m2, sd1**2 / n1 + sd2**2 / n2)


def _two_by_two(events1, total1, events2, total2) -> tuple[float, float, float, float]:
    for events, total in ((events1, total1), (events2, total2)):
        _check_group(total, "A group's total")
        if events < 0 or events > total:
            raise ValueError("Events must be between 0 and the group's total.")
    cells = (events1, total1 - events1, events2, total2 - events2)
    if 0 in cells:
        return tuple(cell + CONTINUITY for cell in cells)
    return tuple(float(cell) for cell in cells)


def log_risk_ratio(events1, total1, events2, total2) -> Effect:
    """log(risk 1 / risk 2) and its variance; 0.5 is added to every cell when one is 0."""
    a, b, c, d = _two_by_two(events1, total1, events2, total2)
    return Effect(
        math.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    )


def log_odds_ratio(events1, total1, events2, total2) -> Effect:
    """log(odds 1 / odds 2) and its variance; 0.5 is added to every cell when one is 0."""
    a, b, c, d = _two_by_two(events1, total1, events2, total2)
    return Effect(math.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d)


def variance_from_ci(low: float, high: float, *, ratio: bool = False) -> float:
    """The variance a symmetric 95 % CI implies; a ratio's CI is taken on the log scale."""
    if ratio:
        if low <= 0 or high <= 0:
            raise ValueError("A ratio's confidence limits must be greater than 0.")
        low, high = math.log(low), math.log(high)
    if high <= low:
        raise ValueError("The upper confidence limit must be above the lower one.")
    return ((high - low) / (2 * Z_975)) ** 2


def _fixed(estimates, variances, tau2=0.0):
    weights = [1 / (v + tau2) for v in variances]
    total = sum(weights)
    mean = sum(w * y for w, y in zip(weights, estimates, strict=True)) / total
    return mean, weights, total


def _cochran_q(estimates, variances) -> float:
    mean, weights, _ = _fixed(estimates, variances)
    return sum(w * (y - mean) ** 2 for w, y in zip(weights, estimates, strict=True))


def _tau2_dl(estimates, variances, q) -> float:
    weights = [1 / v for v in variances]
    total = sum(weights)
    c = total - sum(w * w for w in weights) / total
    return max(0.0, (q - (len(estimates) - 1)) / c) if c > 0 else 0.0


def _tau2_reml(estimates, variances, start: float) -> float:
    """REML τ² by Fisher scoring (Viechtbauer 2005), from the DerSimonian–Laird value."""
    tau2 = start
    for _ in range(REML_MAX_ITERATIONS):
        mean, weights, total = _fixed(estimates, variances, tau2)
        squares = sum(w * w for w in weights)
        residual = sum(
            w * w * ((y - mean) ** 2 - v)
            for w, y, v in zip(weights, estimates, variances, strict=True)
        )
        new = max(0.0, residual / squares + 1 / total)
        if abs(new - tau2) < REML_TOLERANCE:
            return new
        tau2 = new
    return tau2


def _i2(tau2, variances) -> float:
    weights = [1 / v for v in variances]
    total = sum(weights)
    k = len(variances)
    denominator = total**2 - sum(w * w for w in weights)
    if tau2 <= 0 or denominator <= 0:
        return 0.0
    typical = (k - 1) * total / denominator
    return 100 * tau2 / (tau2 + typical)


def pool(estimates, variances, method: str = "REML") -> Pooled:
    """Inverse-variance pooling of `estimates` with sampling `variances` (module docstring)."""
    estimates = [float(y) for y in estimates]
    variances = [float(v) for v in variances]
    if method not in METHODS:
        raise ValueError(f"Unknown pooling method {method!r}: one of {', '.join(METHODS)}.")
    if not estimates or len(estimates) != len(variances):
        raise ValueError("Give one variance for each of at least one estimate.")
    if any(v <= 0 or not math.isfinite(v) for v in variances):
        raise ValueError("Every variance must be a positive number.")
    k = len(estimates)
    q = _cochran_q(estimates, variances) if k > 1 else 0.0
    if method == "FE" or k == 1:
        tau2 = 0.0
    else:
        tau2 = _tau2_dl(estimates, variances, q)
        if method == "REML":
            tau2 = _tau2_reml(estimates, variances, tau2)
    mean, weights, total = _fixed(estimates, variances, tau2)
    se = math.sqrt(1 / total)
    if method == "FE":
        i2 = max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0
    else:
        i2 = _i2(tau2, variances) if k > 1 else 0.0
    pi_low = pi_high = None
    if k >= 3:
        half = t_quantile_975(k - 2) * math.sqrt(tau2 + se**2)
        pi_low, pi_high = mean - half, mean + half
    return Pooled(
        method=method,
        k=k,
        estimate=mean,
        se=se,
        ci_low=mean - Z_975 * se,
        ci_high=mean + Z_975 * se,
        tau2=tau2,
        i2=i2,
        q=q,
        weights=tuple(100 * w / total for w in weights),
        pi_low=pi_low,
        pi_high=pi_high,
    )


def _t_two_sided_mass(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with an integer `df` (Abramowitz & Stegun 26.7.3–4)."""
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2 == 1:
        series, term = 0.0, 1.0
        if df > 1:
            series = term
            for i in range(3, df - 1, 2):
                term *= cos2 * (i - 1) / i
                series += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * series)
    series, term = 1.0, 1.0
    for i in range(2, df - 1, 2):
        term *= cos2 * (i - 1) / i
        series += term
    return math.sin(theta) * series


def t_quantile_975(df: int) -> float:
    """Student's t 97.5th percentile for an integer `df` ≥ 1, by bisection to 1e-12."""
    if df < 1:
        raise ValueError("Degrees of freedom must be at least 1.")
    low, high = 0.0, 1.0
    while _t_two_sided_mass(high, df) < 0.95:
        high *= 2
    while high - low > 1e-12:
        middle = (low + high) / 2
        if _t_two_sided_mass(middle, df) < 0.95:
            low = middle
        else:
            high = middle
    return (low + high) / 2
