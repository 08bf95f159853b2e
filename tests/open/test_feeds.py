"""Atom feeds of new analysis versions, parsed with feedparser."""

import html
import xml.etree.ElementTree as ET

import feedparser
import pytest

from claims.models import Topic
from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_study, publish

HOSTILE_NOTE = 'Added <b>two</b> trials & a "meta" </entry> analysis ü'


@pytest.fixture
def claim(db):
    topic = Topic.objects.create(name="Caffeine & sport", slug="caffeine")
    claim = make_claim(slug="coffee", statement="Coffee helps <cyclists> & runners.")
    claim.topics.add(topic)
    publish(claim, "First analysis.")
    for _ in range(3):
        make_evidence(claim, make_study(sample_size=400), Stance.SUPPORTS)
    publish(claim, HOSTILE_NOTE)
    claim.refresh_from_db()
    return claim


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    ET.fromstring(response.content)  # well-formed XML
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_site_feed_lists_new_versions_newest_first_with_what_changed(client, claim):
    feed = parse(client, "/feeds/versions/")
    newest, first = feed.entries[:2]
    assert newest.title == "Coffee helps <cyclists> & runners. — analysis v2"
    assert newest.link == "http://testserver/claims/coffee/v/2/"
    label = claim.current_version.get_verdict_display()
    assert f"Verdict: Insufficient Evidence → {label}" in newest.summary
    # Written as escaped HTML: a reader shows the note's markup as text, never as markup.
    assert HOSTILE_NOTE in html.unescape(newest.summary)
    assert "<b>" not in newest.summary
    assert "(certainty: " in newest.summary
    assert first.summary.startswith("First published. Verdict: Insufficient Evidence")
    assert newest.updated_parsed is not None


def test_the_claim_feed_has_only_that_claims_versions(client, claim):
    publish(make_claim(slug="other"), "Other claim.")
    feed = parse(client, "/claims/coffee/feed/")
    assert [e.link for e in feed.entries] == [
        "http://testserver/claims/coffee/v/2/",
        "http://testserver/claims/coffee/v/1/",
    ]
    assert feed.feed.title.endswith("Coffee helps <cyclists> & runners.")


def test_the_topic_feed_has_the_topics_claims(client, claim):
    publish(make_claim(slug="other"), "Other claim.")
    feed = parse(client, "/topics/caffeine/feed/")
    assert {e.link for e in feed.entries} == {
        "http://testserver/claims/coffee/v/2/",
        "http://testserver/claims/coffee/v/1/",
    }
    assert feed.feed.title == "Evidence Claims: Caffeine & sport"
    assert client.get("/topics/nothing/feed/").status_code == 404


def test_an_unpublished_claim_has_no_feed_and_an_unpublished_edit_changes_nothing(client, claim):
    make_claim(slug="draft")
    assert client.get("/claims/draft/feed/").status_code == 404
    before = client.get("/feeds/versions/").content
    claim.statement = "Edited but not published."
    claim.save()
    assert client.get("/feeds/versions/").content == before


def test_pages_link_their_feeds_in_the_head(client, claim):
    html = client.get("/claims/coffee/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/claims/coffee/feed/"' in html
    assert 'href="/feeds/versions/"' in html
    topic_page = client.get("/?topic=caffeine").content.decode()
    assert 'href="/topics/caffeine/feed/"' in topic_page


def test_a_feed_takes_the_same_queries_for_many_versions(
    client, claim, django_assert_max_num_queries
):
    for n in range(10):
        publish(make_claim(slug=f"many-{n}"), "Another.")
    with django_assert_max_num_queries(3):
        feed = client.get("/feeds/versions/")
    assert feed.content.count(b"<entry>") == 12


def test_the_history_page_links_the_claims_feed(client, claim):
    html = client.get("/claims/coffee/history/").content.decode()
    assert html.count('href="/claims/coffee/feed/"') == 2  # in the head and in the text
