"""An editor creates a claim with a study as evidence (by a DOI the site does not know) and a
mechanism of two steps, and publishes v1, in one save of the claim's add page: no pop-up
window, at most 5 page loads and 18 fields, with Crossref answering or down."""

import pytest

from claims.models import AnalysisVersion, Claim
from evidence.models import Study
from tests.browser.axe import axe_context, axe_violations
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS, problems
from tests.factories import make_claim
from tests.fake_crossref import RECORDED, recorded_name

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
# A DOI the demo site does not know, answered by the fake Crossref with the recorded record.
NEW_DOI = "10.1080/02640414.2024.9999999"
RECORDED_DOI = "10.1080/02640414.2024.2321021"


def serve_new_doi(crossref):
    recorded = (RECORDED / "works" / recorded_name(RECORDED_DOI)).read_bytes()
    crossref.works[NEW_DOI] = recorded.replace(RECORDED_DOI.encode(), NEW_DOI.encode())


class EditorTask:
    """Counts what the editor's task costs: page loads, and fields filled or chosen."""

    def __init__(self, page):
        self.page = page
        self.loads = []
        self.fields = 0
        page.on("load", lambda loaded: self.loads.append(loaded.url))

    def fill(self, locator, value):
        locator.fill(value)
        self.fields += 1

    def choose(self, locator, value):
        locator.select_option(value)
        self.fields += 1


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def sign_in(task, url):
    page = task.page
    page.goto(url + "/accounts/login/")
    task.fill(page.get_by_label("Username"), "editor")
    task.fill(page.get_by_label("Password"), "evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")


