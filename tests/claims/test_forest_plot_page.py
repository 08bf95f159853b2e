"""The forest plot on the claim page, and effect data in versions, compare and history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_claim, make_evidence, make_study, publish

EFFECTS = [(1.18, 0.34, 2.03), (0.35, -0.27, 0.97), (0.43, -0.08, 0.93), (0.95, 0.22, 1.68)]
EFFECTS += [(-0.30, -0.74, 0.14), (0.92, 0.35, 1.50)]


def effect(estimate, low, high, outcome="Leg strength"):
    return {
        "effect_outcome": outcome,
        "effect_measure": "smd",
        "effect_estimate": estimate,
        "effect_ci_low": low,
        "effect_ci_high": high,
    }


def claim_with_effects(effects=EFFECTS, *, retracted=(), **claim_fields):
    claim = make_claim(**claim_fields)
    for index, numbers in enumerate(effects):
        study = make_study(
            authors=f"Author{index} A, Other B, Third C",
            year=2010 + index,
            retracted=index in retracted,
        )
        make_evidence(claim, study, **effect(*numbers))
    publish(claim)
    return claim


@pytest.mark.django_db
def test_the_claim_page_draws_an_accessible_forest_plot_with_the_numbers_in_a_table(client):
    claim = claim_with_effects(EFFECTS + [(1.6, 0.85, 2.35)], retracted={6})
    html = client.get(claim.get_absolute_url()).content.decode()
    assert '<h2 id="effect-heading">How big is the effect</h2>' in html
    svg = html[html.index('<svg class="forest__svg"') : html.index("</svg>")]
    assert 'viewBox="0 0 360 ' in svg and 'role="img"' in svg
    assert 'aria-labelledby="forest-title forest-desc"' in svg
    assert '<title id="forest-title">Forest plot: Standardised mean difference' in svg
    assert '<desc id="forest-desc">On average, the studies found' in svg
    assert svg.count('class="forest__marker"') == 7
    assert svg.count('<g class="forest__row forest__row--retracted">') == 1
    assert 'class="forest__diamond"' in svg and 'class="forest__pi"' in svg
    assert 'class="forest__null"' in svg
    assert "← Against the claim" in svg and "Favours the claim →" in svg
    # The same numbers in the table, the retracted study struck through and not pooled.
    assert "<td>1.18 (0.34 to 2.03)</td>" in html
    assert "<td>−0.30 (−0.74 to 0.14)</td>" in html
    assert "<del>Author6 2016</del>" in html and "Not pooled: retracted." in html
    assert re.search(r"Pooled \(6 studies\)</th><td>0\.53 \(0\.08 to 0\.98\)", html)
    assert (
        "On average, the studies found a moderate effect on Leg strength favouring the claim "
        "(g = 0.53, 95% CI 0.08 to 0.98, 6 studies); results vary a lot between studies "
        "(I² = 71%)." in html
    )
    assert "Pool only studies at low risk of bias:" in html


@pytest.mark.django_db
def test_one_study_with_data_shows_its_estimate_without_a_plot(client):
    claim = claim_with_effects([(0.31, 0.05, 0.57)])
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "How big is the effect" in html
    assert '<svg class="forest__svg"' not in html
    assert "One study reports Leg strength: g = 0.31 (95% CI 0.05 to 0.57)." in html
    assert "<td>0.31 (0.05 to 0.57)</td>" in html
    assert "Pooled (" not in html


@pytest.mark.django_db
def test_a_claim_without_effect_data_looks_as_before(client):
    claim = make_claim()
    make_evidence(claim, make_study())
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "How big is the effect" not in html and "forest" not in html


@pytest.mark.django_db
def test_lower_favours_the_claim_turns_the_axis_labels(client):
    claim = claim_with_effects(EFFECTS[:3], effect_direction="lower")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "← Favours the claim" in html and "Against the claim →" in html
    assert "lower values favour the claim" in html


@pytest.mark.django_db
def test_readers_see_the_published_effect_not_an_editors_unpublished_edit(client):
    claim = claim_with_effects(EFFECTS[:3])
    evidence = claim.evidence.order_by("pk").first()
    evidence.effect_estimate, evidence.effect_ci_high = 1.9, 2.5
    evidence.save()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "<td>1.18 (0.34 to 2.03)</td>" in html and "1.90" not in html


@pytest.mark.django_db
def test_a_version_stores_the_effects_and_compare_shows_what_changed(client):
    claim = claim_with_effects(EFFECTS[:3])
    v1 = claim.versions.get()
    assert v1.snapshot["effect"]["pooled"]["k"] == 3
    assert v1.snapshot["supporting"][0]["effect"]["measure"] == "smd"
    evidence = claim.evidence.order_by("pk").first()
    evidence.effect_estimate = 0.5
    evidence.save()
    publish(claim, note="Corrected the first trial's effect.")
    v1.refresh_from_db()
    assert v1.analysis.effect.pooled.k == 3  # a stored version loads back as it was
    html = client.get(f"/claims/{claim.slug}/compare/1/2/").content.decode()
    assert "Pooled effect" in html
    assert (
        "Effect size: <del>Leg strength: Standardised mean difference (Hedges&#x27; g) 1.18" in html
    )
    assert "<ins>Leg strength: Standardised mean difference (Hedges&#x27; g) 0.5 " in html
    version_page = client.get(f"/claims/{claim.slug}/v/1/").content.decode()
    assert "<td>1.18 (0.34 to 2.03)</td>" in version_page


@pytest.mark.django_db
def test_the_page_renders_in_constant_queries_however_many_studies_have_effects(
    client, django_assert_max_num_queries
):
    small = claim_with_effects(EFFECTS[:2])
    large = claim_with_effects(EFFECTS * 20)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    small_count = count(small.get_absolute_url())
    with django_assert_max_num_queries(small_count):
        html = client.get(large.get_absolute_url()).content.decode()
    assert html.count('class="forest__marker"') == 120
