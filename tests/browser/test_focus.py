"""After an htmx swap, keyboard focus lands on the new content, and the moderation count follows."""

import re

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def log_in(context, base_url, username, next_url):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**" + next_url)
    return page


def test_focus_follows_the_inline_submission_form(live_server, browser, demo_data, screenshot):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, live_server.url, "member", CLAIM)
    column = page.locator("#contribute-supports")
    column.get_by_role("link", name="Community contributions welcome").click()
    # Opening the form: focus on its first field, not left behind on <body>.
    expect(column.get_by_label("DOI")).to_be_focused()

    # Bad input: focus on the field whose message says what is wrong.
    page.keyboard.type("10.12/not-a-doi")
    column.get_by_role("button", name="Submit evidence").click()
    column.locator("#id_doi-error").wait_for()
    expect(column.get_by_label("DOI")).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".evidence-column--supports").screenshot(
        path=str(SCREENSHOTS / "inline-form-focus.png")
    )

    # Accepted: focus on the message saying so.
    column.get_by_label("DOI").fill("https://doi.org/10.5555/Focus.Test.")
    column.get_by_label("Supports").check()
    column.get_by_label("Note").fill("A trial that bears on the claim.")
    column.get_by_label("Title").fill("A focused trial")
    column.get_by_label("Authors").fill("Roe R")
    column.get_by_label("Year").fill("2025")
    column.get_by_label("Study design").select_option("rct")
    column.get_by_role("button", name="Submit evidence").click()
    done = column.get_by_role("status").filter(has_text="Your submission is pending review")
    expect(done).to_be_focused()
    # The refused submission's 400 is logged by the browser; nothing else may be.
    assert [error for error in page.errors if "status of 400" not in error] == []
    context.close()


def test_the_standalone_form_page(live_server, browser, demo_data, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, live_server.url, "member", CLAIM)
    page.goto(live_server.url + CLAIM + "evidence/new/?stance=supports")
    assert page.get_by_role("heading", level=1).inner_text() == "Submit evidence"
    assert page.get_by_role("heading", level=2).inner_text() == "Submit a study"
    assert page.get_by_role("textbox", name=re.compile(r"^DOI \(required\)")).is_visible()
    screenshot(page, "submission-form")
    assert page.errors == []
    context.close()


def test_focus_and_the_count_follow_moderation_in_place(
    live_server, browser, demo_data, screenshot
):
    from django.contrib.auth.models import User
    from playwright.sync_api import expect

    from claims.models import Claim
    from tests.factories import make_submission

    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    member = User.objects.get(username="member")
    first = make_submission(claim, member, doi="10.5555/focus.one", title="First to review")
    second = make_submission(claim, member, doi="10.5555/focus.two", title="Second to review")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = log_in(context, live_server.url, "editor", "/moderation/")
    count = desk.locator("#moderation-count")
    expect(count).to_have_text("2 pending")

    item = desk.locator(f"#submission-{first.pk}")
    item.get_by_label("Reason", exact=True).fill("Not about this claim.")
    item.get_by_role("button", name="Reject").click()
    result = desk.locator(f"#submission-{first.pk}")
    expect(result).to_have_text(re.compile("Rejected 10.5555/focus.one"))
    expect(result).to_be_focused()
    expect(count).to_have_text("1 pending")
    rejected_colour = result.evaluate("e => getComputedStyle(e).borderLeftColor")

    item = desk.locator(f"#submission-{second.pk}")
    item.get_by_label("Authors").fill("Example A")
    item.get_by_role("button", name="Approve").click()
    result = desk.locator(f"#submission-{second.pk}")
    expect(result).to_have_text(re.compile("Approved 10.5555/focus.two"))
    expect(result).to_be_focused()
    expect(count).to_have_text("0 pending")
    # A rejection does not look like an approval.
    assert result.evaluate("e => getComputedStyle(e).borderLeftColor") != rejected_colour
    screenshot(desk, "moderation-after-approve")
    assert desk.errors == []
    context.close()


def test_focus_goes_to_the_result_of_a_sensitivity_toggle_and_back(live_server, page, demo_data):
    from playwright.sync_api import expect

    page.goto(live_server.url + CLAIM)
    page.get_by_role("link", name=re.compile("^Randomised trials only")).focus()
    page.keyboard.press("Enter")
    result = page.locator(".sensitivity__result")
    expect(result).to_contain_text("Randomised trials only:")
    # Not dropped to <body>: on the result, and the next toggle is a few Tabs away.
    expect(result).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('toggle')")

    page.get_by_role("link", name="Show all evidence").focus()
    page.keyboard.press("Enter")
    result.wait_for(state="detached")
    section = page.locator("#sensitivity")
    expect(section).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('toggle')")
    assert page.errors == []


def test_a_standalone_form_with_errors_starts_with_a_summary_linking_to_each_field(
    live_server, browser, demo_data, screenshot
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = log_in(context, live_server.url, "member", CLAIM)
    page.goto(live_server.url + CLAIM + "evidence/new/")
    expect(page.get_by_label("DOI")).to_be_focused()
    with page.expect_navigation():
        page.evaluate("document.querySelector('form.submission-form').submit()")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text("problems with your submission")
    links = summary.get_by_role("link")
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert any(name.startswith("DOI:") for name in names), names
    assert any(name.startswith("Stance:") for name in names), names
    assert any(name.startswith("Note:") for name in names), names
    summary.get_by_role("link", name=re.compile("^Note:")).click()
    expect(page.get_by_label("Note")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^DOI:")).click()
    expect(page.get_by_label("DOI")).to_be_focused()
    screenshot(page, "submission-form-errors")
    assert [error for error in page.errors if "status of 400" not in error] == []
    context.close()
