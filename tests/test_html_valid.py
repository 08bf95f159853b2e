"""The Nu HTML Checker finds no error in any page or htmx fragment readers, members or editors
are served (issue 19).

vnu.jar comes from npm (`vnu-jar`, pinned in package.json and package-lock.json; `make test`
installs it beside axe-core) and runs on Java. All pages are written to files and checked in
one run of the checker: starting Java once per page would cost seconds each. Fragments are
wrapped in a minimal document, so that only their own markup is judged. Warnings are printed
(`pytest -s` or on failure), errors fail the test. Without Java or vnu.jar the test skips
locally; CI sets REQUIRE_BROWSER=1 so that it fails instead.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from claims.models import Claim
from evidence.choices import Stance
from evidence.models import Submission
from tests.conftest import require
from tests.factories import make_submission
from tests.test_admin_claim_editing import claim_data

VNU = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
HX = {"HX-Request": "true"}
REFERENCE = "quadriceps-proximity-to-failure"

FRAGMENT_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Fragment</title></head><body><main>{}</main></body></html>"
)


def java() -> str:
    found = shutil.which("java")
    if not found:
        require(
            "REQUIRE_BROWSER",
            "Java not found: the HTML checker needs it (apt-get install default-jre-headless)",
        )
    if not VNU.exists():
        require("REQUIRE_BROWSER", f"vnu.jar not found at {VNU} (make test installs it)")
    return found


def check(documents: dict[str, str], tmp_path) -> tuple[list[str], list[str]]:
    """Errors and warnings for each named document, one line each."""
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        [
            java(),
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, sorted(tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors, warnings = [], []
    for message in messages:
        url = message.get("url", "?")
        name = files.get(url.rsplit("/", 1)[-1], url)
        extract = " ".join(message.get("extract", "").split())
        line = f"{name} line {message.get('lastLine', '?')}: {message['message']} — {extract}"
        if message["type"] == "info":
            if message.get("subType") == "warning":
                warnings.append(line)
        else:  # "error" and "non-document-error"
            errors.append(line)
    return errors, warnings


def served(client, url, *, headers=None, data=None, status=200):
    """The HTML a URL answers with; a fragment is wrapped in a minimal document."""
    if data is None:
        response = client.get(url, headers=headers or {})
    else:
        response = client.post(url, data, headers=headers or {})
    assert response.status_code == status, f"{url} answered {response.status_code}"
    html = response.content.decode()
    if re.match(r"\s*<!DOCTYPE html>", html, re.I):
        return html
    return FRAGMENT_PAGE.format(html)


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)
    claim = Claim.objects.get(slug=REFERENCE)
    return claim


def signed_in(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def reader_documents(demo):
    client = Client()
    detail = demo.get_absolute_url()
    check_key = re.search(r"\?check=([\w-]+)", client.get(detail).content.decode())[1]
    other = Claim.objects.exclude(pk=demo.pk).published().first()
    topic = demo.topics.first()
    pages = {
        "home": served(client, "/"),
        "home, htmx": served(client, "/", headers=HX),
        "search": served(client, "/?q=creatine"),
        "search, htmx": served(client, "/?q=creatine", headers=HX),
        "search without results": served(client, "/?q=zzzzqqq"),
        "topic": served(client, f"/?topic={topic.slug}"),
        "claim": served(client, detail),
        "other claim": served(client, other.get_absolute_url()),
        # A forest plot (SVG) with a pooled estimate and its table.
        "claim with effect sizes": served(client, "/claims/heavy-loads-maximal-strength/"),
        "sensitivity check": served(client, f"{detail}?check={check_key}"),
        "sensitivity check, htmx": served(client, f"{detail}?check={check_key}", headers=HX),
        "version 1": served(client, f"{detail}v/1/"),
        "history": served(client, f"{detail}history/"),
        "study": served(client, f"/studies/{demo.evidence.first().study.doi}/"),
        "sign in": served(client, "/accounts/login/"),
        "sign up": served(client, "/accounts/signup/"),
        "password reset": served(client, "/accounts/password_reset/"),
        "not found": served(client, "/claims/no-such-claim/", status=404),
    }
    pages["compare, pick, htmx"] = served(client, f"{detail}compare/?a=1&b=2", headers=HX)
    pages["compare"] = served(client, f"{detail}compare/1/2/")
    pages["compare, htmx"] = served(client, f"{detail}compare/1/2/", headers=HX)
    return pages


def member_documents(demo):
    client = signed_in("member")
    submit = f"/claims/{demo.slug}/evidence/new/"
    facts = submit + "study-facts/"
    known = demo.evidence.first().study.doi
    data = {"doi": "10.5555/new.study", "stance": Stance.SUPPORTS, "note": "Found an effect."}
    pages = {
        "home, member": served(client, "/"),
        "claim, member": served(client, demo.get_absolute_url()),
        "submission form": served(client, submit + "?stance=supports"),
        "submission form, htmx": served(client, submit + "?stance=supports", headers=HX),
        "study facts, unknown DOI": served(client, facts + "?doi=10.5555/new", headers=HX),
        "study facts, known DOI": served(client, facts + f"?doi={known}", headers=HX),
        "submission refused": served(client, submit, data={**data, "title": ""}, status=400),
        "submission refused, htmx": served(
            client, submit, data={**data, "title": ""}, headers=HX, status=400
        ),
    }
    complete = {**data, "title": "T", "authors": "Roe R", "year": "2024", "design": "rct"}
    pages["submission done, htmx"] = served(client, submit, data=complete, headers=HX, status=201)
    pages["my submissions"] = served(client, "/accounts/submissions/")
    pages["follow, htmx"] = served(
        client, f"/claims/{demo.slug}/follow/", data={}, headers=HX, status=200
    )
    pages["following"] = served(client, "/accounts/following/")
    return pages


def editor_documents(demo):
    client = signed_in("editor")
    pending = Submission.objects.pending().first()
    study = demo.evidence.first().study
    mechanism = demo.mechanisms.order_by("rank").first()
    pages = {
        "editors": served(client, "/editors/"),
        "screening": served(client, f"/editors/claims/{demo.slug}/literature/"),
        "claim, editor": served(client, demo.get_absolute_url()),
        "preview": served(client, f"{demo.get_absolute_url()}preview/"),
        "moderation": served(client, "/moderation/"),
        "moderation item": served(client, f"/moderation/{pending.pk}/"),
        "admin index": served(client, "/admin/"),
        "admin claims": served(client, "/admin/claims/claim/"),
        "admin claim": served(client, f"/admin/claims/claim/{demo.pk}/change/"),
        "admin claim, add": served(client, "/admin/claims/claim/add/"),
        "admin mechanism": served(client, f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"),
        "admin studies": served(client, "/admin/evidence/study/"),
        "admin study": served(client, f"/admin/evidence/study/{study.pk}/change/"),
        "admin study, add": served(client, "/admin/evidence/study/add/"),
        # Crossref is a closed port in tests: the row says so and asks for the facts.
        "admin new study preview, htmx": served(
            client,
            "/admin/evidence/evidence/new-study-preview/?evidence-0-new_doi=10.5555/new.doi",
            headers=HX,
        ),
        "admin claim, add refused": served(
            client,
            "/admin/claims/claim/add/",
            data=claim_data(
                evidence=[{"new_doi": "10.5555/new.doi", "stance": "supports", "finding": ""}]
            ),
        ),
    }
    reject = f"/moderation/{pending.pk}/reject/"
    pages["reject refused, htmx"] = served(client, reject, data={}, headers=HX, status=400)
    pages["rejected, htmx"] = served(
        client, reject, data={f"reject-{pending.pk}-reason": "Off topic."}, headers=HX
    )
    return pages


def test_no_page_or_fragment_has_an_html_error(demo, tmp_path):
    java()  # skip before rendering anything when the checker cannot run
    if not Submission.objects.pending().exists():
        make_submission(demo, User.objects.get(username="member"), note="A pending submission.")
    documents = {**reader_documents(demo), **member_documents(demo), **editor_documents(demo)}
    errors, warnings = check(documents, tmp_path)
    counts = f"{len(documents)} documents, {len(errors)} errors, {len(warnings)} warnings"
    print(f"\nNu HTML Checker: {counts}")
    for line in warnings:
        print("warning:", line)
    assert errors == [], "\n".join(errors)
