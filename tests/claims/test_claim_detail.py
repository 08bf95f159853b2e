import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from evidence.choices import Stance
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_published_claim,
    make_study,
    publish,
)


def build_claim(studies: int, steps: int):
    claim = make_claim()
    cited = []
    for index in range(studies):
        study = make_study()
        stance = Stance.SUPPORTS if index % 3 else Stance.CONTRADICTS
        make_evidence(claim, study, stance=stance, finding=f"Finding {index}")
        cited.append(study)
    first = max(1, steps // 2)
    make_mechanism(claim, rank=1, steps=first, cite=cited[:3])
    make_mechanism(claim, rank=2, steps=steps - first, cite=cited[3:5])
    make_gold_standard(claim, rank=1)
    make_gold_standard(claim, rank=2)
    publish(claim)
    return claim


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["detail", "preview"])
def test_a_large_claim_renders_in_as_many_queries_as_a_small_one(
    editor_client, django_assert_max_num_queries, page
):
    # The reader's page renders a stored version; the editor's preview builds the working
    # copy from the tables. Neither may grow with the claim.
    small = build_claim(studies=2, steps=2)
    large = build_claim(studies=200, steps=30)
    make_evidence(large, make_study())  # an unpublished change, so editors get the notice
    small_count = count_queries(editor_client, reverse(f"claims:{page}", args=[small.slug]))
    with django_assert_max_num_queries(small_count):
        response = editor_client.get(reverse(f"claims:{page}", args=[large.slug]))
    html = response.content.decode()
    assert html.count('<li class="study-card') == (200 if page == "detail" else 201)
    assert html.count('class="chain__step"') == 30


def test_anonymous_readers_see_the_sign_up_gate_not_the_gold_standard(client, db):
    claim = build_claim(studies=1, steps=1)
    make_gold_standard(claim, rank=3, description="A **secret** design description.")
    publish(claim)
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "Gold Standard Evidence Needed" in html
    assert "Sign up to see full verdict" in html
    assert "secret" not in html
    assert f"next={claim.get_absolute_url().replace('/', '%2F')}" in html


def test_signed_in_users_see_the_gold_standard_list(member_client):
    claim = make_claim()
    make_gold_standard(claim, rank=2, description="Then a **cohort** study.")
    make_gold_standard(claim, rank=1, description="First a large trial.")
    publish(claim)
    html = member_client.get(claim.get_absolute_url()).content.decode()
    assert "Sign up to see full verdict" not in html
    assert html.index("First a large trial.") < html.index("<strong>cohort</strong>")


def test_an_unknown_slug_gives_the_sites_own_404(client, db):
    response = client.get("/claims/no-such-claim/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_claim_page_refuses_post(client, db):
    claim = make_published_claim()
    assert client.post(claim.get_absolute_url()).status_code == 405


def test_empty_columns_say_no_evidence_was_found(client, db):
    claim = make_published_claim()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Supporting (0)" in html
    assert "No supporting evidence found" in html
    assert "No contradicting evidence found" in html
    assert "Insufficient Evidence" in html


def test_a_retracted_study_is_flagged_and_counts_zero(client, db):
    claim = make_claim()
    make_evidence(claim, make_study(retracted=True, title="Withdrawn work"))
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Retracted — counts 0" in html
    assertInHTML("Weight <strong>0</strong>", html)


def test_a_long_lead_is_cut_with_read_more(client, db):
    claim = make_claim()
    make_mechanism(claim, how_it_works="Muscles grow. " * 60)
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "<details" in html and "Read more" in html
    assert "Muscles grow. " * 20 in html  # the full text is in the page, for no-JS readers


def test_a_short_lead_is_shown_whole(client, db):
    claim = make_claim()
    make_mechanism(claim, how_it_works="Short and clear.")
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Read more" not in html
    assert "Short and clear." in html


@pytest.mark.parametrize(
    ("count", "label"), [(1, "Synthesis from 1 study"), (3, "Synthesis from 3 studies")]
)
def test_the_synthesis_counts_distinct_cited_studies(client, db, count, label):
    claim = make_claim()
    studies = [make_study() for _ in range(count)]
    make_mechanism(claim, rank=1, steps=3, cite=studies)
    make_mechanism(claim, rank=2, steps=2, cite=studies[:1])
    publish(claim)
    assert label in client.get(claim.get_absolute_url()).content.decode()
