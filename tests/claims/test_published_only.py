"""Readers see only published versions: an editor's unpublished edit changes nothing they see."""

import re

import pytest

from claims.models import Claim, PublishedClaim, Topic
from evidence.choices import Stance
from mechanisms.models import CausalStep
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_study,
    publish,
)


def page(client, url, **params) -> str:
    html = client.get(url, params).content.decode()
    # Each response carries a fresh CSRF token; everything else must be byte for byte equal.
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)


@pytest.fixture
def published(db):
    """A published claim with a topic, evidence, a causal chain citing a study, and a summary."""
    topic = Topic.objects.create(name="Endurance", slug="endurance")
    cited = make_study(title="Cited trial", sample_size=18)
    in_step = make_study(title="Step trial")
    claim = make_claim(
        statement="Caffeine improves endurance in trained cyclists.",
        summary="Two trials agree, see (10.5555/cited).",
    )
    claim.topics.add(topic)
    make_evidence(claim, cited, finding="Faster by two percent.")
    make_mechanism(claim, steps=2, cite=[in_step], title="Adenosine blockade")
    make_gold_standard(claim, description="A large decisive trial.")
    publish(claim, "First")
    return claim, topic, cited, in_step


# -- Study page --------------------------------------------------------------------------------


def test_removing_an_evidence_link_without_publishing_leaves_the_study_page_as_it_was(
    client, published
):
    claim, _, cited, _ = published
    before = page(client, cited.get_absolute_url())
    claim.evidence.get(study=cited).delete()
    claim.recompute_tallies()
    after = page(client, cited.get_absolute_url())
    assert "Caffeine improves endurance in trained cyclists." in after
    assert after == before


def test_a_citation_added_without_publishing_does_not_reach_the_study_page(client, published):
    claim, _, _, _ = published
    newcomer = make_study(title="Newcomer")
    make_evidence(claim, newcomer)
    CausalStep.objects.get(mechanism__claim=claim, order=1).cited_studies.add(newcomer)
    html = page(client, newcomer.get_absolute_url())
    assert "Caffeine improves endurance" not in html
    assert "No published claim cites this study as evidence yet." in html


def test_removing_a_step_citation_without_publishing_keeps_the_causal_chain_listing(
    client, published
):
    claim, _, _, in_step = published
    for step in CausalStep.objects.filter(mechanism__claim=claim):
        step.cited_studies.remove(in_step)
    html = page(client, in_step.get_absolute_url())
    assert "Adenosine blockade" in html and "steps 1 (supported by evidence), 2" in html


def test_the_study_page_follows_a_published_removal(client, published):
    claim, _, cited, _ = published
    claim.evidence.get(study=cited).delete()
    claim.recompute_tallies()
    publish(claim, "Dropped the trial")
    assert "Caffeine improves endurance" not in page(client, cited.get_absolute_url())


# -- Topics ------------------------------------------------------------------------------------


def test_an_unpublished_topic_is_not_listed_and_its_filter_finds_nothing(client, published):
    claim, _, _, _ = published
    claim.topics.add(Topic.objects.create(name="Secret topic", slug="secret-topic"))
    assert "Secret topic" not in page(client, "/")
    assert client.get("/", {"topic": "secret-topic"}).status_code == 404
    assert "Caffeine" not in page(client, "/", q="secret")


def test_a_topic_removed_without_publishing_still_lists_and_filters_the_claim(client, published):
    claim, topic, _, _ = published
    claim.topics.remove(topic)
    html = page(client, "/", topic="endurance")
    assert 'aria-current="page">Endurance</a>' in html
    assert "Caffeine improves endurance in trained cyclists." in html


def test_a_published_topic_is_listed_and_filters(client, published):
    claim, _, _, _ = published
    claim.topics.add(Topic.objects.create(name="Sleep", slug="sleep"))
    publish(claim, "Added a topic")
    assert ">Sleep</a>" in page(client, "/")
    assert "Caffeine improves endurance" in page(client, "/", topic="sleep")


