"""A member signs up from a claim's gate, submits a study, and an editor approves it."""

import re

import pytest

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def test_sign_up_submit_approve_and_see_the_new_version(
    live_server, browser, demo_data, screenshot
):
    member = browser.new_context(viewport={"width": 1280, "height": 900})
    page = member.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Sign up from the claim page's gate.
    page.goto(live_server.url + CLAIM)
    page.get_by_role("link", name="Sign up to see full verdict").click()
    page.wait_for_url("**/accounts/signup/**")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    screenshot(page, "community-1-signup")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**" + CLAIM)

    # 2. The gold-standard list is now shown.
    gold = page.locator(".gold-list")
    assert gold.is_visible()
    assert gold.locator("li.gold-item").count() == 4
    screenshot(page, "community-2-gold-standard")

    # 3. Submit a contradicting study with a DOI the site does not know (inline, via htmx).
    contradicting = page.locator("#contribute-contradicts")
    contradicting.get_by_role("link", name="Community contributions welcome").click()
    form = contradicting.locator("form")
    form.wait_for()
    form.get_by_label("DOI").fill("https://doi.org/10.5555/Demo.Browser.1")
    form.get_by_label("Contradicts").check()
    form.get_by_label("Note").fill("A larger trial found **no** muscle-specific difference.")
    form.get_by_label("Title").fill("No muscle-specific response to proximity to failure")
    form.get_by_label("Authors").fill("Example A, Example B")
    form.get_by_label("Year").fill("2025")
    form.get_by_label("Journal").fill("Example Journal of Exercise Science")
    form.get_by_label("Study design").select_option("rct")
    form.get_by_label("Sample size").fill("400")
    screenshot(page, "community-3-submit")
    form.get_by_role("button", name="Submit evidence").click()
    contradicting.get_by_text("Your submission is pending review").wait_for()
    page.goto(live_server.url + "/accounts/submissions/")
    assert page.get_by_text("Pending review").first.is_visible()
    screenshot(page, "community-3-my-submissions")
    assert errors == []

    # 4. As an editor, approve it in the moderation queue.
    editor = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = editor.new_page()
    desk.goto(live_server.url + "/accounts/login/?next=/moderation/")
    desk.get_by_label("Username").fill("editor")
    desk.get_by_label("Password").fill("evidence-demo")
    desk.get_by_role("button", name="Log in").click()
    desk.wait_for_url("**/moderation/")
    assert (
        desk.get_by_role("link", name=re.compile("Moderation"))
        .text_content()
        .strip()
        .endswith("1 pending")
    )
    item = desk.locator(".queue-item").first
    assert item.get_by_text("A larger trial found").is_visible()
    screenshot(desk, "community-4-moderation")
    # The study's facts are folded away until the editor opens them to check.
    item.get_by_text("Crossref, facts and weight").click()
    item.get_by_label("Authors").fill("Example A, Example B")
    item.get_by_role("button", name="Approve").click()
    desk.get_by_text("published analysis v3").wait_for()
    screenshot(desk, "community-4-approved")
    editor.close()

    # 5. The claim page now shows the contradicting study, the new tally and v3.
    page.goto(live_server.url + CLAIM)
    assert page.get_by_role("heading", name="Contradicting (1)").is_visible()
    against = page.locator(".evidence-column--contradicts .evidence-column__tally")
    assert re.search(r"\d+", against.inner_text()).group() != "0"
    assert page.get_by_role("link", name="Analysis v3").is_visible()
    assert page.get_by_text("Community submission by alice").is_visible()
    screenshot(page, "community-5-claim-after")
    assert errors == []
    member.close()


def test_bad_input_in_the_inline_form_shows_the_message_beside_the_field(
    live_server, browser, demo_data, screenshot
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/?next=" + CLAIM)
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**" + CLAIM)
    column = page.locator("#contribute-supports")
    column.get_by_role("link", name="Community contributions welcome").click()
    form = column.locator("form")
    form.get_by_label("DOI").fill("10.12/not-a-doi")
    form.get_by_label("Note").fill("My note stays.")
    form.get_by_role("button", name="Submit evidence").click()
    error = column.locator("#id_doi-error")
    error.wait_for()
    assert "is not a DOI" in error.inner_text()
    assert column.get_by_label("Note").input_value() == "My note stays."
    assert page.url.endswith(CLAIM)  # still on the claim page: the form was swapped in place
    screenshot(page, "community-invalid-doi")

    # A DOI the site knows needs no study facts: the form says so as soon as it is typed.
    column.get_by_label("DOI").fill("doi:10.1080/02640414.2024.2321021")
    column.get_by_label("DOI").press("Tab")
    column.get_by_text("The site already knows this study").wait_for()
    assert column.get_by_label("Title").count() == 0
    context.close()
