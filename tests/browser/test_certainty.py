"""Certainty, what would change the verdict, and the sensitivity toggles, in Chromium."""

import re

import pytest

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"
TOGGLES = {
    "Randomised trials only": ("66", "Strong Support", "The verdict holds."),
    "Low risk of bias only": ("66", "Strong Support", "The verdict holds."),
    "Studies of 30 or more people": ("0", "Insufficient Evidence", "The verdict changes"),
    "Without editor overrides": ("55", "Moderate Support", "The verdict changes"),
}


def result_of(page):
    return page.locator(".sensitivity__result")


def test_a_reader_sees_low_certainty_why_and_what_would_change_it(
    live_server, page, demo_data, screenshot
):
    page.goto(live_server.url + CLAIM)
    assert page.get_by_text("Strong Support · low certainty", exact=True).is_visible()
    reason = page.get_by_text(re.compile(r"Only 18 participants across the studies of people"))
    assert not reason.is_visible()
    page.get_by_text("Why low?").click()
    assert reason.is_visible()
    assert page.get_by_role("heading", name="What would change this verdict").is_visible()
    assert page.get_by_text(
        "One contradicting study weighing 17 to 35 (for example a cohort, case-control or "
        "cross-sectional study of fewer than 30 people at low risk of bias) would make this "
        "Moderate Support."
    ).is_visible()
    assert page.get_by_text("The verdict holds under 2 of 4 checks.").is_visible()
    screenshot(page, "claim-certainty")
    assert page.errors == []


def test_the_four_toggles_recompute_the_verdict_in_place_with_htmx(live_server, page, demo_data):
    from playwright.sync_api import expect

    page.goto(live_server.url + CLAIM)
    # Set on the window: a full page load would lose it, an htmx swap keeps it.
    page.evaluate("window.stillTheSamePage = true")
    for label, (pro, verdict, outcome) in TOGGLES.items():
        page.get_by_role("link", name=re.compile(f"^{label}")).click()
        expect(result_of(page)).to_contain_text(f"{label}:")
        text = result_of(page).inner_text()
        assert text.startswith(f"{label}:"), text
        assert f"{pro} Pro" in text and verdict in text and outcome in text
        assert page.evaluate("window.stillTheSamePage === true")
    assert "check=no_overrides" in page.url
    page.get_by_role("link", name="Show all evidence").click()
    result_of(page).wait_for(state="detached")
    assert page.evaluate("window.stillTheSamePage === true")
    assert page.errors == []


def test_the_toggles_work_as_links_without_javascript(live_server, browser, demo_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    assert page.get_by_text("Strong Support · low certainty", exact=True).is_visible()
    page.get_by_text("Why low?").click()
    assert page.get_by_text(re.compile(r"Only 18 participants")).is_visible()
    for label, (pro, verdict, outcome) in TOGGLES.items():
        page.get_by_role("link", name=re.compile(f"^{label}")).click()
        page.wait_for_load_state()
        assert "check=" in page.url
        text = result_of(page).inner_text()
        assert text.startswith(f"{label}:") and f"{pro} Pro" in text and verdict in text
        assert outcome in text
    context.close()


def test_the_home_list_shows_certainty_on_every_card_and_filters_by_it(
    live_server, page, demo_data, screenshot
):
    page.goto(live_server.url + "/")
    cards = page.locator(".claim-card")
    assert cards.count() == 10
    assert page.locator(".claim-card .verdict__certainty").count() == 10
    page.get_by_role("navigation", name="Certainty").get_by_role("link", name="High").click()
    page.wait_for_load_state()
    assert cards.count() == 2
    assert page.get_by_role("heading", level=1).inner_text() == "2 claims at high certainty"
    screenshot(page, "home-certainty")
    assert page.errors == []
