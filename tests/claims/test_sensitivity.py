"""Sensitivity checks (claims/sensitivity.py) and their toggles on the claim page."""

import pytest
from django.core.management import call_command

from claims import sensitivity
from claims.sensitivity import sensitivity_checks, summary
from claims.verdicts import Verdict
from tests.claims.snapshot_items import item
from tests.factories import make_claim, make_evidence, make_study, publish

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def checks_by_key(evidence, verdict):
    return {c.key: c for c in sensitivity_checks(evidence=evidence, verdict=verdict)}


def test_the_reference_claim_leans_on_its_override_and_its_small_trial():
    checks = checks_by_key(
        [item(weight=66, computed=55, design="rct", n=18, bias="low")], Verdict.STRONG_SUPPORT
    )
    assert (checks["rct"].pro, checks["rct"].holds) == (66, True)
    assert (checks["low_bias"].pro, checks["low_bias"].holds) == (66, True)
    assert (checks["n30"].pro, checks["n30"].verdict) == (0, Verdict.INSUFFICIENT)
    no_overrides = checks["no_overrides"]
    assert (no_overrides.pro, no_overrides.verdict_label) == (55, "Moderate Support")
    assert not no_overrides.holds
    assert summary(list(checks.values())) == "The verdict holds under 2 of 4 checks."


def test_each_check_keeps_only_its_evidence():
    evidence = [
        item(weight=55, design="rct", n=29, bias="low"),
        item(weight=35, design="cohort", n=30, bias="some_concerns"),
        item(stance="contradicts", weight=20, design="cross_sectional", n=None, bias="low"),
    ]
    checks = checks_by_key(evidence, Verdict.MODERATE_SUPPORT)
    assert (checks["rct"].pro, checks["rct"].against) == (55, 0)
    assert (checks["low_bias"].pro, checks["low_bias"].against) == (55, 20)
    assert (checks["n30"].pro, checks["n30"].against) == (35, 0)
    assert (checks["no_overrides"].pro, checks["no_overrides"].against) == (90, 20)


def test_randomised_trials_only_keeps_meta_analyses_as_the_certainty_rule_does():
    evidence = [
        item(weight=80, design="meta_analysis", n=700, bias="low"),
        item(weight=55, design="rct", n=20, bias="low"),
        item(stance="contradicts", weight=35, design="cohort", n=30, bias="low"),
    ]
    checks = checks_by_key(evidence, Verdict.STRONG_SUPPORT)
    assert (checks["rct"].pro, checks["rct"].against) == (135, 0)


def test_the_size_check_takes_its_threshold_from_the_weight_rule(monkeypatch):
    from evidence import weights

    # The smallest sample size the weight rule rewards is the check's threshold.
    assert (
        sensitivity.MIN_SAMPLE_SIZE
        == weights.MIN_BONUS_SAMPLE_SIZE
        == min(minimum for minimum, _ in weights.SAMPLE_SIZE_BONUS)
    )
    assert "Studies of 30 or more people" in [label for _, label, *_ in sensitivity.CHECKS]


def test_a_retracted_study_stays_at_zero_without_overrides():
    checks = checks_by_key([item(weight=55, design="rct", retracted=True)], Verdict.INSUFFICIENT)
    assert checks["no_overrides"].pro == 0


def test_no_checks_no_summary():
    assert summary([]) == ""


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def test_the_reference_claim_shows_four_toggles_and_the_summary(client, demo):
    html = client.get(CLAIM).content.decode()
    for label in (
        "Randomised trials only",
        "Low risk of bias only",
        "Studies of 30 or more people",
        "Without editor overrides",
    ):
        assert label in html
    assert "The verdict holds under 2 of 4 checks." in html
    assert 'href="?check=no_overrides#sensitivity"' in html
    assert 'data-hx-get="?check=no_overrides"' in html


def test_a_toggle_link_shows_the_recomputed_tallies_without_javascript(client, demo):
    html = client.get(CLAIM + "?check=no_overrides").content.decode()
    assert "<html" in html
    assert 'class="sensitivity__result"' in html
    assert "<strong>55</strong> Pro" in html
    assert "Moderate Support" in html
    assert "The verdict changes from Strong Support." in html


def test_the_htmx_toggle_returns_only_the_section(client, demo):
    response = client.get(
        CLAIM + "?check=no_overrides", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="sensitivity"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<section id="sensitivity"')
    assert "<strong>55</strong> Pro" in html


def test_an_unknown_check_shows_the_page_without_a_result(client, demo):
    html = client.get(CLAIM + "?check=nonsense").content.decode()
    assert "The verdict holds under 2 of 4 checks." in html
    assert 'class="sensitivity__result"' not in html


def test_toggles_add_no_queries(client, django_assert_max_num_queries, db):
    claim = make_claim()
    for n in range(6):
        make_evidence(claim, make_study(sample_size=10 * n + 5))
    publish(claim)
    url = claim.get_absolute_url()
    client.get(url)  # warm the content-type and session caches
    with django_assert_max_num_queries(3):
        html = client.get(url + "?check=n30").content.decode()
    assert 'class="sensitivity__result"' in html


def test_a_version_from_before_the_checks_loads_without_them():
    from claims.analysis import ClaimAnalysis

    evidence = item()
    current = ClaimAnalysis(
        slug="s",
        statement="A claim.",
        summary_html="",
        claim_type="causal",
        claim_type_label="causal",
        topics=[],
        verdict="moderate_support",
        verdict_label="Moderate Support",
        pro=50,
        against=0,
        version=1,
        mechanisms=[],
        supporting=[evidence],
        contradicting=[],
        gold_standard=[],
    ).to_dict()
    # What a version published before certainty and the checks existed stored.
    for key in ("sensitivity", "certainty"):
        del current[key]
    del current["supporting"][0]["indirect"], current["supporting"][0]["study"]["risk_of_bias"]
    analysis = ClaimAnalysis.from_dict(current)
    assert analysis.sensitivity == [] and analysis.sensitivity_summary == ""
    assert not analysis.certainty.assessed
    assert analysis.supporting[0].study.risk_of_bias == ""
