"""Every kind of page, and every htmx fragment, renders without template source showing."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from evidence.choices import Stance
from tests.factories import (
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_published_claim,
    make_study,
    make_submission,
    publish,
)

HX = {"HX-Request": "true"}


@pytest.fixture
def site(member, editor):
    study = make_study(doi="10.5555/known.study", title="A known study")
    claim = make_published_claim(slug="caffeine", statement="Caffeine helps endurance.")
    make_evidence(claim, study, finding="It helped (10.5555/known.study).")
    make_mechanism(claim, cite=[study])
    make_gold_standard(claim)
    publish(claim)  # v2
    make_submission(claim, member, note="A pending submission.")
    return claim


def member_pages(claim):
    submit = f"/claims/{claim.slug}/evidence/new/"
    facts = submit + "study-facts/"
    return [
        ("/", {}),
        ("/", HX),
        ("/?q=caffeine", HX),
        (claim.get_absolute_url(), {}),
        (f"/claims/{claim.slug}/v/1/", {}),
        (f"/claims/{claim.slug}/history/", {}),
        (f"/claims/{claim.slug}/compare/1/2/", {}),
        (f"/claims/{claim.slug}/compare/1/2/", HX),
        ("/studies/10.5555/known.study/", {}),
        (submit + "?stance=supports", {}),
        (submit + "?stance=supports", HX),
        (facts + "?doi=10.5555/new", HX),
        (facts + "?doi=10.5555/known.study", HX),
        ("/accounts/submissions/", {}),
    ]


def assert_no_template_source(html, url):
    assert "{#" not in html and "#}" not in html, url
    assert "{%" not in html and "%}" not in html, url
    # A Content-Security-Policy without 'unsafe-inline' allows no inline script or style.
    # JSON-LD data blocks are not run, so the policy does not apply to them.
    for script in re.findall(
        r"<script\b(?![^>]*application/ld\+json)[^>]*>(.*?)</script>", html, re.S
    ):
        assert script.strip() == "", f"inline script on {url}"
    assert not re.search(r"<[^>]*\s(on[a-z]+|data-hx-on[^=]*|style)=", html), url


def test_no_page_shows_template_comments_to_readers(client, site):
    for url in ("/", site.get_absolute_url(), "/studies/10.5555/known.study/"):
        assert_no_template_source(client.get(url).content.decode(), url)
    for url in ("/accounts/login/", "/accounts/signup/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_template_source(response.content.decode(), url)


def test_no_page_or_fragment_shows_template_comments_to_members(member_client, site):
    for url, headers in member_pages(site):
        response = member_client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert_no_template_source(response.content.decode(), url)


def test_no_submission_answer_shows_template_comments(member_client, site):
    submit = f"/claims/{site.slug}/evidence/new/"
    data = {"doi": "10.5555/new", "stance": Stance.SUPPORTS, "note": "Found an effect."}
    for headers in ({}, HX):
        refused = member_client.post(submit, {**data, "title": ""}, headers=headers)
        assert refused.status_code == 400
        assert_no_template_source(refused.content.decode(), submit)
    done = member_client.post(
        submit,
        {**data, "title": "T", "authors": "Roe R", "year": "2024", "design": "rct"},
        headers=HX,
    )
    assert done.status_code == 201
    assert_no_template_source(done.content.decode(), submit)


def test_no_editor_page_or_moderation_answer_shows_template_comments(editor_client, site, member):
    pending = site.submissions.get()
    for url in ("/moderation/", f"/moderation/{pending.pk}/", f"/claims/{site.slug}/preview/"):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert_no_template_source(response.content.decode(), url)
    refused = editor_client.post(f"/moderation/{pending.pk}/reject/", {}, headers=HX)
    assert refused.status_code == 400
    assert_no_template_source(refused.content.decode(), "reject")
    rejected = editor_client.post(
        f"/moderation/{pending.pk}/reject/",
        {f"reject-{pending.pk}-reason": "Off topic."},
        headers=HX,
    )
    assert rejected.status_code == 200
    assert_no_template_source(rejected.content.decode(), "rejected")


def test_every_page_loads_the_site_script_deferred(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r'<script src="/static/js/site\.js" defer></script>', html)


def test_no_template_has_a_comment_spread_over_lines():
    # {# … #} ends at the line's end: Django prints a multi-line one as text.
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for comment in re.findall(r"\{#.*", line):
                assert "#}" in comment, f"{path}:{number} opens {{# without closing it"
