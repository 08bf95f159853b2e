"""A strict Content-Security-Policy on every response."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from claimsite.csp import HEADER
from tests.factories import make_published_claim


def directives(response):
    policy = response["Content-Security-Policy"]
    return dict((part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize(
    "path", ["/", "/claims/{slug}/", "/claims/no-such-claim/", "/accounts/login/", "/admin/"]
)
def test_every_response_carries_the_policy(client, db, path):
    claim = make_published_claim()
    response = client.get(path.format(slug=claim.slug))
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_the_policy_allows_nothing_inline_and_nothing_evaluated():
    assert "unsafe-inline" not in HEADER
    assert "unsafe-eval" not in HEADER


def test_htmx_fragments_and_redirects_carry_the_policy_too(member_client):
    claim = make_published_claim()
    fragment = member_client.get(
        f"/claims/{claim.slug}/evidence/new/?stance=supports", HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert fragment["Content-Security-Policy"] == HEADER
    redirect = Client().get("/accounts/submissions/")
    assert redirect.status_code == 302
    assert redirect["Content-Security-Policy"] == HEADER


def test_the_server_error_page_has_no_inline_style():
    html = render_to_string("500.html")
    assert "style=" not in html and "<style" not in html
    assert "/static/css/site.css" in html


def test_htmx_is_told_not_to_inject_its_indicator_styles(client, db):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html
