"""An editor creates a claim with a study as evidence and a mechanism of two steps, and
publishes v1, on the claim's own admin page: no pop-up window, a handful of page loads."""

import pytest

from claims.models import AnalysisVersion, Claim
from tests.browser.axe import axe_context, axe_violations
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS, problems
from tests.factories import make_claim

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(browser, live_server, demo_data):
    """The demo editor, signed in, on a page that records policy violations and errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    yield page
    context.close()


STATEMENT = "Creatine monohydrate increases maximal strength in trained adults"


def test_an_editor_creates_and_publishes_a_whole_claim_from_one_screen(
    live_server, editor_page, screenshot
):
    page = editor_page
    popups = []
    page.on("popup", lambda popup: popups.append(popup.url))
    loads = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    admin = live_server.url + "/admin/"

    page.goto(admin + "claims/claim/add/")
    page.get_by_label("Statement").fill(STATEMENT)
    page.get_by_label("Claim type").select_option("interventional")
    # The study, picked by typing part of its DOI into the autocomplete.
    page.locator("#evidence-group .select2-selection").first.click()
    page.locator(".select2-search__field").fill("10.1080/02640414")
    page.locator(".select2-results__option", has_text="10.1080/02640414.2024.2321021").click()
    page.locator("#id_evidence-0-stance").select_option("supports")
    # The mechanism, in the form already on the page: its rank is already 1.
    assert page.locator("#id_mechanisms-0-rank").input_value() == "1"
    page.locator("#id_mechanisms-0-title").fill("Higher phosphocreatine stores")
    page.locator("#id_mechanisms-0-how_it_works").fill("More phosphocreatine in muscle.")
    page.locator("#id_mechanisms-0-simple_terms").fill("More fuel for hard efforts.")
    screenshot(page, "admin-claim-add")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state()

    # Steps are one click away, on the mechanism's page, which comes back to the claim.
    page.get_by_role("link", name="Add the causal steps").click()
    assert page.locator("#id_steps-0-order").input_value() == "1"
    assert page.locator("#id_steps-1-order").input_value() == "2"
    page.locator("#id_steps-0-text").fill(
        "Supplements raise muscle phosphocreatine (10.1080/02640414.2024.2321021)."
    )
    page.locator("#id_steps-1-text").fill("More phosphocreatine allows more work per set.")
    page.locator("#id_steps-1-support_override").select_option("limited")
    page.locator("#id_steps-1-support_override_reason").fill("Plausible from how muscle uses it.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    claim = Claim.objects.get(statement=STATEMENT)
    assert page.url.endswith(f"/admin/claims/claim/{claim.pk}/change/")

    page.get_by_label("Change note").fill("First analysis.")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_load_state()
    screenshot(page, "admin-claim-published")
    page.get_by_role("link", name="See the live claim page").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + claim.get_absolute_url()
    assert "Higher phosphocreatine stores" in page.content()

    version = AnalysisVersion.objects.get(claim=claim)
    assert version.number == 1
    mechanism = version.snapshot["mechanisms"][0]
    assert len(mechanism["steps"]) == 2
    assert mechanism["steps"][0]["citations"], "the DOI in the step's text cites the study"
    assert popups == []
    assert len(loads) <= 7, loads
    assert problems(page, "claim creation") == []


def test_the_editors_page_lists_what_needs_attention(editor_page, screenshot):
    page = editor_page
    waiting = make_claim(statement="Stretching before running prevents injuries")
    page.get_by_role("link", name="Editors").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="What needs an editor").is_visible()
    assert page.get_by_role("link", name=waiting.statement).is_visible()
    screenshot(page, "editors-page")
    assert problems(page, "editors page") == []


def test_the_editors_page_and_the_admin_pages_editors_use_have_no_accessibility_violation(
    browser, live_server, demo_data
):
    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("evidence-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url + "/")
        make_claim(statement="Stretching before running prevents injuries")
        claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
        found = []
        mechanism = claim.mechanisms.order_by("rank").first()
        for path in (
            "/editors/",
            f"/admin/claims/claim/{claim.pk}/change/",
            f"/admin/mechanisms/mechanism/{mechanism.pk}/change/?_return_to=/admin/",
            f"/admin/evidence/study/{claim.evidence.first().study_id}/change/",
            "/admin/evidence/study/add/",
        ):
            page.goto(live_server.url + path)
            found += [f"{path}: {v}" for v in axe_violations(page)]
        assert found == [], "\n".join(found)
    finally:
        context.close()
