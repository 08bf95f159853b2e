"""Citation downloads of studies and claims, and "Cite this claim" on the claim page."""

import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from django.test import Client

from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish

TITLE = "Tëst {of} 50% braces"


@pytest.fixture
def claim(db):
    claim = make_claim(slug="caffeine", statement="Caffeine helps {some} cyclists by 2%.")
    make_evidence(
        claim,
        make_study(doi="10.5555/cite.1", title=TITLE, authors="Müller K, O'Brien AB", year=2021),
        stance=Stance.SUPPORTS,
    )
    make_evidence(claim, make_study(doi="10.5555/cite.2", title="Against"), Stance.CONTRADICTS)
    make_mechanism(claim, steps=2, cite=[make_study(doi="10.5555/cite.3", title="In a step")])
    publish(claim, "First.")
    return claim


def bib(response):
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    return library.entries


def test_a_study_downloads_as_bibtex_with_its_type_and_file_name(client, claim):
    response = client.get("/studies/cite/bibtex/10.5555/cite.1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="10.5555-cite.1.bib"'
    (entry,) = bib(response)
    assert entry["title"] == TITLE
    assert entry["author"] == "Müller, K. and O'Brien, A. B."
    assert entry["doi"] == "10.5555/cite.1"


def test_a_study_whose_doi_ends_in_bib_still_has_its_page_and_downloads(client, db):
    make_study(doi="10.5555/paper.bib", title="Odd DOI")
    assert client.get("/studies/10.5555/paper.bib/").status_code == 200
    response = client.get("/studies/cite/ris/10.5555/paper.bib")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (entry,) = rispy.loads(response.content.decode())
    assert entry["doi"] == "10.5555/paper.bib"


def test_a_study_downloads_as_csl_json(client, claim):
    response = client.get("/studies/cite/csl-json/10.5555/cite.1")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    (item,) = json.loads(response.content)
    assert item["title"] == TITLE
    assert item["author"][0] == {"family": "Müller", "given": "K."}


def test_an_unknown_study_or_format_is_not_found(client, claim):
    assert client.get("/studies/cite/bibtex/10.5555/nothing").status_code == 404
    assert client.get("/studies/cite/endnote/10.5555/cite.1", follow=True).status_code == 404


def test_the_claim_bibliography_lists_every_study_its_version_cites(client, claim):
    response = client.get("/claims/caffeine/bibliography/bibtex/")
    assert response["Content-Disposition"] == (
        'attachment; filename="caffeine-v1-bibliography.bib"'
    )
    entries = bib(response)
    assert sorted(e["doi"] for e in entries) == [
        "10.5555/cite.1",
        "10.5555/cite.2",
        "10.5555/cite.3",
    ]
    assert len({e.key for e in entries}) == 3
    ris = rispy.loads(client.get("/claims/caffeine/bibliography/ris/").content.decode())
    assert len(ris) == 3
    csl = json.loads(client.get("/claims/caffeine/bibliography/csl-json/").content)
    assert TITLE in {item["title"] for item in csl}


def test_the_bibliography_follows_the_published_version_not_the_working_copy(client, claim):
    make_evidence(claim, make_study(doi="10.5555/unpublished", title="New"), Stance.SUPPORTS)
    entries = bib(client.get("/claims/caffeine/bibliography/bibtex/"))
    assert "10.5555/unpublished" not in {e["doi"] for e in entries}
    publish(claim, "Second.")
    entries = bib(client.get("/claims/caffeine/bibliography/bibtex/"))
    assert "10.5555/unpublished" in {e["doi"] for e in entries}


def test_an_edited_study_title_reaches_the_cached_bibliography(client, claim):
    from evidence.models import Study

    client.get("/claims/caffeine/bibliography/bibtex/")
    study = Study.objects.get(doi="10.5555/cite.2")
    study.title = "Corrected title"
    study.save()
    entries = bib(client.get("/claims/caffeine/bibliography/bibtex/"))
    assert "Corrected title" in {e["title"] for e in entries}


def test_a_claim_version_downloads_as_a_misc_entry_with_its_permanent_url(client, claim):
    response = client.get("/claims/caffeine/v/1/cite/bibtex/")
    assert response["Content-Disposition"] == 'attachment; filename="caffeine-v1.bib"'
    (entry,) = bib(response)
    assert entry.entry_type == "misc"
    assert entry["title"] == "Caffeine helps {some} cyclists by 2%."
    assert entry["url"] == "http://testserver/claims/caffeine/v/1/"
    assert client.get("/claims/caffeine/v/9/cite/bibtex/").status_code == 404


def test_a_cached_download_keeps_its_type_and_file_name(client, claim):
    first = client.get("/claims/caffeine/bibliography/ris/")
    second = client.get("/claims/caffeine/bibliography/ris/")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    etag = second["ETag"]
    assert (
        client.get("/claims/caffeine/bibliography/ris/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    )


def test_the_bibliography_takes_the_same_queries_for_many_studies(
    client, claim, django_assert_max_num_queries
):
    for n in range(20):
        make_evidence(claim, make_study(doi=f"10.5555/many.{n}"), Stance.SUPPORTS)
    publish(claim, "Many.")
    with django_assert_max_num_queries(4):
        response = client.get("/claims/caffeine/bibliography/csl-json/")
    assert len(json.loads(response.content)) == 23


def test_the_claim_page_offers_cite_this_claim_with_its_permanent_url(client, claim):
    html = client.get("/claims/caffeine/").content.decode()
    assert "Cite this claim" in html
    assert "http://testserver/claims/caffeine/v/1/" in html
    assert re.search(r"Evidence Claims\. \(\d{4}, \w+ \d+\)\. Caffeine helps", html)
    assert "@misc{evidenceclaims-caffeine-v1," in html
    assert 'href="/claims/caffeine/bibliography/ris/"' in html
    assert 'href="/claims/caffeine/v/1/cite/csl-json/"' in html


def test_an_old_version_page_cites_that_version(client, claim):
    make_evidence(claim, make_study(), Stance.SUPPORTS)
    publish(claim, "Second.")
    html = client.get("/claims/caffeine/v/1/").content.decode()
    assert "http://testserver/claims/caffeine/v/1/" in html
    assert "/claims/caffeine/bibliography/" not in html
    member_html = Client().get("/claims/caffeine/").content.decode()
    assert "http://testserver/claims/caffeine/v/2/" in member_html


def test_the_study_page_links_its_citation_downloads(client, claim):
    html = client.get("/studies/10.5555/cite.1/").content.decode()
    assert 'href="/studies/cite/bibtex/10.5555/cite.1"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/claims/caffeine/bibliography/bibtex/",
        "/claims/caffeine/v/1/cite/ris/",
        "/studies/cite/csl-json/10.5555/cite.1",
    ],
)
def test_a_second_download_comes_from_the_cache_in_one_query(
    client, claim, url, django_assert_num_queries
):
    first = client.get(url)
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
