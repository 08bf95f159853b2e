import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import Truncator
from pytest_django.asserts import assertInHTML

from claims import search
from claims.models import PublishedClaim, Topic
from claims.verdicts import rule_rows
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_study,
    publish,
)


def test_the_home_page_lists_claims_with_verdict_type_tallies_and_topics(client, db):
    claim = make_claim(statement="Creatine increases strength.", claim_type="interventional")
    claim.topics.add(Topic.objects.create(name="Supplements", slug="supplements"))
    make_evidence(claim, make_study(sample_size=18))
    publish(claim)
    html = client.get("/").content.decode()
    assert "Creatine increases strength." in html
    assert "Moderate Support" in html
    assert "interventional" in html
    assertInHTML(
        '<span class="tally-inline tally-inline--pro"><strong>55</strong> Pro</span>', html
    )
    assert "Supplements" in html


def test_the_home_page_explains_the_verdict_rule_from_the_rule_itself(client, db):
    response = client.get("/")
    section = response.content.decode().split('id="method"', 1)[1]
    method = section.split(">", 1)[1].split("</section>", 1)[0]
    for row in rule_rows():
        expected = (
            f"<tr><td>{row.condition}</td>"
            f'<td><span class="verdict verdict--{row.verdict.value}">{row.verdict.label}</span>'
            "</td></tr>"
        )
        assertInHTML(expected, method)
    assert "weight from 0 to 100" in method


def test_the_home_page_shows_20_claims_a_page(client, db):
    for index in range(25):
        make_published_claim(statement=f"Claim {index:02d} holds.")
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert first.count('<li class="claim-card">') == 20
    assert second.count('<li class="claim-card">') == 5
    assert "Page 1 of 2" in first


def test_search_narrows_the_list(client, db):
    make_published_claim(statement="Caffeine improves endurance.")
    make_published_claim(statement="Stretching prevents injury.")
    html = client.get("/", {"q": "caffeine"}).content.decode()
    assert "<mark>Caffeine</mark> improves endurance." in html
    assert "Stretching prevents injury." not in html


def test_a_topic_filters_the_list_and_an_unknown_topic_is_404(client, db):
    topic = Topic.objects.create(name="Sleep", slug="sleep")
    sleep = make_claim(statement="Sleep helps recovery.")
    sleep.topics.add(topic)
    publish(sleep)
    make_published_claim(statement="Protein timing matters.")
    html = client.get("/", {"topic": "sleep"}).content.decode()
    assert "Sleep helps recovery." in html and "Protein timing matters." not in html
    assert client.get("/", {"topic": "nope"}).status_code == 404


def test_the_htmx_branch_returns_only_the_list(client, db):
    make_published_claim(statement="Caffeine improves endurance.")
    response = client.get("/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Caffeine improves endurance." in html
    assert "<html" not in html


def test_the_home_page_queries_do_not_grow_with_claims(client, db, django_assert_max_num_queries):
    first = make_claim()
    first.topics.add(Topic.objects.create(name="A", slug="a"))
    publish(first)
    with CaptureQueriesContext(connection) as baseline:
        client.get("/")
    topic = Topic.objects.create(name="B", slug="b")
    for _ in range(19):
        claim = make_claim()
        claim.topics.add(topic)
        publish(claim)
    with django_assert_max_num_queries(len(baseline)):
        client.get("/")


def test_search_reads_the_published_words_not_the_working_copy(client, db):
    claim = make_published_claim(statement="Caffeine improves endurance.")
    claim.statement = "Caffeine improves sprinting."
    claim.save()
    html = client.get("/", {"q": "endurance"}).content.decode()
    assert "Caffeine improves <mark>endurance</mark>." in html
    assert "No claims match" in client.get("/", {"q": "sprinting"}).content.decode()


def test_the_certainty_method_takes_its_participant_thresholds_from_the_rule(
    client, db, monkeypatch
):
    from claims import certainty

    monkeypatch.setattr(certainty, "IMPRECISION_SERIOUS", 350)
    monkeypatch.setattr(certainty, "IMPRECISION_VERY_SERIOUS", 90)
    html = client.get("/").content.decode()
    assert "fewer than 350, and fewer than 90 for two levels" in html


@pytest.mark.parametrize(
    "statement",
    [
        "Creatine increases strength.",
        "Cafe\u0301 au lait, written with a combining accent.",  # composed as the cut would
        "x" * 400,
        "x" * 401,
        "word " * 100,
        "\u00e9" * 399 + "e\u0301",  # 401 code points, 400 characters once composed
    ],
)
def test_a_card_cuts_only_a_statement_too_long_for_a_list(statement):
    listing = PublishedClaim(statement=statement)
    expected = search.highlight(Truncator(statement).chars(PublishedClaim.STATEMENT_CHARS))
    assert listing.statement_highlighted == expected
    assert listing.statement_is_cut == (len(statement) > PublishedClaim.STATEMENT_CHARS)
