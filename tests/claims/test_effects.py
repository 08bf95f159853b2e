"""How big the effect is (claims/effects.py, claims/forest_plot.py) and the rules that read it:
certainty (claims/certainty.py) and the pooled sensitivity check (claims/sensitivity.py)."""

import math
from dataclasses import replace

import pytest

from claims.certainty import (
    Rating,
    certainty_for,
    effect_imprecision,
    effect_inconsistency,
    with_effect_ratings,
)
from claims.effects import (
    EffectSynthesis,
    PooledEffect,
    effect_entry,
    heterogeneity_words,
    number,
    synthesise,
)
from claims.forest_plot import PLOT_LEFT, PLOT_RIGHT, WIDTH, forest_layout
from claims.meta_analysis import hedges_g, log_risk_ratio, pool, variance_from_ci
from claims.sensitivity import pooled_checks
from tests.claims.snapshot_items import item

# Six trials with a clear pooled effect and real heterogeneity (the demo claim's numbers).
TRIALS = [(1.18, 0.34, 2.03), (0.35, -0.27, 0.97), (0.43, -0.08, 0.93), (0.95, 0.22, 1.68)]
TRIALS += [(-0.30, -0.74, 0.14), (0.92, 0.35, 1.50)]


def reported(estimate, low, high, measure="smd", outcome="Strength"):
    return effect_entry(
        {
            "effect_outcome": outcome,
            "effect_measure": measure,
            "effect_estimate": estimate,
            "effect_ci_low": low,
            "effect_ci_high": high,
        }
    )


def with_effect(entry, **fields):
    return replace(item(**fields), effect=entry)


def trial_items(bias=("low", "low", "low", "high", "some_concerns", "low")):
    return [
        with_effect(reported(*t), bias=b, weight=60 - i)
        for i, (t, b) in enumerate(zip(TRIALS, bias, strict=True))
    ]


def test_a_reported_estimate_keeps_its_numbers_and_takes_its_variance_from_the_interval():
    entry = reported(0.4, 0.1, 0.7)
    assert (entry.estimate, entry.ci_low, entry.ci_high, entry.y) == (0.4, 0.1, 0.7, 0.4)
    assert entry.variance == pytest.approx(variance_from_ci(0.1, 0.7))
    assert entry.text == "g = 0.40 (95% CI 0.10 to 0.70)"


def test_a_reported_ratio_is_pooled_on_the_log_scale():
    entry = reported(0.5, 0.25, 1.0, measure="rr")
    assert entry.y == pytest.approx(math.log(0.5))
    assert entry.variance == pytest.approx((math.log(4) / (2 * 1.959964)) ** 2)


def test_raw_means_give_hedges_g_and_raw_events_give_a_risk_ratio():
    g = effect_entry(
        {
            "effect_outcome": "Strength",
            "effect_measure": "smd",
            "effect_mean_1": 103,
            "effect_sd_1": 5.5,
            "effect_n_1": 50,
            "effect_mean_2": 100,
            "effect_sd_2": 4.5,
            "effect_n_2": 50,
        }
    )
    assert g.from_raw_data and g.estimate == pytest.approx(
        hedges_g(103, 5.5, 50, 100, 4.5, 50).estimate
    )
    rr = effect_entry(
        {
            "effect_outcome": "Injuries",
            "effect_measure": "rr",
            "effect_events_1": 0,
            "effect_n_1": 20,
            "effect_events_2": 5,
            "effect_n_2": 20,
        }
    )
    assert rr.y == pytest.approx(log_risk_ratio(0, 20, 5, 20).estimate)
    assert rr.estimate == pytest.approx(math.exp(rr.y))  # shown back as a ratio
    assert rr.ci_low < rr.estimate < rr.ci_high


def test_wrong_or_missing_effect_data_gives_no_effect():
    assert not effect_entry({}).present
    assert not reported(0.9, 0.1, 0.7).present


def test_without_effect_data_there_is_nothing_to_show():
    synthesis = synthesise([item(), item()])
    assert not synthesis.present and synthesis.sentence == ""


def test_one_study_shows_its_estimate_without_pooling():
    synthesis = synthesise([with_effect(reported(0.31, 0.05, 0.57)), item()])
    assert synthesis.present and not synthesis.shows_pooled
    assert synthesis.sentence == "One study reports Strength: g = 0.31 (95% CI 0.05 to 0.57)."


