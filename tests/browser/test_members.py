"""A reader who wants to contribute signs up and comes back to the form; the form refuses a
study that is already evidence as soon as its DOI is typed; the member's submissions page."""

import re

import pytest

from tests.browser.axe import axe_context, axe_violations

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"
KNOWN_DOI = "10.1080/02640414.2024.2321021"


def watch(page):
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def test_a_reader_signs_up_from_the_evidence_column_and_returns_to_the_form(
    live_server, browser, demo_data, screenshot
):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page())
    page.goto(live_server.url + CLAIM)
    column = page.locator("#contribute-supports")
    expect(column).to_contain_text("Community contributions welcome")
    column.get_by_role("link", name=re.compile("Submit a supporting study")).click()

    page.wait_for_url("**/accounts/signup/**")
    assert (
        page.get_by_role("link", name="Log in")
        .last.get_attribute("href")
        .startswith("/accounts/login/?next=/claims/quadriceps-proximity-to-failure/evidence/new/")
    )
    assert axe_violations(page) == []
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()

    # Back at the form they chose, welcomed by name, the stance already chosen.
    page.wait_for_url(
        re.compile(r"/claims/quadriceps-proximity-to-failure/evidence/new/\?stance=supports$")
    )
    expect(page.get_by_role("status").first).to_contain_text("Welcome, alice!")
    expect(page.get_by_role("status").first).to_contain_text("submit studies")
    expect(page.locator(".claim-quote blockquote")).to_contain_text("Different muscles")
    expect(page.get_by_label("Supports")).to_be_checked()
    expect(page.get_by_text("DOI (required)")).to_be_visible()
    # Keyboard users start in the form's first field, not 8 Tabs away.
    expect(page.get_by_label("DOI")).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, "member-form-after-sign-up")

    # A study that is already evidence for this claim is refused as it is typed.
    page.get_by_label("DOI").press_sequentially(KNOWN_DOI, delay=5)
    refusal = page.locator("#doi-check")
    expect(refusal).to_contain_text("This study is already evidence on this claim")
    expect(refusal.get_by_role("link")).to_have_attribute(
        "href", "/studies/10.1080/02640414.2024.2321021/"
    )
    assert axe_violations(page) == []
    screenshot(page, "member-form-doi-refused")

    # A DOI that is not evidence here clears the refusal.
    page.get_by_label("DOI").fill("10.5555/not-yet-known")
    page.get_by_label("DOI").dispatch_event("change")
    expect(refusal).to_be_empty()
    assert page.errors == []
    context.close()


def test_the_members_submissions_name_the_study_and_the_editors_reason(
    live_server, browser, demo_data, screenshot
):
    from django.contrib.auth.models import User

    from claims.models import Claim
    from editorial import moderation
    from tests.factories import make_submission

    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    member = User.objects.get(username="member")
    editor = User.objects.get(username="editor")
    rejected = make_submission(claim, member, doi="10.5555/member.one", title="A rejected trial")
    moderation.reject(rejected, by=editor, reason="Not about the quadriceps.")
    make_submission(claim, member, doi="10.5555/member.two", title="A pending cohort")

    context = axe_context(browser, viewport={"width": 390, "height": 844})
    page = watch(context.new_page())
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/submissions/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/submissions/")
    items = page.locator(".submission")
    assert items.count() == 2
    assert "A pending cohort" in items.nth(0).inner_text()
    first = items.nth(1).inner_text()
    assert "A rejected trial" in first and "Not about the quadriceps." in first
    assert "Different muscles" in first and "Contradicts" in first
    assert axe_violations(page) == []
    screenshot(page, "member-submissions")
    assert page.errors == []
    context.close()