def add_claim_with_a_new_study_and_two_steps(task, live_server, screenshot, *, crossref_down):
    """The editor's task on the claim's add page, from a DOI the site does not know."""
    page = task.page
    page.goto(live_server.url + "/admin/claims/claim/add/")
    assert no_sideways_scroll(page), "the claim's add page scrolls sideways at 1280"
    task.fill(page.get_by_label("Statement"), STATEMENT)
    task.choose(page.get_by_label("Claim type"), "interventional")
    if crossref_down:
        # The DOI typed in the row's own field (as without JavaScript).
        task.fill(page.locator("#id_evidence-0-new_doi"), f"https://doi.org/{NEW_DOI}")
        page.get_by_text("Crossref could not be reached; type the facts below.").wait_for()
        # The fields for the facts have opened.
        task.fill(page.locator("#id_evidence-0-new_title"), "Similar muscle hypertrophy")
        task.fill(page.locator("#id_evidence-0-new_authors"), "Refalo MC, Helms ER")
        task.fill(page.locator("#id_evidence-0-new_year"), "2024")
    else:
        # The DOI typed where a known study is searched: the box offers to add it.
        page.locator("#evidence-0 .select2-selection").click()
        task.fill(page.locator(".select2-search__field"), f"https://doi.org/{NEW_DOI}")
        page.locator(".select2-results__option", has_text=f"Add {NEW_DOI} from its DOI").click()
        assert page.locator("#id_evidence-0-new_doi").input_value() == NEW_DOI
        # The row shows what saving will add: Crossref's title, authors and year.
        preview = page.locator("#evidence-0 .new-study-status")
        preview.get_by_text(f"Add {NEW_DOI} from its DOI").wait_for()
        assert "Refalo MC, Helms ER" in preview.inner_text()
        assert "(2024)" in preview.inner_text()
        screenshot(page, "admin-claim-add-new-study")
    task.choose(page.locator("#id_evidence-0-new_design"), "rct")
    task.choose(page.locator("#id_evidence-0-stance"), "supports")
    task.fill(page.locator("#id_evidence-0-finding"), "Similar strength gains.")
    # The mechanism and its two steps, in the form already on the page (rank 1).
    assert page.locator("#id_mechanisms-0-rank").input_value() == "1"
    task.fill(page.locator("#id_mechanisms-0-title"), "Higher phosphocreatine stores")
    task.fill(page.locator("#id_mechanisms-0-how_it_works"), "More phosphocreatine in muscle.")
    task.fill(page.locator("#id_mechanisms-0-simple_terms"), "More fuel for hard efforts.")
    task.fill(
        page.locator("#id_mechanisms-0-new_steps"),
        f"Supplements raise muscle phosphocreatine ({NEW_DOI}).\n"
        "More phosphocreatine allows more work per set.",
    )
    task.fill(page.get_by_label("Change note"), "First analysis.")
    assert no_sideways_scroll(page), "the filled add page scrolls sideways at 1280"
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("crossref_down", [False, True], ids=["crossref-answers", "crossref-down"])
def test_an_editor_adds_a_claim_with_a_study_by_doi_and_two_steps_and_publishes_it(
    browser, live_server, demo_data, crossref, settings, screenshot, crossref_down
):
    serve_new_doi(crossref)
    if crossref_down:
        settings.CROSSREF_API_URL = "http://127.0.0.1:9"  # nothing listens there
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    popups = []
    page.on("popup", lambda popup: popups.append(popup.url))
    task = EditorTask(page)
    try:
        sign_in(task, live_server.url)
        add_claim_with_a_new_study_and_two_steps(
            task, live_server, screenshot, crossref_down=crossref_down
        )
        # No failed save: the first save made the claim and published it.
        claim = Claim.objects.get(statement=STATEMENT)
        assert page.url.endswith(f"/admin/claims/claim/{claim.pk}/change/"), page.url
        assert page.get_by_text("Published analysis v1").is_visible()
        assert no_sideways_scroll(page), "the claim's change page scrolls sideways at 1280"
        screenshot(page, "admin-claim-published" + ("-crossref-down" if crossref_down else ""))
        page.get_by_role("link", name="See the live claim page").click()
        page.wait_for_load_state()
        assert page.url == live_server.url + claim.get_absolute_url()
        assert "Higher phosphocreatine stores" in page.content()

        study = Study.objects.get(doi=NEW_DOI)
        assert study.design == "rct" and study.year == 2024
        version = AnalysisVersion.objects.get(claim=claim)
        assert version.number == 1
        assert claim.evidence.get().study == study
        mechanism = version.snapshot["mechanisms"][0]
        assert len(mechanism["steps"]) == 2
        assert mechanism["steps"][0]["citations"], "the DOI in the step's text cites the study"
        assert popups == []
        # The editor's task: sign in, add, save and publish, see the live page.
        print(f"editor task: {len(task.loads)} page loads, {task.fields} fields")
        assert len(task.loads) <= 5, task.loads
        assert task.fields <= 18, task.fields
        assert problems(page, "claim creation") == []
    finally:
        context.close()


def test_the_claim_add_page_at_1280_and_390(editor_page, live_server, screenshot):
    editor_page.goto(live_server.url + "/admin/claims/claim/add/")
    assert no_sideways_scroll(editor_page)
    screenshot(editor_page, "admin-claim-add")


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
            "/admin/claims/claim/add/",
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


@pytest.mark.parametrize("crossref_down", [False, True], ids=["crossref-answers", "crossref-down"])
def test_a_new_dois_row_has_no_accessibility_violation_at_1280_and_390(
    browser, live_server, demo_data, crossref, settings, crossref_down
):
    serve_new_doi(crossref)
    if crossref_down:
        settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(EditorTask(page), live_server.url)
        page.goto(live_server.url + "/admin/claims/claim/add/")
        page.locator("#id_evidence-0-new_doi").fill(NEW_DOI)
        status = page.locator("#evidence-0 .new-study-status")
        if crossref_down:
            status.get_by_text("Crossref could not be reached").wait_for()
            assert page.locator("#id_evidence-0-new_title").is_visible()
        else:
            status.get_by_text(f"Add {NEW_DOI} from its DOI").wait_for()
        found = []
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            assert no_sideways_scroll(page), width
            found += [f"{width}: {v}" for v in axe_violations(page)]
        assert found == [], "\n".join(found)
    finally:
        context.close()
