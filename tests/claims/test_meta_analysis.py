"""The statistics (claims/meta_analysis.py) against reference implementations, to 4 decimals.

Oracles: statsmodels' meta-analysis module (effect sizes, fixed effect and DerSimonian–Laird
pooling), metafor's published output for the BCG-vaccine data (dat.bcg, log risk ratios:
REML estimate −0.7145, SE 0.1798, 95 % CI −1.0669 to −0.3622, τ² 0.3132, I² 92.22 %,
Q 152.2330; DL −0.7141, CI −1.0644 to −0.3638; FE −0.4303, CI −0.5097 to −0.3509), and the
worked example of Borenstein et al., Introduction to Meta-Analysis (2009), ch. 4.
"""

import math

import numpy as np
import pytest
from statsmodels.stats import meta_analysis as sm

from claims.meta_analysis import (
    hedges_g,
    log_odds_ratio,
    log_risk_ratio,
    mean_difference,
    pool,
    t_quantile_975,
    variance_from_ci,
)

# dat.bcg: vaccinated TB+, vaccinated TB−, control TB+, control TB− (Colditz et al. 1994).
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg_log_rr():
    effects = [log_risk_ratio(a, a + b, c, c + d) for a, b, c, d in BCG]
    return [e.estimate for e in effects], [e.variance for e in effects]


def close(value, expected):
    return value == pytest.approx(expected, abs=5e-5)


def test_hedges_g_matches_the_textbook_worked_example():
    # Borenstein et al. 2009, ch. 4: means 103 and 100, SDs 5.5 and 4.5, 50 per group.
    g = hedges_g(103, 5.5, 50, 100, 4.5, 50)
    assert close(g.estimate, 0.5924)
    assert close(g.variance, 0.0411)


@pytest.mark.parametrize(
    "groups",
    [(103, 5.5, 50, 100, 4.5, 50), (12.1, 3.0, 8, 10.4, 2.5, 7), (5.0, 1.0, 30, 6.2, 1.4, 25)],
)
def test_hedges_g_matches_statsmodels_bias_corrected_smd(groups):
    expected, _ = sm.effectsize_smd(*groups)
    assert close(hedges_g(*groups).estimate, float(expected))


def test_a_mean_difference_has_the_sum_of_the_squared_standard_errors_as_variance():
    md = mean_difference(10.0, 2.0, 16, 8.0, 3.0, 9)
    assert (md.estimate, md.variance) == (2.0, pytest.approx(4 / 16 + 9 / 9))


def test_log_risk_ratios_match_statsmodels_and_metafor_for_the_bcg_trials():
    estimates, variances = bcg_log_rr()
    for (a, b, c, d), y, v in zip(BCG, estimates, variances, strict=True):
        ref_y, ref_v = sm.effectsize_2proportions(
            np.array([a]), np.array([a + b]), np.array([c]), np.array([c + d]), "risk-ratio"
        )
        assert close(y, float(ref_y[0])) and close(v, float(ref_v[0]))
    # metafor's escalc for the first trial (Aronson 1948): yi −0.8893, vi 0.3256.
    assert close(estimates[0], -0.8893) and close(variances[0], 0.3256)


def test_log_odds_ratios_match_statsmodels():
    for a, b, c, d in BCG[:5]:
        y = log_odds_ratio(a, a + b, c, c + d)
        ref_y, ref_v = sm.effectsize_2proportions(
            np.array([a]), np.array([a + b]), np.array([c]), np.array([c + d]), "odds-ratio"
        )
        assert close(y.estimate, float(ref_y[0])) and close(y.variance, float(ref_v[0]))


@pytest.mark.parametrize("measure", [log_risk_ratio, log_odds_ratio])
def test_a_zero_cell_adds_one_half_to_every_cell(measure):
    statistic = "risk-ratio" if measure is log_risk_ratio else "odds-ratio"
    y = measure(0, 20, 5, 20)
    ref_y, ref_v = sm.effectsize_2proportions(
        np.array([0]), np.array([20]), np.array([5]), np.array([20]), statistic, zero_correction=0.5
    )
    assert close(y.estimate, float(ref_y[0])) and close(y.variance, float(ref_v[0]))
    assert math.isfinite(y.estimate)


def test_a_zero_cell_in_the_other_group_is_corrected_too():
    # All 20 had the event: the "no event" cell is 0, so every cell gets 0.5.
    y = log_odds_ratio(20, 20, 10, 20)
    assert close(y.estimate, math.log((20.5 * 10.5) / (0.5 * 10.5)))


def test_a_confidence_interval_gives_back_its_variance():
    assert close(variance_from_ci(0.05, 0.57), ((0.57 - 0.05) / (2 * 1.959964)) ** 2)
    # A ratio's interval is symmetric on the log scale: RR 0.5 (0.25 to 1.0).
    assert close(variance_from_ci(0.25, 1.0, ratio=True), (math.log(4) / (2 * 1.959964)) ** 2)


