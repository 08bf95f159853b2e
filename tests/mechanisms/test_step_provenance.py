"""Step provenance on the pages: the reference claim keeps the seed's labels by editors'
judgements, a chain citing one study names it once, and versions record why labels change."""

import pytest
from django.core.management import call_command

from claims.analysis import without_inline_citations
from claims.models import Claim
from claims.publishing import publish_analysis
from mechanisms.models import CausalStep, StepCitation
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish

CLAIM = "/claims/quadriceps-proximity-to-failure/"
DOI = "10.1080/02640414.2024.2321021"


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def steps_of(claim_slug):
    claim = Claim.objects.get(slug=claim_slug)
    return [s for m in claim.current_version.analysis.mechanisms for s in m.steps]


def test_the_reference_claim_keeps_the_seeds_labels(demo):
    labels = [s.support_label for s in steps_of("quadriceps-proximity-to-failure")]
    assert labels == ["Supported by evidence"] * 5 + ["Verified by multiple studies"] * 3


def test_a_label_the_rule_does_not_give_is_an_editors_judgement_with_its_reason(client, demo):
    steps = steps_of("quadriceps-proximity-to-failure")
    # One study cannot verify a step by the rule: the three "Verified" labels are editors'.
    verified = [s for s in steps if s.support_level == "verified"]
    assert all(s.overridden and s.computed_label == "Limited evidence" for s in verified)
    # Steps 4 and 5 are what the trial measured in people: the rule gives their label.
    assert [s.overridden for s in steps[3:5]] == [False, False]
    html = client.get(CLAIM).content.decode()
    assert (
        "Editor’s judgement: Textbook mechanotransduction physiology, shown in many studies of "
        "people; the one trial cited here is background for it. · 1 study cited · by the rule: "
        "Limited evidence"
    ) in html
    assert '<p class="support__why">1 study measured this in people.</p>' in html


def test_every_step_citing_one_study_names_it_once_and_drops_the_inline_repeats(client, demo):
    html = client.get(CLAIM).content.decode()
    chains = html[html.index('id="mechanism-heading"') : html.index('id="gold-heading"')]
    assert chains.count(f'Every step cites: <a href="/studies/{DOI}/">Refalo et al., 2024</a>') == 2
    # The steps' text no longer repeats the DOI; the lead and simple terms still cite it.
    steps = chains.split('class="chain__body"')[1:]
    assert len(steps) == 8
    assert all(DOI not in step.split('class="support')[0] for step in steps)
    # The stored step text keeps it.
    stored = CausalStep.objects.filter(mechanism__claim__slug="quadriceps-proximity-to-failure")
    assert len(stored) == 8 and all(DOI in s.text for s in stored)


def test_inline_citations_are_removed_whole():
    html = '<p>Tension rises (<a href="/studies/10.1/x/">10.1/x</a>), then falls (10.1/X).</p>'
    assert without_inline_citations(html, {"10.1/x"}) == "<p>Tension rises, then falls.</p>"
    assert without_inline_citations(html, {"10.1/y"}) == html


def test_the_snapshot_records_the_derived_level_and_provenance(demo):
    step = steps_of("quadriceps-proximity-to-failure")[0]
    assert (step.computed_level, step.support_level, step.overridden) == (
        "limited",
        "supported",
        True,
    )
    assert [(p.doi, p.provenance) for p in step.provenance] == [(DOI, "background")]


def test_the_compare_page_shows_a_label_change_and_why(client, demo):
    html = client.get(CLAIM + "compare/1/2/").content.decode()
    assert "<del>Limited evidence</del> → <ins>Supported by evidence</ins> · " in html
    assert "editor’s judgement: Raised after a full-text review" in html


def test_a_retracted_citation_lowers_the_step_in_the_next_version(db):
    claim = make_claim()
    make_evidence(claim)
    trial, other = make_study(), make_study()
    make_mechanism(claim, steps=1, cite=[trial, other])
    assert publish(claim).analysis.mechanisms[0].steps[0].support_level == "verified"
    trial.retracted = True
    trial.save()
    from tests.factories import publisher

    version = publish_analysis(claim=claim, by=publisher(), note="Retracted.")
    step = version.analysis.mechanisms[0].steps[0]
    assert step.support_level == "supported"
    assert "1 study retracted, not counted" in step.support_reason


def test_the_claim_page_reads_steps_in_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries
):
    claim = make_claim()
    studies = [make_study() for _ in range(6)]
    for rank in (1, 2, 3):
        make_mechanism(claim, rank=rank, steps=5, cite=studies)
    publish(claim)
    from claims.analysis import build_analysis

    with django_assert_max_num_queries(12):
        analysis = build_analysis(claim)
    assert len(analysis.mechanisms[2].steps[4].provenance) == 6
    assert StepCitation.objects.count() == 90