# -- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("markup", ["href", "class", "strong", "studies", "p", "example"])
def test_search_never_matches_the_markup_of_a_summary(client, db, markup):
    make_study(doi="10.5555/linked", title="Linked trial")
    claim = make_claim(
        statement="Protein timing matters little.",
        summary="**Most** trials agree (10.5555/linked), as [this review](https://example.org/).",
    )
    version = publish(claim)
    assert 'href="/studies/10.5555/linked/"' in version.snapshot["summary_html"]
    assert "Protein timing" not in page(client, "/", q=markup)


def test_the_version_stores_the_summary_as_plain_text(db):
    make_study(doi="10.5555/linked")
    claim = make_claim(summary="**Most** trials agree (10.5555/linked).\n\nA second *paragraph*.")
    version = publish(claim)
    assert version.snapshot["summary_text"] == (
        "Most trials agree (10.5555/linked). A second paragraph."
    )
    assert PublishedClaim.objects.get(claim=claim).summary_text == version.snapshot["summary_text"]


def test_search_matches_the_published_summary_and_topics_as_text(client, published):
    claim, _, _, _ = published
    assert "Caffeine improves" in page(client, "/", q="agree")
    assert "Caffeine improves" in page(client, "/", q="endurance trials")
    claim.summary = "Nothing about trials any more."
    claim.save()
    assert "Caffeine improves" in page(client, "/", q="agree")
    assert "Caffeine improves" not in page(client, "/", q="more")


# -- Compare -----------------------------------------------------------------------------------


def test_a_topic_only_change_is_shown_on_the_compare_page(client, published):
    claim, topic, _, _ = published
    claim.topics.remove(topic)
    claim.topics.add(Topic.objects.create(name="Sleep", slug="sleep"))
    publish(claim, "Topics only")
    html = page(client, f"/claims/{claim.slug}/compare/1/2/")
    assert "These two versions say the same thing" not in html
    assert "<h3>Topics</h3>" in html
    assert "<del>Endurance</del>" in html and "<ins>Sleep</ins>" in html


def test_a_step_citation_only_change_is_shown_on_the_compare_page(client, published):
    claim, _, _, in_step = published
    newcomer = make_study(doi="10.5555/newcomer", authors="Newman A", year=2024)
    step = CausalStep.objects.get(mechanism__claim=claim, order=2)
    step.cited_studies.remove(in_step)
    step.cited_studies.add(newcomer)
    publish(claim, "Citations only")
    html = page(client, f"/claims/{claim.slug}/compare/1/2/")
    assert "These two versions say the same thing" not in html
    assert "Citations changed</span> at step 2" in html
    assert "Now cites</ins>" in html and "10.5555/newcomer" in html
    assert "No longer cites</del>" in html and in_step.doi in html


def test_a_study_facts_only_change_is_shown_on_the_compare_page(client, published):
    claim, _, cited, _ = published
    cited.title = "Cited trial, corrected title"
    cited.save()
    publish(claim, "Study facts only")
    html = page(client, f"/claims/{claim.slug}/compare/1/2/")
    assert "These two versions say the same thing" not in html
    assert "<del>Cited trial</del> → <ins>Cited trial, corrected title</ins>" in html


def test_a_change_of_links_only_does_not_say_the_versions_are_the_same(published):
    from claims.compare import compare_analyses

    claim, _, _, _ = published
    before = claim.versions.get().analysis
    after = claim.versions.get().analysis
    after.summary_html = after.summary_html.replace('href="', 'href="https://example.org/')
    assert after.summary_html != before.summary_html
    comparison = compare_analyses(before, after)
    assert not comparison.is_empty and comparison.other


# -- Members-only data -------------------------------------------------------------------------


def _compared_pages(claim):
    return [
        (f"/claims/{claim.slug}/compare/1/2/", {}),
        (f"/claims/{claim.slug}/compare/1/2/", {"HTTP_HX_REQUEST": "true"}),
        (f"/claims/{claim.slug}/compare/?a=1&b=2", {"HTTP_HX_REQUEST": "true"}),
    ]


