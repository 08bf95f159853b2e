"""Certainty on the pages: the claim page, list cards and filter, versions, compare, admin."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from claims.models import AnalysisVersion, Claim
from evidence.choices import RiskOfBias, Stance, StudyDesign
from tests.factories import make_claim, make_evidence, make_study, publish

CLAIM = "/claims/quadriceps-proximity-to-failure/"


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def test_the_reference_claim_shows_low_certainty_beside_its_verdict(client, demo):
    html = client.get(CLAIM).content.decode()
    # One phrase, in one badge: the verdict never appears without its certainty.
    assert (
        '<span class="verdict verdict--strong_support verdict--large verdict--tentative">'
        'Strong Support<span class="verdict__certainty"> · low certainty</span></span>'
    ) in html
    assert "<summary>Why low?</summary>" in html
    assert "Only 18 participants across the studies of people, fewer than 100" in html
    assert "Starts at High: 1 of 1 study is a randomised trial or meta-analysis." in html


def test_the_reference_claim_says_what_would_change_its_verdict(client, demo):
    html = client.get(CLAIM).content.decode()
    assert "What would change this verdict" in html
    assert (
        "One contradicting study weighing 17 to 35 (for example a cohort, case-control or "
        "cross-sectional study of fewer than 30 people at low risk of bias) would make this "
        "Moderate Support."
    ) in html
    assert "Strong Support is already as strong as it gets." in html
    # Under the tallies, before the mechanism.
    assert (
        html.index('0</span> <span class="tally__label">Against')
        < html.index("What would change this verdict")
        < html.index("Most probable mechanism")
    )


def test_the_demo_shows_all_four_certainty_levels(demo):
    levels = set(
        AnalysisVersion.objects.filter(claim__current_version__isnull=False)
        .filter(pk__in=Claim.objects.values("current_version"))
        .values_list("certainty", flat=True)
    )
    assert levels == {"high", "moderate", "low", "very_low"}


def test_every_list_card_shows_its_certainty(client, demo):
    html = client.get("/").content.decode()
    assert html.count('class="claim-card"') == html.count("certainty</span>") == 10
    assert html.count("<summary>Why ") == 10


@pytest.mark.parametrize("path", ["/", "/?topic=resistance-training", CLAIM])
def test_the_links_beside_each_verdict_lead_to_the_method_and_the_topics(client, demo, path):
    # A list reverses these addresses once for all its cards (templates/claims/_claim_list.html).
    html = client.get(path).content.decode()
    cards = max(html.count('class="claim-card"'), 1)  # the claim page shows its one claim
    assert html.count('<a href="/#certainty-method">How certainty is rated</a>') == cards
    assert 'href="/?topic=resistance-training">Resistance training</a>' in html
    if path != CLAIM:
        assert html.count('<a class="tally-unit" href="/#method">') == cards
        assert f'<a href="{CLAIM}">' in html
        assert 'href=""' not in html


@pytest.mark.parametrize(("level", "count"), [("high", 2), ("moderate", 1)])
def test_the_home_list_filters_by_certainty(client, demo, level, count):
    html = client.get(f"/?certainty={level}").content.decode()
    assert html.count('class="claim-card"') == count
    assert f"at {level} certainty" in html


def test_an_unknown_certainty_filter_is_ignored(client, demo):
    html = client.get("/?certainty=perfect").content.decode()
    assert html.count('class="claim-card"') == 10


def test_the_filter_reads_the_published_version_not_the_working_copy(client, db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=5000))
    assert publish(claim).certainty == "high"
    # An unpublished editor's judgement changes nothing readers see.
    Claim.objects.filter(pk=claim.pk).update(certainty_override="very_low")
    assert client.get("/?certainty=high").content.decode().count('class="claim-card"') == 1
    assert client.get("/?certainty=very_low").content.decode().count('class="claim-card"') == 0


def test_old_versions_keep_the_certainty_they_had(client, db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=5000))
    publish(claim)
    make_evidence(claim, make_study(sample_size=20), stance=Stance.CONTRADICTS)
    publish(claim, note="A contradicting trial.")
    v1, v2 = claim.versions.order_by("number")
    assert (v1.certainty, v2.certainty) == ("high", "low")
    old = client.get(v1.get_absolute_url()).content.decode()
    assert 'Strong Support<span class="verdict__certainty"> · high certainty' in old
    assert "low certainty" not in old


def test_the_compare_page_shows_a_change_of_certainty(client, db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=5000))
    publish(claim)
    make_evidence(
        claim,
        make_study(sample_size=5000, risk_of_bias=RiskOfBias.HIGH),
        stance=Stance.CONTRADICTS,
    )
    publish(claim, note="A contradicting trial.")
    html = client.get(f"{claim.get_absolute_url()}compare/1/2/").content.decode()
    assert '<th scope="row">Certainty</th><td><del>High</del></td><td><ins>Low</ins></td>' in html


def test_an_editor_override_is_shown_as_one(client, db):
    claim = make_claim(certainty_override="moderate", certainty_override_reason="Crossover.")
    make_evidence(claim, make_study(sample_size=20))
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "· moderate certainty</span>" in html and "certainty set by an editor" in html
    assert "Editor override: Moderate instead of Low by the rule — Crossover." in html


def test_members_see_suggestions_from_the_downgrades_and_readers_the_gate(client, demo):
    anonymous = client.get(CLAIM).content.decode()
    assert "What would answer this claim" not in anonymous
    assert "Sign up to see full verdict" in anonymous
    client.force_login(User.objects.get(username="member"))
    html = client.get(CLAIM).content.decode()
    assert "What would answer this claim" in html
    assert "More participants: at least 400 in all across the studies of people" in html


def test_the_gold_standard_and_the_suggestions_agree_on_participant_numbers(client, demo):
    """The suggestion asks for 400 participants in all; no study the editors describe as
    settling a claim with too few participants asks for fewer in all."""
    import re

    from claims.certainty import IMPRECISION_SERIOUS

    client.force_login(User.objects.get(username="member"))
    checked = 0
    for claim in Claim.objects.published():
        html = client.get(claim.get_absolute_url()).content.decode()
        if "More participants: at least" not in html:
            continue
        gold = html[html.index('id="gold-heading"') : html.index("What would answer this")]
        pooled = [
            int(n.replace(" ", "")) for n in re.findall(r"([\d ]+) pooled participants", gold)
        ]
        assert all(n >= IMPRECISION_SERIOUS for n in pooled), (claim.slug, pooled)
        checked += 1
    assert checked >= 3


def test_an_observational_claim_is_raised_by_an_editors_judgement(client, db):
    claim = make_claim(dose_response=True, dose_response_reason="Risk falls with each step.")
    make_evidence(claim, make_study(design=StudyDesign.COHORT, sample_size=5000))
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "· moderate certainty</span>" in html
    assert "Risk falls with each step." in html


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"large_effect": 2}, "large_effect_reason"),
        ({"dose_response": "on"}, "dose_response_reason"),
        ({"residual_confounding": "on"}, "residual_confounding_reason"),
        ({"certainty_override": "high"}, "certainty_override_reason"),
    ],
)
def test_the_admin_refuses_an_upgrade_or_override_without_its_reason(
    editor_client, db, fields, error_field
):
    claim = make_claim()
    data = {
        "statement": claim.statement,
        "slug": claim.slug,
        "claim_type": claim.claim_type,
        "summary": "",
        "large_effect": 0,
        "certainty_override": "",
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
        "gold_standard_designs-TOTAL_FORMS": 0,
        "gold_standard_designs-INITIAL_FORMS": 0,
        "mechanisms-TOTAL_FORMS": 0,
        "mechanisms-INITIAL_FORMS": 0,
        **fields,
    }
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert error_field in errors
    claim.refresh_from_db()
    assert not claim.dose_response and not claim.certainty_override and claim.large_effect == 0


def test_the_admin_saves_a_judgement_with_its_reason(editor_client, db):
    claim = make_claim()
    data = {
        "statement": claim.statement,
        "slug": claim.slug,
        "claim_type": claim.claim_type,
        "summary": "",
        "large_effect": 1,
        "large_effect_reason": "Risk ratio 3.1 across cohorts.",
        "publication_bias_suspected": "on",
        "certainty_override": "",
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
        "gold_standard_designs-TOTAL_FORMS": 0,
        "gold_standard_designs-INITIAL_FORMS": 0,
        "mechanisms-TOTAL_FORMS": 0,
        "mechanisms-INITIAL_FORMS": 0,
    }
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/change/", data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.large_effect == 1 and claim.publication_bias_suspected


def test_indirect_evidence_is_flagged_and_costs_a_level(client, db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=5000), indirect=True)
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Indirect evidence</span>" in html
    assert "· moderate certainty</span>" in html


def test_the_claim_page_varies_on_htmx_headers(client, demo):
    response = client.get(CLAIM)
    assert "HX-Request" in response["Vary"] and "HX-Target" in response["Vary"]
