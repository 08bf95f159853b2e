"""Full-text search on the home page: the same behaviour on SQLite (FTS5) and PostgreSQL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import search
from claims.models import PublishedClaim, SearchDocument, Topic
from tests.conftest import require
from tests.factories import make_claim, make_published_claim, publish


def found(client, query, **params) -> list[str]:
    """The statements the home page lists for `query`, in order, without highlight tags."""
    html = client.get("/", {"q": query, **params}).content.decode()
    statements = re.findall(r'class="claim-card__statement"><a [^>]*>(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", statement) for statement in statements]


@pytest.fixture
def claims(db):
    made = {}
    for key, statement, summary in (
        ("stretching", "Stretching before running prevents injury.", "Trials of warm-ups."),
        ("damage", "Eccentric work causes muscle damage.", "Soreness follows."),
        ("rare", "Damage to the muscle is rare after cycling.", "Cyclists report little."),
        ("whey", "Whey protein builds muscle in older adults.", ""),
        ("casein", "Casein protein at night helps recovery.", ""),
    ):
        made[key] = make_published_claim(statement=statement, summary=summary).statement
    return made


def test_a_word_finds_its_other_forms(client, claims):
    assert found(client, "stretch") == [claims["stretching"]]
    assert found(client, "prevented injuries") == [claims["stretching"]]


def test_every_word_must_match(client, claims):
    assert found(client, "protein night") == [claims["casein"]]


def test_a_quoted_phrase_matches_only_those_words_in_that_order(client, claims):
    assert sorted(found(client, "muscle damage")) == sorted([claims["damage"], claims["rare"]])
    assert found(client, '"muscle damage"') == [claims["damage"]]


def test_a_minus_leaves_a_word_out(client, claims):
    assert found(client, "protein -whey") == [claims["casein"]]
    assert sorted(found(client, 'muscle -"muscle damage"')) == sorted(
        [claims["whey"], claims["rare"]]
    )


def test_a_minus_alone_lists_everything_else(client, claims):
    assert sorted(found(client, "-protein")) == sorted(
        [claims["stretching"], claims["damage"], claims["rare"]]
    )


def test_or_finds_either(client, claims):
    assert sorted(found(client, "whey or casein")) == sorted([claims["whey"], claims["casein"]])


def test_the_summary_and_the_topics_are_searched(client, claims):
    assert found(client, "soreness") == [claims["damage"]]
    claim = make_claim(statement="Sleep helps recovery.")
    claim.topics.add(Topic.objects.create(name="Chronobiology", slug="chronobiology"))
    publish(claim)
    assert found(client, "chronobiology") == ["Sleep helps recovery."]


def test_a_match_in_the_statement_ranks_above_a_match_in_the_summary(client, db):
    make_published_claim(statement="Creatine helps sprinters.", summary="Some tendons adapt.")
    # Published later, so it would come first without ranking.
    make_published_claim(statement="Loading strengthens tendons.", summary="Creatine is unrelated.")
    assert found(client, "tendons") == ["Loading strengthens tendons.", "Creatine helps sprinters."]


def test_no_match_gives_a_friendly_empty_state(client, claims):
    response = client.get("/", {"q": "astrology"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No claims match “astrology”." in html
    assert "also finds “stretching”" in html
    assert 'class="claim-card"' not in html


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "a AND (b", "NEAR(x y)", "title:x", "prot*", "^start", "!!!", "-", '""', "—"],
)
def test_search_syntax_a_reader_might_type_never_fails(client, claims, query):
    response = client.get("/", {"q": query})
    assert response.status_code == 200


def test_results_show_the_matches_highlighted_in_the_statement_and_a_snippet(client, db):
    make_published_claim(
        statement="Tendons adapt to heavy loading.",
        summary="Over twelve weeks, *heavy* loading thickened the patellar tendon in every trial.",
    )
    html = client.get("/", {"q": "tendon"}).content.decode()
    assert "<mark>Tendons</mark> adapt to heavy loading." in html
    assert '<p class="claim-card__snippet">' in html
    assert "thickened the patellar <mark>tendon</mark> in every trial" in html


def test_the_snippet_escapes_the_summary_and_marks_only_matches(client, db):
    make_published_claim(
        statement="Comparisons in a summary stay text.",
        summary="When 1 < 2 & 3 > 2, the <b>markup</b> is shown as text.",
    )
    html = client.get("/", {"q": "markup"}).content.decode()
    snippet = re.search(r'<p class="claim-card__snippet">(.*?)</p>', html).group(1)
    assert "1 &lt; 2 &amp; 3 &gt; 2" in snippet
    assert set(re.findall(r"<[^>]*>", snippet)) == {"<mark>", "</mark>"}
    assert "<mark>markup</mark>" in snippet


def test_a_highlight_escapes_everything_but_its_own_marks():
    marked = f"<script>alert(1)</script> {search.MARK_START}tendon{search.MARK_END} <mark>"
    assert search.highlight(marked) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>tendon</mark> &lt;mark&gt;"
    )
    # A snippet cut inside a match is closed.
    assert search.highlight(f"{search.MARK_START}tend") == "<mark>tend</mark>"


def test_search_and_a_topic_narrow_together(client, db):
    topic = Topic.objects.create(name="Sleep", slug="sleep")
    for statement in ("Sleep helps recovery.", "Naps help recovery."):
        claim = make_claim(statement=statement)
        if statement.startswith("Sleep"):
            claim.topics.add(topic)
        publish(claim)
    assert found(client, "recovery", topic="sleep") == ["Sleep helps recovery."]


def test_search_results_are_paginated(client, db, settings):
    settings.CLAIMS_PER_PAGE = 2
    for n in range(5):
        make_published_claim(statement=f"Protein claim {n}.")
    assert len(found(client, "protein")) == 2
    assert len(found(client, "protein", page=3)) == 1
    html = client.get("/", {"q": "protein"}).content.decode()
    assert "5 claims matching “protein”" in html and "page=2" in html


def test_search_finds_a_published_change_and_forgets_the_old_words(client, db):
    claim = make_published_claim(statement="Caffeine improves endurance.")
    claim.statement = "Caffeine improves sprinting."
    claim.save()
    publish(claim, "Reworded")
    assert found(client, "sprinting") == ["Caffeine improves sprinting."]
    assert found(client, "endurance") == []


def test_lists_and_search_never_read_a_version_snapshot(client, claims):
    topic = Topic.objects.create(name="Strength", slug="strength")
    claim = make_claim(statement="Heavy lifting builds strength.")
    claim.topics.add(topic)
    publish(claim)
    for params in ({}, {"q": "muscle"}, {"topic": "strength"}, {"q": "-muscle", "page": "1"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/", params).status_code == 200
        assert not [q["sql"] for q in queries if "snapshot" in q["sql"]], params


def test_search_queries_do_not_grow_with_matches(client, db, django_assert_max_num_queries):
    make_published_claim(statement="Protein claim one.")
    with CaptureQueriesContext(connection) as baseline:
        client.get("/", {"q": "protein"})
    for n in range(25):
        claim = make_claim(statement=f"Protein claim {n}.")
        claim.topics.add(Topic.objects.get_or_create(name=f"T{n}", slug=f"t{n}")[0])
        publish(claim)
    with django_assert_max_num_queries(len(baseline)):
        client.get("/", {"q": "protein"})


def test_the_list_is_read_in_the_order_of_its_index(db):
    """Deep pages stay fast: the database walks the index instead of sorting every claim."""
    make_published_claim()
    sql, params = PublishedClaim.objects.for_listing()[4000:4020].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables here are tiny; forbid the sort a planner would pick for them.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "published_claim_recent" in plan
    assert "TEMP B-TREE" not in plan and "Sort " not in plan


def test_search_and_a_certainty_narrow_together(client, db):
    for statement in ("Protein helps recovery.", "Protein helps sleep.", "Naps help recovery."):
        make_published_claim(statement=statement)
    level = PublishedClaim.objects.get(statement="Protein helps sleep.").certainty_level
    expected = PublishedClaim.objects.filter(statement__startswith="Protein", certainty_level=level)
    assert found(client, "protein", certainty=level) == [
        listing.statement for listing in expected.order_by("-published_at")
    ]


def test_ranking_a_search_reads_only_the_search_index(client, claims):
    # At 100,000 claims a common word matches a quarter of them: counting and ranking read
    # the narrow index (PostgreSQL's SearchDocument, SQLite's FTS5 table), not every listing.
    with CaptureQueriesContext(connection) as queries:
        assert set(found(client, "muscle")) == {claims["damage"], claims["whey"], claims["rare"]}
    ranking = ("COUNT(", "bm25(", "ts_rank(")
    searching = [q["sql"] for q in queries if any(word in q["sql"] for word in ranking)]
    assert len(searching) == 2, searching  # the count, and the page's ids best first
    if connection.vendor == "postgresql":
        for sql in searching:
            assert '"claims_searchdocument"' in sql
            assert '"claims_publishedclaim"' not in sql, sql


def test_a_deleted_listing_is_no_longer_found(client, db):
    claim = make_published_claim(statement="Cold baths speed recovery.")
    assert found(client, "baths") == ["Cold baths speed recovery."]
    PublishedClaim.objects.filter(claim=claim).delete()
    assert found(client, "baths") == []
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.exists()  # the database deleted it with its listing


def test_a_search_document_follows_its_listing(client, db):
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "SearchDocument is PostgreSQL's search index")
    claim = make_published_claim(statement="Creatine helps sprinting.")
    claim.statement = "Creatine helps jumping."
    claim.save()
    publish(claim, "Reworded")
    document = SearchDocument.objects.get()
    assert document.published_at == PublishedClaim.objects.get().published_at
    assert "jump" in document.vector and "sprint" not in document.vector
