"""ClaimReview and ScholarlyArticle JSON-LD, sitemap.xml and robots.txt."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from claims.certainty import CertaintyLevel
from claims.models import Claim
from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_study, publish

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOSTILE = 'Coffee </script><script>alert(1)</script> & "quotes" <!-- helps'


def json_ld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "</script" not in block.lower() and "<!--" not in block
    return json.loads(block)


@pytest.fixture
def claim(db):
    claim = make_claim(slug="coffee", statement=HOSTILE)
    for n in range(3):
        make_evidence(claim, make_study(doi=f"10.5555/sd.{n}", sample_size=400), Stance.SUPPORTS)
    publish(claim, "First.")
    claim.refresh_from_db()
    return claim


def test_the_claim_page_carries_a_claim_review(client, claim):
    data = json_ld(client.get("/claims/coffee/").content.decode())
    version = claim.current_version
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == HOSTILE
    assert data["itemReviewed"] == {"@type": "Claim", "name": HOSTILE}
    assert data["url"] == "http://testserver/claims/coffee/"
    assert data["author"]["@type"] == "Organization"
    assert data["author"]["name"] == "Evidence Claims"
    rating = data["reviewRating"]
    assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
    label = version.snapshot["verdict_label"]
    certainty = version.snapshot["certainty"]["label"]
    assert rating["alternateName"] == f"{label} (certainty: {certainty})"
    assert rating["ratingValue"] == {"Strong Support": 5, "Moderate Support": 4}.get(label, 3)
    assert data["datePublished"] == version.published_at.isoformat()


def test_a_new_version_moves_date_modified_and_the_rating(client, claim):
    first = claim.current_version
    for _ in range(6):
        make_evidence(claim, make_study(sample_size=2000), Stance.CONTRADICTS)
    publish(claim, "Contradicted.")
    claim.refresh_from_db()
    data = json_ld(client.get("/claims/coffee/").content.decode())
    assert data["datePublished"] == first.published_at.isoformat()
    assert data["dateModified"] == claim.current_version.published_at.isoformat()
    assert data["reviewRating"]["ratingValue"] < 3
    old = json_ld(client.get("/claims/coffee/v/1/").content.decode())
    assert old["url"] == "http://testserver/claims/coffee/v/1/"
    assert old["dateModified"] == first.published_at.isoformat()


def test_an_editor_override_of_the_certainty_is_said_in_the_rating(client, claim):
    Claim.objects.filter(pk=claim.pk).update(
        certainty_override=CertaintyLevel.VERY_LOW, certainty_override_reason="One lab."
    )
    publish(Claim.objects.get(pk=claim.pk), "Override.")
    data = json_ld(client.get("/claims/coffee/").content.decode())
    assert data["reviewRating"]["alternateName"].endswith("(certainty: Very low, set by an editor)")


def test_the_study_page_carries_a_scholarly_article(client, db):
    make_study(doi="10.5555/art.1", title=HOSTILE, authors="Doe J, Émile Z", journal="J & K")
    data = json_ld(client.get("/studies/10.5555/art.1/").content.decode())
    assert data["@type"] == "ScholarlyArticle"
    assert data["identifier"] == "10.5555/art.1"
    assert data["name"] == HOSTILE
    assert data["sameAs"] == "https://doi.org/10.5555/art.1"
    assert [a["name"] for a in data["author"]] == ["Doe J", "Émile Z"]
    assert data["isPartOf"]["name"] == "J & K"


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_paths(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/moderation/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_sitemap_lists_published_claims_with_their_version_dates_and_cited_studies(
    client, claim
):
    make_claim(slug="draft-only")  # never published: not in the sitemap
    make_study(doi="10.5555/uncited")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SM}loc")]
    assert "http://testserver/sitemap-claims.xml" in sections
    urls = {}
    for section in sections:
        path = section.removeprefix("http://testserver")
        root = ET.fromstring(client.get(path).content)
        for url in root.iter(f"{SM}url"):
            urls[url.find(f"{SM}loc").text] = url.find(f"{SM}lastmod")
    assert "http://testserver/claims/coffee/" in urls
    lastmod = urls["http://testserver/claims/coffee/"].text
    assert lastmod == claim.current_version.published_at.date().isoformat()
    assert "http://testserver/claims/draft-only/" not in urls
    assert "http://testserver/studies/10.5555/sd.0/" in urls
    assert "http://testserver/studies/10.5555/uncited/" not in urls


def test_the_sitemap_takes_the_same_queries_for_many_claims(
    client, db, django_assert_max_num_queries
):
    for n in range(15):
        publish(make_claim(slug=f"many-{n}"), "One.")
    with django_assert_max_num_queries(4):
        response = client.get("/sitemap-claims.xml")
    assert response.content.count(b"<url>") == 15
