"""The list's total is counted once per published version, filter and search in each process
(claims/caching.py `listing_count`): a list rendered again (a member's, which is not cached)
does not count again, and the next publication is counted at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import caching
from claims.models import Topic
from tests.factories import make_claim, publish

STAMP_PLACES = ["database", "locmem", "redis"]


@pytest.fixture
def listing(db, stamps_in, settings, django_capture_on_commit_callbacks):
    settings.CLAIMS_PER_PAGE = 2
    sleep = Topic.objects.create(name="Sleep", slug="sleep")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            claim = make_claim(statement=f"Counted claim number {n}.")
            if n % 2 == 0:
                claim.topics.add(sleep)
            publish(claim)
    return sleep


def counts_made(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), sum("COUNT(" in q["sql"].upper() for q in queries)


@pytest.mark.parametrize("stamps_in", STAMP_PLACES, indirect=True)
def test_a_list_is_counted_once_per_published_version_and_filter(
    member_client, listing, django_capture_on_commit_callbacks
):
    html, counted = counts_made(member_client, "/")
    assert "Page 1 of 3" in html
    assert counted == 1
    html, counted = counts_made(member_client, "/?page=2")
    assert "Page 2 of 3" in html
    assert counted == 0, "the same filter, another page: counted already"
    html, counted = counts_made(member_client, "/?topic=sleep")
    assert "3 claims" in html and "Page 1 of 2" in html
    assert counted == 1, "another filter is counted on its own"
    html, counted = counts_made(member_client, "/?topic=sleep")
    assert counted == 0

    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(statement="Counted claim number 5.")
        claim.topics.add(listing)
        publish(claim)
        publish(make_claim(statement="Counted claim number 6."))
    html, counted = counts_made(member_client, "/?topic=sleep")
    assert "4 claims" in html and counted == 1, "a publication is counted at once"
    html, _ = counts_made(member_client, "/")
    assert "Page 1 of 4" in html


@pytest.mark.parametrize("stamps_in", STAMP_PLACES, indirect=True)
def test_a_search_is_counted_once_per_published_version(
    member_client, listing, django_capture_on_commit_callbacks
):
    html, counted = counts_made(member_client, "/?q=counted")
    assert "5 claims matching" in html and counted == 1
    html, counted = counts_made(member_client, "/?q=counted&page=2")
    assert "5 claims matching" in html and counted == 0
    html, counted = counts_made(member_client, "/?q=counted&topic=sleep")
    assert "3 claims matching" in html and counted == 1, "a search in a topic is its own"
    html, counted = counts_made(member_client, "/?q=number")
    assert counted == 1, "other words are counted on their own"
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_claim(statement="Counted claim number 5."))
    html, counted = counts_made(member_client, "/?q=counted")
    assert "6 claims matching" in html and counted == 1, "a publication is counted at once"


def is_ranking(sql):
    """The query that orders a search's matches (FTS5's MATCH, PostgreSQL's @@), not the one
    that counts them or the one that marks the words found on the page."""
    matches = " MATCH " in sql or "@@" in sql
    return (
        matches
        and "ORDER BY" in sql
        and not any(word in sql for word in ("COUNT(", "HIGHLIGHT(", "TS_HEADLINE("))
    )


def ranked(client, url):
    """The claims a search page lists, in order, and how many times it ranked matches."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    ranks = sum(is_ranking(q["sql"].upper()) for q in queries)
    return re.findall(r"number (\d)", html), ranks


@pytest.mark.parametrize("stamps_in", STAMP_PLACES, indirect=True)
def test_a_searchs_first_pages_are_ranked_once_per_published_version(
    member_client, listing, settings, django_capture_on_commit_callbacks
):
    first, ranks = ranked(member_client, "/?q=counted+claim")
    assert len(first) == 2 and ranks == 1
    second, ranks = ranked(member_client, "/?q=counted+claim&page=2")
    third, _ = ranked(member_client, "/?q=counted+claim&page=3")
    assert ranks == 0, "the next page comes from the ranking kept"
    assert sorted(first + second + third) == ["0", "1", "2", "3", "4"]
    again, ranks = ranked(member_client, "/?q=counted+claim")
    assert (again, ranks) == (first, 0)
    # Pages past the kept ones are ranked by the database, in the same order.
    caching._rankings.clear()
    settings.CLAIMS_PER_PAGE = 1
    monkey = pytest.MonkeyPatch()
    monkey.setattr(caching, "RANKED_KEPT", 2)
    try:
        pages = [ranked(member_client, f"/?q=counted+claim&page={n}") for n in range(1, 6)]
    finally:
        monkey.undo()
    assert [claims for claims, _ in pages] == [[n] for n in first + second + third]
    assert [ranks for _, ranks in pages] == [1, 0, 1, 1, 1]
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_claim(statement="Counted claim number 5, counted claim, counted."))
    settings.CLAIMS_PER_PAGE = 2
    newest, ranks = ranked(member_client, "/?q=counted+claim")
    assert "5" in newest and ranks == 1, "a publication is ranked at once"


@pytest.mark.parametrize("stamps_in", STAMP_PLACES, indirect=True)
def test_the_topic_menu_is_read_once_per_published_version(
    member_client, listing, django_capture_on_commit_callbacks
):
    def menu_reads(url):
        with CaptureQueriesContext(connection) as queries:
            html = member_client.get(url).content.decode()
        return html, sum("WITH RECURSIVE" in q["sql"] for q in queries)

    html, reads = menu_reads("/")
    assert 'href="?topic=sleep"' in html and reads == 1
    html, reads = menu_reads("/?topic=sleep&page=2")
    assert reads == 0
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(statement="A claim with a new topic.")
        claim.topics.add(Topic.objects.create(name="Naps", slug="naps"))
        publish(claim)
    html, reads = menu_reads("/")
    assert 'href="?topic=naps"' in html and reads == 1, "a publication is read at once"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # (latest version, filters, count to keep or None to read) ... -> what was read
        ([("v1", "a", 5), ("v1", "a", None)], [5]),
        ([("v1", "a", 5), ("v1", "b", None)], [None]),
        # A newer version starts afresh: nothing of the last one is kept.
        ([("v1", "a", 5), ("v2", "b", 7), ("v2", "a", None), ("v2", "b", None)], [None, 7]),
        # A count made under an older version is not kept for the newer one.
        ([("v2", "a", 7), ("v1", "a", 5), ("v2", "a", None)], [None]),
    ],
)
def test_counts_are_kept_for_the_newest_version_only(steps, expected):
    counts = caching._KeptPerVersion()
    read = []
    for latest, filters, count in steps:
        if count is None:
            read.append(counts.get(latest, filters))
        else:
            counts.put(latest, filters, count)
    assert read == expected
