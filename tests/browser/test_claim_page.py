import re

import pytest

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def test_a_reader_opens_the_demo_claim_and_expands_read_more(
    live_server, page, demo_data, screenshot
):
    page.goto(live_server.url + CLAIM)
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Different muscles in the front of the thigh")
    )
    lead = page.locator("details.lead").first
    full_text = lead.locator(".lead__full")
    assert not full_text.is_visible()
    page.get_by_text("Read more").first.click()
    assert full_text.is_visible()
    assert "rectus femoris" in full_text.inner_text()
    assert page.get_by_text("Show less").first.is_visible()
    assert page.get_by_role("heading", name="Evidence from Studies").is_visible()
    assert page.get_by_role("heading", name="Supporting (1)").is_visible()
    screenshot(page, "claim")
    assert page.errors == []


def test_the_home_and_study_pages_render_without_console_errors(
    live_server, page, demo_data, screenshot
):
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name=re.compile("Different muscles in the front")).is_visible()
    screenshot(page, "home")
    page.goto(live_server.url + "/studies/10.1080/02640414.2024.2321021/")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Similar muscle hypertrophy")
    )
    assert page.get_by_role("link", name="10.1080/02640414.2024.2321021").get_attribute("href") == (
        "https://doi.org/10.1080/02640414.2024.2321021"
    )
    screenshot(page, "study")
    assert page.errors == []


def test_read_more_opens_without_javascript(live_server, browser, demo_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    page.get_by_text("Read more").first.click()
    assert page.locator("details.lead .lead__full").first.is_visible()
    context.close()


def test_a_reader_opens_the_history_then_v1_then_compares_v1_with_v2(
    live_server, page, demo_data, screenshot
):
    page.goto(live_server.url + CLAIM)
    page.get_by_role("link", name="Analysis v2").click()
    page.wait_for_url("**/history/")
    assert page.get_by_role("heading", name="History of the analysis").is_visible()
    assert page.get_by_role("heading", name="Analysis v1").is_visible()
    screenshot(page, "history")

    page.get_by_role("link", name="View v1").click()
    page.wait_for_url("**/v/1/")
    assert page.get_by_text("You are viewing analysis v1 of 2").is_visible()
    screenshot(page, "version-1")

    page.go_back()
    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    comparison = page.locator("#comparison")
    comparison.get_by_text("Added mechanism").wait_for()
    assert comparison.get_by_text("Support level changed").is_visible()
    assert "/compare/1/2/" in page.url  # htmx pushed the comparison's own address
    screenshot(page, "compare")
    assert page.errors == []


def test_the_compare_form_works_without_javascript(live_server, browser, demo_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + CLAIM + "history/")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/1/2/")
    assert page.get_by_role("heading", name="What changed from v1 to v2").is_visible()
    context.close()
