import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from evidence.choices import Stance
from tests.factories import (
    make_claim,
    make_evidence,
    make_mechanism,
    make_published_claim,
    make_study,
    publish,
)


def test_the_study_page_works_with_slashes_in_the_doi(client, db):
    study = make_study(doi="10.1080/02640414.2024.2321021", title="Similar muscle hypertrophy")
    response = client.get("/studies/10.1080/02640414.2024.2321021/")
    assert response.status_code == 200
    assert "Similar muscle hypertrophy" in response.content.decode()
    assert study.get_absolute_url() == "/studies/10.1080/02640414.2024.2321021/"


def test_the_study_page_works_with_upper_case(client, db):
    make_study(doi="10.1016/s0140-6736(20)30183-5", title="Clinical features")
    response = client.get("/studies/10.1016/S0140-6736(20)30183-5/")
    assert response.status_code == 200
    assert "Clinical features" in response.content.decode()


def test_the_study_page_shows_the_facts_the_weight_and_a_doi_link(client, db):
    make_study(
        doi="10.5555/facts",
        title="A trial",
        authors="Refalo MC, Helms ER",
        journal="Journal of Sports Sciences",
        volume="42",
        issue="1",
        pages="85–101",
        year=2024,
        sample_size=18,
    )
    html = client.get("/studies/10.5555/facts/").content.decode()
    for text in (
        "Refalo MC, Helms ER",
        "Journal of Sports Sciences</em> 42(1):85–101",
        "2024",
        "Randomised controlled trial",
        "n = 18",
        "Weight 55",
        "Design: Randomised controlled trial",
        'href="https://doi.org/10.5555/facts"',
    ):
        assert text in html


def test_the_study_page_lists_each_citing_claim_with_its_stance(client, db):
    study = make_study()
    supported = make_published_claim(statement="Creatine helps.")
    contradicted = make_published_claim(statement="Stretching prevents injury.")
    make_evidence(supported, study, stance=Stance.SUPPORTS)
    make_evidence(
        contradicted,
        study,
        stance=Stance.CONTRADICTS,
        weight_override=10,
        weight_override_reason="Indirect outcome",
    )
    publish(supported)
    publish(contradicted)
    html = client.get(study.get_absolute_url()).content.decode()
    assertInHTML('<span class="stance stance--supports">Supports</span>', html)
    assertInHTML('<span class="stance stance--contradicts">Contradicts</span>', html)
    assert "Creatine helps." in html and "Stretching prevents injury." in html
    lowered = r"weight 10 · the rule gives \d+ · lowered by an editor: Indirect outcome"
    assert re.search(lowered, html)


def test_a_retracted_study_is_flagged(client, db):
    study = make_study(retracted=True, retraction_note="Data could not be verified.")
    html = client.get(study.get_absolute_url()).content.decode()
    assert "Retracted." in html
    assert "Data could not be verified." in html


def test_an_unknown_or_malformed_doi_gives_the_sites_404(client, db):
    for url in ("/studies/10.9999/unknown/", "/studies/not-a-doi/", "/studies/10.1234/a%2500b/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()
    # A control character itself is refused before any lookup (tests/test_clean_input.py).
    assert client.get("/studies/10.1234/a%00b/").status_code == 400


def test_the_study_page_queries_do_not_grow_with_citing_claims(
    client, db, django_assert_max_num_queries
):
    few, many = make_study(), make_study()
    for study, claims in ((few, 1), (many, 40)):
        for _ in range(claims):
            claim = make_claim()
            make_evidence(claim, study)
            make_mechanism(claim, steps=2, cite=[study])
            publish(claim)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(few.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(baseline)):
        html = client.get(many.get_absolute_url()).content.decode()
    assert html.count("Supports</span>") == 40


def test_the_study_page_shows_what_was_published_not_the_working_copy(client, db):
    study = make_study(sample_size=18)
    claim = make_claim(statement="Published statement.")
    make_evidence(claim, study)
    publish(claim)
    claim.statement = "Unpublished rewording."
    claim.save()
    evidence = claim.evidence.get()
    evidence.stance = Stance.CONTRADICTS
    evidence.save()
    unpublished = make_claim(statement="A draft nobody may see.")
    make_evidence(unpublished, study)
    html = client.get(study.get_absolute_url()).content.decode()
    assert "Published statement." in html
    assertInHTML('<span class="stance stance--supports">Supports</span>', html)
    assert "Unpublished rewording." not in html
    assertInHTML('<span class="stance stance--contradicts">Contradicts</span>', html, count=0)
    assert "A draft nobody may see." not in html


def test_the_study_page_takes_the_weight_limit_from_the_weight_rule(client, db, monkeypatch):
    from evidence import weights

    # A rule with a lower ceiling: the page says so from the rule, not from a typed 100.
    monkeypatch.setattr(weights, "MAX_WEIGHT", 90)
    make_study(doi="10.5555/ceiling", design="meta_analysis", sample_size=5000, risk_of_bias="low")
    html = client.get("/studies/10.5555/ceiling/").content.decode()
    assert "Weight by the rule (kept within 0–90)" in html


def test_the_weight_override_limit_comes_from_the_weight_rule():
    from django.core.validators import MaxValueValidator

    from evidence.models import Evidence
    from evidence.weights import MAX_WEIGHT

    field = Evidence._meta.get_field("weight_override")
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    assert limits == [MAX_WEIGHT] and f"0–{MAX_WEIGHT}" in field.help_text