def test_several_studies_pool_by_reml_with_the_sentence_of_their_numbers():
    synthesis = synthesise(trial_items())
    entries = [reported(*t) for t in TRIALS]
    expected = pool([e.y for e in entries], [e.variance for e in entries], method="REML")
    pooled = synthesis.pooled
    assert (pooled.k, pooled.method) == (6, "REML")
    assert pooled.estimate == pytest.approx(expected.estimate)
    assert pooled.i2 == pytest.approx(expected.i2)
    assert pooled.pi_low == pytest.approx(expected.pi_low)
    assert sum(row.weight for row in synthesis.rows) == pytest.approx(100)
    assert synthesis.sentence == (
        "On average, the studies found a moderate effect on Strength favouring the claim "
        f"(g = {number(expected.estimate)}, 95% CI {number(expected.ci_low)} to "
        f"{number(expected.ci_high)}, 6 studies); results vary a lot between studies "
        f"(I² = {round(expected.i2)}%)."
    )


def test_a_retracted_study_is_shown_but_left_out_of_the_pool():
    items = trial_items() + [with_effect(reported(3.0, 2.0, 4.0), retracted=True)]
    synthesis = synthesise(items)
    assert synthesis.pooled.k == 6
    retracted = [row for row in synthesis.rows if row.retracted]
    assert len(retracted) == 1
    assert (retracted[0].pooled, retracted[0].weight) == (False, 0.0)
    assert retracted[0].left_out == "Not pooled: retracted."
    assert synthesis.pooled.estimate == pytest.approx(synthesise(trial_items()).pooled.estimate)


def test_a_study_in_another_measure_is_listed_but_not_pooled_or_plotted():
    items = trial_items() + [with_effect(reported(0.8, 0.6, 1.1, measure="rr"))]
    synthesis = synthesise(items)
    other = [row for row in synthesis.rows if not row.plotted]
    assert len(other) == 1 and other[0].left_out == "Not pooled: reported as risk ratio."
    assert synthesis.pooled.k == 6
    assert len(synthesis.forest.rows) == 6


def test_ratios_are_shown_back_on_the_ratio_scale_and_direction_decides_what_favours_the_claim():
    items = [
        with_effect(reported(0.5, 0.3, 0.8, measure="rr", outcome="injuries")),
        with_effect(reported(0.6, 0.4, 0.9, measure="rr", outcome="injuries")),
    ]
    fewer_is_better = synthesise(items, direction="lower")
    assert 0.5 < fewer_is_better.pooled.estimate < 0.6
    assert "an effect on injuries favouring the claim (RR = 0.5" in fewer_is_better.sentence
    more_is_better = synthesise(items, direction="higher")
    assert "an effect on injuries against the claim" in more_is_better.sentence


def test_an_interval_across_no_effect_says_no_clear_effect():
    items = [with_effect(reported(0.1, -0.3, 0.5)), with_effect(reported(0.05, -0.2, 0.3))]
    assert "the studies found no clear effect on Strength" in synthesise(items).sentence


@pytest.mark.parametrize(
    "i2, words",
    [
        (0, "results are consistent between studies"),
        (29.9, "results are consistent between studies"),
        (30, "results vary somewhat between studies"),
        (59.9, "results vary somewhat between studies"),
        (60, "results vary a lot between studies"),
    ],
)
def test_heterogeneity_in_words(i2, words):
    assert heterogeneity_words(i2) == words


def test_numbers_use_a_true_minus_sign():
    assert (number(-0.214), number(0.0), number(1.5)) == ("−0.21", "0.00", "1.50")


def test_the_forest_plot_fits_its_box_and_marks_no_effect():
    layout = forest_layout(synthesise(trial_items()))
    assert layout.width == WIDTH == 360
    for row in layout.rows:
        assert PLOT_LEFT <= row.x_low <= row.x <= row.x_high <= PLOT_RIGHT
    assert PLOT_LEFT < layout.null_x < PLOT_RIGHT
    assert layout.has_pi and layout.diamond
    assert (layout.favours_left, layout.favours_right) == (
        "← Against the claim",
        "Favours the claim →",
    )
    # Markers grow with weight: the heaviest study has the largest square.
    heaviest = max(synthesise(trial_items()).rows, key=lambda r: r.weight)
    assert max(layout.rows, key=lambda r: r.size).text == heaviest.label


def test_a_ratio_plot_is_on_a_log_scale_with_a_tick_at_one():
    items = [
        with_effect(reported(0.5, 0.25, 1.0, measure="or")),
        with_effect(reported(2.0, 1.0, 4.0, measure="or")),
    ]
    layout = forest_layout(synthesise(items))
    ticks = {tick.label: tick.x for tick in layout.ticks}
    assert ticks["1"] == layout.null_x
    # Equal ratios either side of 1 are equally far from it.
    assert ticks["1"] - ticks["0.5"] == pytest.approx(ticks["2"] - ticks["1"])


def test_lower_favours_the_claim_swaps_the_axis_labels():
    layout = forest_layout(synthesise(trial_items(), direction="lower"))
    assert (layout.favours_left, layout.favours_right) == (
        "← Favours the claim",
        "Against the claim →",
    )


# --- certainty -------------------------------------------------------------------------------


