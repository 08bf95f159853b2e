"""Every URL of the site, with hostile values in each parameter, as each persona: never a 5xx.

The URL patterns are walked with Django's resolver, so a page added later is covered without
touching this test. Each parameter in turn gets each hostile value while the others stay
valid, so the request reaches as far into the view as it can.
"""

import re
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims.models import Topic
from tests.conftest import PERSONAS
from tests.factories import (
    make_evidence,
    make_mechanism,
    make_published_claim,
    make_study,
    make_submission,
    publish,
)

# As they appear in a URL (already percent-encoded where needed).
HOSTILE = [
    "%00",
    "x%00y",
    "%2500",
    "x%01y",
    "%0D%0ASet-Cookie:%20x=1",
    "%7F",
    "a" * 10_000,
    "9" * 30,
    "18446744073709551616",
    "-1",
    "-9223372036854775809",
    "0",
    "%C3%BC%E6%97%A5%F0%9F%98%80",
    "%FF%FE",
    "..%2F..%2Fetc%2Fpasswd",
    "../../etc/passwd",
    "%2E%2E%5C%2E%2E%5Cwindows",
]
QUERY_NAMES = [
    "q", "topic", "page", "a", "b", "stance", "doi", "title", "next", "p", "o", "e",
    "year__exact", "at__year", "at__month", "created_at__year", "created_at__month",
]  # fmt: skip
FORM_NAMES = [
    "username", "password", "email", "password1", "password2", "doi", "stance", "note",
    "title", "authors", "journal", "year", "design", "sample_size", "change_note", "reason",
    "statement", "slug", "weight_override", "next",
]  # fmt: skip
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^()]*\)")


def walk(patterns, prefix=""):
    """Every URL pattern as (route with <converter:name> or (?P<name>…) parts, name)."""
    for entry in patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.name


@pytest.fixture
def site(db, editor, member):
    claim = make_published_claim(slug="caffeine", statement="Caffeine helps endurance.")
    study = make_study(doi="10.5555/hostile.1")
    make_evidence(claim, study)
    make_mechanism(claim, cite=[study])
    topic = Topic.objects.create(name="Sport", slug="sport")
    claim.topics.add(topic)
    publish(claim)
    make_evidence(claim, make_study(doi="10.5555/hostile.2", sample_size=400))
    publish(claim, note="Second.")
    submission = make_submission(claim, member)
    return {
        "slug": claim.slug,
        "number": "1",
        "a": "1",
        "b": "2",
        "doi": study.doi,
        "pk": str(submission.pk),
        "object_id": str(claim.pk),
        "app_label": "claims",
        "content_type_id": "1",
        "url": "claims/",
        "uidb64": "MQ",
        "token": "set-password",
        "user_id": str(User.objects.get(username="mia").pk),
        "id": str(claim.pk),
    }


def requests(valid):
    """(method, url, form data) for every pattern: its valid URL, each parameter with each
    hostile value, and the valid URL with hostile query strings and form fields."""
    for route, name in walk(get_resolver().url_patterns):
        parameters = [m.group("name") or m.group("group") for m in PARAMETER.finditer(route)]

        def fill(hostile_name=None, value=None, route=route):
            def replace(match):
                key = match.group("name") or match.group("group")
                return value if key == hostile_name else valid.get(key, "1")

            return "/" + PARAMETER.sub(replace, route)

        url = fill()
        yield "get", url, None
        for parameter in parameters:
            for value in HOSTILE:
                yield "get", fill(parameter, value), None
        ours = (name or "").endswith(("_changelist", "_change", "_publish"))
        if url.startswith("/admin/") and not ours:
            continue  # other admin pages (add, delete, history) are walked by path only
        for value in HOSTILE:
            yield "get", url + "?" + "&".join(f"{key}={value}" for key in QUERY_NAMES), None
            yield "post", url, {key: unquote(value) for key in FORM_NAMES}


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_request_with_hostile_values_gets_a_server_error(site, clients, persona):
    client: Client = clients[persona]
    client.raise_request_exception = False
    failures = []
    for method, url, data in requests(site):
        response = client.post(url, data) if method == "post" else client.get(url)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:150]} → {response.status_code}")
    assert not failures, "\n".join(failures)