def test_a_ratio_interval_at_or_below_zero_is_refused():
    with pytest.raises(ValueError, match="greater than 0"):
        variance_from_ci(0, 1.2, ratio=True)


@pytest.mark.parametrize(
    "method, estimate, se, ci, tau2, i2",
    [
        ("REML", -0.7145, 0.1798, (-1.0669, -0.3622), 0.3132, 92.22),
        ("DL", -0.7141, 0.1787, (-1.0644, -0.3638), 0.3088, 92.12),
        ("FE", -0.4303, 0.0405, (-0.5097, -0.3509), 0.0, 92.12),
    ],
)
def test_pooling_the_bcg_trials_matches_metafor(method, estimate, se, ci, tau2, i2):
    result = pool(*bcg_log_rr(), method=method)
    assert close(result.estimate, estimate)
    assert close(result.se, se)
    assert close(result.ci_low, ci[0]) and close(result.ci_high, ci[1])
    assert close(result.tau2, tau2)
    assert result.i2 == pytest.approx(i2, abs=5e-3)
    assert close(result.q, 152.2330)
    assert result.k == 13


@pytest.mark.parametrize("method, sm_method", [("DL", "chi2"), ("FE", "chi2")])
def test_pooling_matches_statsmodels_combine_effects(method, sm_method):
    estimates, variances = bcg_log_rr()
    ref = sm.combine_effects(np.array(estimates), np.array(variances), method_re=sm_method)
    frame = ref.summary_frame()
    row = frame.loc["random effect" if method == "DL" else "fixed effect"]
    result = pool(estimates, variances, method=method)
    assert close(result.estimate, row["eff"])
    assert close(result.se, row["sd_eff"])
    assert close(result.ci_low, row["ci_low"]) and close(result.ci_high, row["ci_upp"])
    assert close(result.q, ref.q)
    assert result.i2 == pytest.approx(100 * ref.i2, abs=5e-3)
    weights = frame["w_re" if method == "DL" else "w_fe"].iloc[:-4]
    assert [round(w, 4) for w in result.weights] == [round(100 * w, 4) for w in weights]
    if method == "DL":
        assert close(result.tau2, ref.tau2)


def test_the_prediction_interval_uses_t_with_k_minus_2_degrees_of_freedom():
    result = pool(*bcg_log_rr(), method="REML")
    half = 2.2010 * math.sqrt(0.313243 + 0.179782**2)  # t(0.975, 11) = 2.2010
    assert result.pi_low == pytest.approx(-0.7145 - half, abs=5e-4)
    assert result.pi_high == pytest.approx(-0.7145 + half, abs=5e-4)


@pytest.mark.parametrize("df, expected", [(1, 12.7062), (2, 4.3027), (5, 2.5706), (11, 2.2010)])
def test_student_t_quantiles_match_the_tables(df, expected):
    assert close(t_quantile_975(df), expected)


def test_one_study_pools_to_itself_without_heterogeneity_or_prediction_interval():
    result = pool([0.4], [0.04])
    assert (result.estimate, result.se, result.tau2, result.i2, result.q) == (
        0.4,
        pytest.approx(0.2),
        0.0,
        0.0,
        0.0,
    )
    assert result.pi_low is None and result.pi_high is None
    assert result.weights == (100.0,)


def test_two_studies_have_no_prediction_interval():
    result = pool([0.4, 0.2], [0.04, 0.05])
    assert result.pi_low is None


def test_identical_studies_have_no_heterogeneity():
    result = pool([0.3] * 4, [0.02] * 4, method="REML")
    assert result.estimate == pytest.approx(0.3)
    assert (result.tau2, result.i2, result.q) == (0.0, 0.0, pytest.approx(0.0))
    assert result.se == pytest.approx(math.sqrt(0.02 / 4))


def test_studies_that_agree_more_than_chance_leave_tau2_at_zero():
    # Q below its degrees of freedom: no heterogeneity, so random effects equal fixed effect.
    estimates, variances = [0.30, 0.31, 0.29], [0.05, 0.04, 0.06]
    for method in ("DL", "REML"):
        result = pool(estimates, variances, method=method)
        fixed = pool(estimates, variances, method="FE")
        assert result.tau2 == 0.0 and result.i2 == 0.0
        assert close(result.estimate, fixed.estimate)
        assert close(result.pi_high - result.pi_low, 2 * 12.7062 * fixed.se)


def test_pooling_refuses_unknown_methods_and_bad_variances():
    with pytest.raises(ValueError, match="Unknown pooling method"):
        pool([0.1, 0.2], [0.1, 0.1], method="HK")
    with pytest.raises(ValueError, match="positive"):
        pool([0.1, 0.2], [0.1, 0.0])


def test_raw_data_that_cannot_give_an_effect_is_refused():
    with pytest.raises(ValueError, match="standard deviation"):
        hedges_g(1, 0, 10, 2, 1, 10)
    with pytest.raises(ValueError, match="Events"):
        log_risk_ratio(12, 10, 3, 10)
