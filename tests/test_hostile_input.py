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

from claims.models import Claim, Topic
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
    # Digits str.isdigit() takes and int() refuses: superscript two, circled one.
    "%C2%B2",
    "%E2%91%A0",
    "%C3%BC%E6%97%A5%F0%9F%98%80",
    "%FF%FE",
    "..%2F..%2Fetc%2Fpasswd",
    "../../etc/passwd",
    "%2E%2E%5C%2E%2E%5Cwindows",
    # Statements in other scripts, and none at all (issue 16: an empty slug).
    "%D0%9A%D0%BE%D1%84%D0%B5%D0%B8%D0%BD%20%D0%BF%D0%BE%D0%BB%D0%B5%D0%B7%D0%B5%D0%BD",
    "%E5%92%96%E5%95%A1%E5%9B%A0",
    "%3F%3F%3F",
    # DOIs with a zero-width space, a right-to-left override, a word joiner.
    "10.1234%2Fx%E2%80%8B%E2%80%A6",
    "10.1234%2Fab%E2%80%AEcd",
    "See%2010.1234%2Fa%E2%81%A0b%20here",
    # Markdown that takes Python-Markdown seconds: nested brackets, deep quotes.
    "%5B" * 1612 + "%5D" * 1611,
    "%3E" * 3000 + "%20x",
]
# Form charsets a browser never sends for our pages (issue 16).
CHARSETS = ["latin-1", "utf-16", "ascii", "UTF8", "utf-32", "x-no-such-charset"]
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
    # Claims whose statements hold no ASCII letter: /editors/ and the admin list them.
    for statement in ("Кофеин полезен", "咖啡因", "???"):
        Claim.objects.create(statement=statement, claim_type="causal")
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
        ours = (name or "").endswith(("_changelist", "_change", "_publish", "claims_claim_add"))
        if url.startswith("/admin/") and not ours:
            continue  # other admin pages (add, delete, history) are walked by path only
        for value in HOSTILE:
            yield "get", url + "?" + "&".join(f"{key}={value}" for key in QUERY_NAMES), None
            yield "post", url, {key: unquote(value) for key in FORM_NAMES}


def urls(valid):
    for route, _name in walk(get_resolver().url_patterns):
        yield "/" + PARAMETER.sub(
            lambda m: valid.get(m.group("name") or m.group("group"), "1"), route
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_request_with_hostile_values_gets_a_server_error(site, clients, persona):
    client: Client = clients[persona]
    client.raise_request_exception = False
    failures, count = [], 0
    for method, url, data in requests(site):
        response = client.post(url, data) if method == "post" else client.get(url)
        count += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:150]} → {response.status_code}")
    print(f"\n{persona}: {count} hostile requests, {len(failures)} server errors")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_form_in_another_charset_gets_a_400_on_every_url_pattern(site, clients, persona):
    """With any CSRF cookie and token, as a browser never sends them: refused before the
    CSRF check or any view reads the body."""
    client: Client = clients[persona]
    client.handler.enforce_csrf_checks = True
    client.raise_request_exception = False
    client.cookies["csrftoken"] = "x" * 32
    answers, count = {}, 0
    for url in urls(site):
        for charset in CHARSETS:
            for kind, body in (
                ("application/x-www-form-urlencoded", b"csrfmiddlewaretoken=" + b"x" * 32),
                ("multipart/form-data; boundary=b", MULTIPART),
            ):
                response = client.generic("POST", url, body, f"{kind}; charset={charset}")
                count += 1
                answers.setdefault(response.status_code, []).append(f"{url} {charset} {kind}")
    print(f"\n{persona}: {count} requests in other charsets, answered {sorted(answers)}")
    assert list(answers) == [400], {k: v[:5] for k, v in answers.items() if k != 400}


MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
    + b"x" * 32
    + b'\r\n--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n'
)


def upload(size: int) -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"\0" * size + b"\r\n--b--\r\n"
    )


@pytest.fixture
def temporary_files(monkeypatch):
    """Every upload Django writes to a temporary file (the name of its field)."""
    from django.core.files import uploadedfile

    written = []
    real = uploadedfile.TemporaryUploadedFile.__init__

    def record(self, name, *args, **kwargs):
        written.append(name)
        real(self, name, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", record)
    return written


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/claims/caffeine/evidence/new/"])
def test_an_anonymous_upload_is_refused_by_csrf_before_its_body_is_read(
    site, temporary_files, settings, url
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # spooled to disk above this, by default
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(url, upload(200_000), content_type="multipart/form-data; boundary=b")
    assert response.status_code == 403
    assert temporary_files == []


def test_a_form_field_with_a_nul_is_refused_by_csrf_first_when_its_token_is_missing(site):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 403  # the CSRF check, not our reading of the body


def test_a_signed_in_members_upload_is_never_stored(site, clients, temporary_files, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = clients["member"]
    response = client.post(
        "/claims/caffeine/evidence/new/",
        upload(200_000),
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 400  # the form, without its fields, is refused
    assert temporary_files == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_body_larger_than_any_page_accepts_is_refused_unread(site, clients, persona):
    client = clients[persona]
    client.raise_request_exception = False
    big = b"note=" + b"a" * 2_700_000
    for url in ("/accounts/login/", "/claims/caffeine/evidence/new/", "/admin/login/"):
        response = client.post(url, big, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413
        assert b"larger than any page of this site accepts" in response.content
