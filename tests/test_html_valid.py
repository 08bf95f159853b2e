"""The Nu HTML Checker finds no error in any page or htmx fragment readers, members or editors
are served (issue 19): every visit listed in tests/site_pages.py.

vnu.jar comes from npm (`vnu-jar`, pinned in package.json and package-lock.json; `make test`
installs it beside axe-core) and runs on Java. All pages are written to files and checked in
one run of the checker: starting Java once per page would cost seconds each. Fragments are
wrapped in a minimal document, so that only their own markup is judged. Warnings are printed
(`pytest -s` or on failure), errors fail the test. Without Java or vnu.jar the test skips
locally; CI sets REQUIRE_BROWSER=1 so that it fails instead.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.conftest import require
from tests.site_pages import (
    ACCOUNTS,
    VISITS,
    Visit,
    fragment_document,
    is_document,
    reference_claim,
)

VNU = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
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


def served(client, visit: Visit) -> str:
    """The HTML a visit is answered with; a fragment is wrapped in a minimal document."""
    if visit.data is None:
        response = client.get(visit.url, headers=visit.headers)
    else:
        response = client.post(visit.url, visit.data, headers=visit.headers)
    assert response.status_code == visit.status, f"{visit.url} answered {response.status_code}"
    html = response.content.decode()
    return html if is_document(html) else fragment_document(visit.name, html)


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)
    return reference_claim()


def test_no_page_or_fragment_has_an_html_error(demo, tmp_path):
    java()  # skip before rendering anything when the checker cannot run
    documents = {}
    for persona, visits in VISITS.items():
        client = Client()
        if ACCOUNTS[persona]:
            client.force_login(User.objects.get(username=ACCOUNTS[persona]))
        for visit in visits(demo):
            assert visit.name not in documents, f"two visits are named {visit.name!r}"
            documents[visit.name] = served(client, visit)
    errors, warnings = check(documents, tmp_path)
    counts = f"{len(documents)} documents, {len(errors)} errors, {len(warnings)} warnings"
    print(f"\nNu HTML Checker: {counts}")
    for line in warnings:
        print("warning:", line)
    assert errors == [], "\n".join(errors)