def test_anonymous_readers_are_never_given_the_gold_standard_list(client, published):
    claim, _, _, _ = published
    make_gold_standard(claim, rank=2, description="A second secret design.")
    publish(claim, "Second design")
    for url in (claim.get_absolute_url(), f"/claims/{claim.slug}/v/1/"):
        response = client.get(url)
        assert response.context["analysis"].gold_standard == []
        assert "A large decisive trial." not in response.content.decode()
    for url, headers in _compared_pages(claim):
        response = client.get(url, **headers)
        comparison = response.context["comparison"]
        assert comparison.gold_standard == []
        assert comparison.before.gold_standard == comparison.after.gold_standard == []
        assert "The list of studies that would settle this claim changed." in (
            response.content.decode()
        )
        assert "A second secret design." not in response.content.decode()
    study = claim.evidence.first().study
    for cite in client.get(study.get_absolute_url()).context["citing_evidence"]:
        assert cite["claim"].gold_standard == []


def test_members_are_given_the_gold_standard_list(member_client, published):
    claim, _, _, _ = published
    make_gold_standard(claim, rank=2, description="A second secret design.")
    publish(claim, "Second design")
    response = member_client.get(claim.get_absolute_url())
    assert len(response.context["analysis"].gold_standard) == 2
    for url, headers in _compared_pages(claim):
        response = member_client.get(url, **headers)
        assert "A second secret design." in response.content.decode()


# -- Everything at once ------------------------------------------------------------------------


def test_an_unpublished_edit_changes_nothing_a_reader_sees(client, published):
    claim, topic, cited, in_step = published
    urls = [
        (claim.get_absolute_url(), {}),
        (cited.get_absolute_url(), {}),
        (in_step.get_absolute_url(), {}),
        ("/", {}),
        ("/", {"topic": "endurance"}),
        ("/", {"q": "caffeine"}),
        ("/", {"q": "agree"}),
    ]
    before = [page(client, url, **params) for url, params in urls]
    assert "Caffeine improves endurance in trained cyclists." in before[4]
    assert "<mark>" in before[5]

    claim.statement = "Coffee improves sprinting."
    claim.summary = "A rewritten summary nobody published."
    claim.save()
    claim.topics.remove(topic)
    claim.topics.add(Topic.objects.create(name="Sprinting", slug="sprinting"))
    claim.evidence.get(study=cited).delete()
    make_evidence(claim, make_study(title="Unpublished trial"), stance=Stance.CONTRADICTS)
    claim.recompute_tallies()
    for step in CausalStep.objects.filter(mechanism__claim=claim):
        step.cited_studies.remove(in_step)
    claim.gold_standard_designs.all().delete()

    after = [page(client, url, **params) for url, params in urls]
    for (url, params), old, new in zip(urls, before, after, strict=True):
        assert new == old, (url, params)


def test_pages_about_a_claim_show_its_published_statement(client, member_client, member, published):
    from tests.factories import make_submission

    claim, _, _, _ = published
    make_gold_standard(claim, rank=2)
    publish(claim, "Second")
    make_submission(claim, member)
    reader_urls = [f"/claims/{claim.slug}/history/", f"/claims/{claim.slug}/compare/1/2/"]
    member_urls = [f"/claims/{claim.slug}/evidence/new/", "/accounts/submissions/"]
    claim.statement = "An unpublished rewording."
    claim.save()
    for who, urls in ((client, reader_urls), (member_client, member_urls)):
        for url in urls:
            html = who.get(url).content.decode()
            assert "Caffeine improves endurance in trained cyclists." in html, url
            assert "An unpublished rewording." not in html, url


def test_a_topic_renamed_and_published_again_is_listed_once_by_its_latest_name(client, db):
    older = make_claim(slug="older-claim", statement="Naps help.")
    newer = make_claim(slug="newer-claim", statement="Naps help more.")
    rest = Topic.objects.create(name="Rest", slug="rest")
    for claim in (older, newer):
        make_evidence(claim, make_study())
        claim.topics.add(rest)
        publish(claim)
    Topic.objects.filter(pk=rest.pk).update(name="Rest and sleep")
    publish(Claim.objects.get(pk=newer.pk), "Topic renamed")
    filters = re.findall(r'<a href="\?topic=rest" >([^<]*)</a>', page(client, "/"))
    assert filters == ["Rest and sleep"]