def synthesis_with(i2, ci, pi=None, k=6, measure="smd"):
    return EffectSynthesis(
        measure=measure,
        pooled=PooledEffect(
            k=k,
            estimate=(ci[0] + ci[1]) / 2,
            ci_low=ci[0],
            ci_high=ci[1],
            pi_low=pi[0] if pi else None,
            pi_high=pi[1] if pi else None,
            i2=i2,
        ),
    )


@pytest.mark.parametrize(
    "i2, ci, pi, points",
    [
        (49, (0.1, 0.5), (0.05, 0.6), None),
        (50, (0.1, 0.5), (0.05, 0.6), -1),
        (74, (0.1, 0.5), (-0.2, 0.8), -1),
        (75, (0.1, 0.5), (0.02, 0.6), -1),
        (75, (0.1, 0.5), (-0.2, 0.8), -2),
        (20, (0.1, 0.5), (-0.1, 0.7), -1),  # the prediction interval crosses, the CI does not
        (20, (-0.1, 0.5), (-0.3, 0.7), None),  # both cross: that is imprecision
        (80, (0.1, 0.5), None, -1),  # two studies: no prediction interval
    ],
)
def test_inconsistency_reads_i2_and_the_prediction_interval(i2, ci, pi, points):
    rating = effect_inconsistency(synthesis_with(i2, ci, pi))
    assert (rating.points if rating else None) == points
    if rating:
        assert f"I² = {round(i2)}%" in rating.reason
        if pi:
            assert f"prediction interval ({number(pi[0])} to {number(pi[1])})" in rating.reason


def test_imprecision_reads_the_pooled_interval_crossing_no_effect():
    assert effect_imprecision(synthesis_with(10, (0.05, 0.5))) is None
    rating = effect_imprecision(synthesis_with(10, (-0.05, 0.5)))
    assert rating.points == -1
    assert rating.reason == (
        "The pooled estimate's 95% CI (−0.05 to 0.50, g) includes no effect (0.00)."
    )
    ratio = effect_imprecision(synthesis_with(10, (0.8, 1.3), measure="rr"))
    assert "includes no effect (1.00)" in ratio.reason


def test_each_domain_counts_once_with_the_reasons_of_both_readings():
    ratings = [
        Rating("start", "High", 0, "Starts."),
        Rating("inconsistency", "Inconsistency", -1, "Weights disagree."),
        Rating("imprecision", "Imprecision", -1, "Few people."),
    ]
    merged = with_effect_ratings(ratings, synthesis_with(80, (-0.1, 0.5), (-0.9, 1.3)))
    by_domain = {r.domain: r for r in merged}
    assert len(merged) == 3
    assert by_domain["inconsistency"].points == -2
    assert by_domain["inconsistency"].reason.startswith("Weights disagree. The studies' effects")
    assert by_domain["imprecision"].points == -2  # −1 for size, −1 for the interval
    alone = with_effect_ratings([Rating("start", "High", 0, "")], synthesis_with(10, (-1, 1)))
    assert [r.domain for r in alone] == ["start", "imprecision"]


def test_certainty_is_lowered_by_heterogeneous_effects_with_the_numbers():
    items = trial_items()
    without = certainty_for(evidence=items)
    with_effects = certainty_for(evidence=items, effect=synthesise(items))
    assert without.label == "High"
    assert with_effects.label == "Moderate"
    (reason,) = [r.reason for r in with_effects.ratings if r.domain == "inconsistency"]
    assert "I² = " in reason and "prediction interval" in reason


# --- sensitivity ---------------------------------------------------------------------------------


def test_the_low_risk_of_bias_check_pools_only_those_studies():
    items = trial_items()
    synthesis = synthesise(items)
    (check,) = pooled_checks(evidence=items, effect=synthesis)
    low = [
        reported(*t)
        for t, b in zip(TRIALS, ("low", "low", "low", "high", "x", "low"), strict=True)
        if b == "low"
    ]
    expected = pool([e.y for e in low], [e.variance for e in low])
    assert (check.key, check.k, check.k_all) == ("low_bias_pooled", 4, 6)
    assert check.label == "Pool only studies at low risk of bias"
    assert check.text == (
        f"Pooling only the 4 studies at low risk of bias: g = {number(expected.estimate)} "
        f"(95% CI {number(expected.ci_low)} to {number(expected.ci_high)}), against "
        f"g = {number(synthesis.pooled.estimate)} with all 6."
    )


def test_the_check_says_when_no_study_is_at_low_risk_of_bias_and_is_absent_below_two():
    items = trial_items(bias=("high",) * 6)
    (check,) = pooled_checks(evidence=items, effect=synthesise(items))
    assert check.k == 0 and check.text.startswith("No study with effect data is at low risk")
    one = [with_effect(reported(0.3, 0.1, 0.5))]
    assert pooled_checks(evidence=one, effect=synthesise(one)) == []
