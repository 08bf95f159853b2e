"""The reference claim on a phone: what matters is above the fold, nothing spills sideways."""

import pytest

from tests.browser.axe import axe_context, axe_violations

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def test_a_phone_shows_the_verdict_tallies_and_the_way_to_the_evidence_first(
    live_server, browser, demo_data, screenshot
):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    for locator in (
        page.locator(".claim-header .verdict"),
        page.locator(".claim-header .verdict__certainty"),
        page.locator(".claim-header .headline-sentence"),
        page.locator(".tally--pro"),
        page.locator(".tally--against"),
        page.get_by_role("link", name="Jump to the evidence"),
    ):
        box = locator.bounding_box()
        assert box and box["y"] + box["height"] <= 844, locator
    # The header is one row; the search folds behind a button and opens without a script.
    assert page.locator(".site-header").bounding_box()["height"] < 70
    expect(page.get_by_label("Search claims")).to_be_hidden()
    page.locator(".site-search-fold__button").click()
    expect(page.get_by_label("Search claims")).to_be_visible()
    # Nothing is wider than the screen (long DOIs wrap).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Jump to the evidence").click()
    assert page.url.endswith("#evidence-heading")
    assert axe_violations(page) == []
    context.close()


def test_a_long_chain_folds_after_three_steps_and_names_a_shared_study_once(
    live_server, browser, demo_data
):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    primary = page.locator(".mechanism--primary")
    steps = primary.locator(".chain__step")
    expect(steps.nth(2)).to_be_visible()
    expect(steps.nth(3)).to_be_hidden()
    more = primary.get_by_text("Show all 5 steps")
    # The one study of the demo is cited by every step: named once, for the chain.
    expect(primary.locator(".citations--chain")).to_have_text(
        "Every step cites: Refalo et al., 2024"
    )
    assert primary.locator(".chain__step .citations").count() == 0
    assert axe_violations(page) == []
    more.click()
    expect(steps.nth(4)).to_be_visible()
    assert axe_violations(page) == []
    context.close()


def test_the_search_works_without_javascript_on_a_phone(live_server, browser, demo_data):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    page.locator(".site-search-fold__button").click()
    page.get_by_label("Search claims").fill("quadriceps")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("main")).to_contain_text("Different muscles")
    context.close()
