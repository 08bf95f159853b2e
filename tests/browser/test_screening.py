"""An editor screens the studies watching the literature found on the reference claim."""

import re

import pytest

from tests.browser.axe import axe_context, axe_violations

pytestmark = pytest.mark.browser

SCREENING = "/editors/claims/quadriceps-proximity-to-failure/literature/"
CLAIM = "/claims/quadriceps-proximity-to-failure/"


def log_in_editor(context, base_url, next_url):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")
    return page


def test_an_editor_screens_three_studies_and_readers_see_the_result(
    live_server, browser, demo_data, screenshot
):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    desk = log_in_editor(context, live_server.url, "/editors/")
    expect(desk.get_by_text("New studies to screen: 3.")).to_be_visible()
    desk.get_by_role("link", name=re.compile("3 new studies")).click()
    desk.wait_for_url(f"**{SCREENING}")
    cards = desk.locator(".candidate")
    assert cards.count() == 3
    # Ranked in the open: the meta-analysis first, with its reason.
    meta = cards.nth(0)
    expect(meta).to_contain_text("systematic review and meta-analysis")
    expect(meta).to_contain_text("Meta-analysis (from the title)")
    assert axe_violations(desk) == []
    screenshot(desk, "living-screening")

    # Add the meta-analysis as contradicting: the design is filled in from the title.
    expect(meta.get_by_label("Study design")).to_have_value("meta_analysis")
    meta.get_by_label("Sample size").fill("318")
    meta.get_by_role("button", name="Add as contradicting").click()
    expect(desk.locator(".queue-item--done").first).to_contain_text(
        "as contradicting: published analysis v3"
    )

    # Dismiss the survey with a reason, from the keyboard.
    survey = desk.locator(".candidate", has_text="online survey")
    survey.get_by_label("Why not relevant").focus()
    survey.get_by_label("Why not relevant").select_option("not_a_study")
    desk.keyboard.press("Tab")
    desk.keyboard.press("Enter")
    expect(desk.locator(".queue-item--done", has_text="will not come back")).to_be_visible()
    assert desk.errors == []

    # The trial is left waiting. Readers see the count and the history says where it came from.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(f"{live_server.url}{CLAIM}")
    expect(
        reader.get_by_text(re.compile("Literature checked .* · 1 new study being screened"))
    ).to_be_visible()
    screenshot(reader, "living-claim")
    reader.goto(f"{live_server.url}{CLAIM}history/")
    expect(reader.get_by_text(re.compile("found by watching the literature"))).to_be_visible()
    expect(reader.get_by_text("Analysis v3")).to_be_visible()
    context.close()


def test_without_javascript_the_decisions_are_plain_forms(live_server, browser, demo_data):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    desk = log_in_editor(context, live_server.url, SCREENING)
    trial = desk.locator(".candidate", has_text="within-subject randomized")
    trial.get_by_role("button", name="Later").click()
    desk.wait_for_url(f"**{SCREENING}")
    expect(desk.get_by_text(re.compile("moved to the end"))).to_be_visible()
    expect(desk.locator(".candidate").last).to_contain_text("within-subject randomized")
    context.close()
