"""A causal chain on the claim page: folded after three steps, a shared study named once."""

from tests.factories import make_mechanism, make_published_claim, make_study, publish


def test_a_long_chain_folds_after_three_steps(client, db):
    claim = make_published_claim()
    make_mechanism(claim, steps=5)
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    folded = html[html.index('<details class="chain-more">') :]
    assert "<summary>Show all 5 steps</summary>" in folded
    assert "Step 3 happens." not in folded and "Step 4 happens." in folded
    assert '<ol class="chain" start="4">' in folded


def test_a_chain_of_three_steps_does_not_fold(client, db):
    claim = make_published_claim()
    make_mechanism(claim, steps=3)
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Show all" not in html and "Step 3 happens." in html


def test_a_study_cited_by_every_step_is_named_once_for_the_chain(client, db):
    claim = make_published_claim()
    everywhere = make_study(doi="10.5555/every", authors="Every A", year=2020)
    mechanism = make_mechanism(claim, steps=3, cite=[everywhere])
    only_two = make_study(doi="10.5555/two", authors="Second B", year=2021)
    mechanism.steps.get(order=2).cited_studies.add(only_two)
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert html.count("Every, 2020") == 1
    assert "Every step cites: " in html
    # The study only step 2 cites stays under step 2.
    assert html.count("Second, 2021") == 1
    assert (
        html.index("Step 2 happens.") < html.index("Second, 2021") < html.index("Step 3 happens.")
    )


def test_a_single_step_keeps_its_citations_under_it(client, db):
    claim = make_published_claim()
    make_mechanism(claim, steps=1, cite=[make_study(doi="10.5555/one", authors="One C")])
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Every step cites" not in html and "Cites: " in html
