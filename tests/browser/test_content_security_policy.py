"""Every page works under the Content-Security-Policy: no violation, no console error."""

import pytest

from claims.models import Claim
from claimsite.csp import HEADER
from evidence.models import Study
from mechanisms.models import Mechanism

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"

# Runs before any script of each page: records every violation the browser reports.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def visitor(browser, live_server):
    """Opens pages in a context of its own and collects violations and console errors."""
    contexts = []

    def open_as(username=None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        if username:
            page.goto(live_server.url + "/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill("evidence-demo")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(live_server.url + "/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def visit(page, url, *, status=200):
    """Open `url` and return what went wrong there: CSP violations and console errors."""
    response = page.goto(url)
    assert response.status == status, url
    assert response.headers["content-security-policy"] == HEADER
    page.wait_for_load_state("networkidle")
    return problems(page, url)


def problems(page, url):
    found = [f"{url}: {text}" for text in page.evaluate("window.cspViolations")]
    found += [f"{url}: {text}" for text in page.problems]
    page.problems.clear()
    page.evaluate("window.cspViolations.length = 0")
    return found


def test_reader_pages_raise_no_policy_violation(live_server, demo_data, visitor, screenshot):
    page = visitor()
    study = Study.objects.get(doi="10.1080/02640414.2024.2321021")
    topic = Claim.objects.get(slug="quadriceps-proximity-to-failure").topics.first()
    found = []
    for path in (
        "/",
        "/?q=muscle",
        f"/?topic={topic.slug}",
        CLAIM,
        CLAIM + "v/1/",
        CLAIM + "history/",
        CLAIM + "compare/1/2/",
        f"/studies/{study.doi}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ):
        found += visit(page, live_server.url + path)
    # htmx: the comparison picker swaps in the comparison.
    page.goto(live_server.url + CLAIM + "history/")
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    page.locator("#comparison").get_by_text("Added mechanism").wait_for()
    found += problems(page, "the comparison swapped in by htmx")
    screenshot(page, "csp-compare")

    found += visit(page, live_server.url + "/no-such-page/", status=404)
    # The browser logs the 404 status itself; that is the page working as meant.
    found = [text for text in found if "status of 404" not in text]
    assert found == []


def test_member_pages_and_the_inline_form_raise_no_policy_violation(
    live_server, demo_data, visitor
):
    page = visitor("member")
    found = visit(page, live_server.url + CLAIM)
    contradicting = page.locator("#contribute-contradicts")
    contradicting.get_by_role("link", name="Community contributions welcome").click()
    form = contradicting.locator("form")
    form.wait_for()
    # Bad input comes back with HTTP 400 and the form, swapped in place by htmx.
    form.get_by_role("button", name="Submit evidence").click()
    contradicting.locator(".errorlist, [role=alert], .field-error").first.wait_for()
    found += [text for text in problems(page, "inline form") if "status of 400" not in text]
    found += visit(page, live_server.url + CLAIM + "evidence/new/?stance=supports")
    found += visit(page, live_server.url + "/accounts/submissions/")
    assert found == []


def test_admin_pages_editors_use_raise_no_policy_violation(
    live_server, demo_data, visitor, screenshot
):
    page = visitor("editor")
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    study = Study.objects.get(doi="10.1080/02640414.2024.2321021")
    mechanism = Mechanism.objects.filter(claim=claim).first()
    admin = live_server.url + "/admin/"
    found = []
    for path in (
        "",
        "claims/claim/",
        f"claims/claim/{claim.pk}/change/",
        "claims/claim/add/",
        f"claims/claim/{claim.pk}/publish/",
        "claims/analysisversion/",
        "evidence/study/",
        f"evidence/study/{study.pk}/change/",
        "evidence/submission/",
    ):
        found += visit(page, admin + path)
    screenshot(page, "csp-admin-submissions")

    # Inline rows are added by the admin's scripts from a hidden template row.
    page.goto(admin + "claims/claim/add/")
    inline_rows = page.locator("[class*=dynamic-]")
    rows_before = inline_rows.count()
    page.locator(".add-row a").first.click()
    assert inline_rows.count() == rows_before + 1
    found += problems(page, "claim add: another inline row")

    # The autocomplete widget (select2) builds its dropdown in script and fetches results.
    found += visit(page, admin + f"mechanisms/mechanism/{mechanism.pk}/change/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    found += problems(page, "mechanism change: autocomplete")
    screenshot(page, "csp-admin-mechanism")
    assert found == []
