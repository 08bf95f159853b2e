"""The moderation queue: compact cards across the page, acting in place or as plain forms."""

import re

import pytest

from tests.browser.axe import axe_context, axe_violations

pytestmark = pytest.mark.browser


def log_in_editor(context, base_url):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base_url}/accounts/login/?next=/moderation/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/moderation/")
    return page


@pytest.fixture
def queue(demo_data):
    from django.contrib.auth.models import User

    from claims.models import Claim
    from tests.factories import make_submission

    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    member = User.objects.get(username="member")
    return [
        make_submission(
            claim,
            member,
            doi=f"10.5555/queue.{n}",
            title=f"Training to failure in {n + 20} trained adults",
            authors="Doe J, Roe R",
            stance="supports" if n % 2 else "contradicts",
        )
        for n in range(20)
    ]


def test_twenty_submissions_fit_in_a_few_screens_with_the_facts_folded(
    live_server, browser, queue, screenshot
):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": 1280, "height": 900})
    desk = log_in_editor(context, live_server.url)
    cards = desk.locator(".queue-item")
    assert cards.count() == 20
    first = cards.first
    for text in (
        "Contradicts",
        "Training to failure in 20 trained adults",
        "Doe J, Roe R",
        "Journal of Submissions",
        "2023",
        "Note number",
        "Rule’s weight 65",
    ):
        expect(first).to_contain_text(text)
    # The editing fields are folded away; the decision is not.
    expect(first.get_by_label("Title")).to_be_hidden()
    expect(first.get_by_label("Weight override")).to_be_hidden()
    expect(first.get_by_role("button", name="Approve")).to_be_visible()
    expect(first.get_by_label("Reason", exact=True)).to_be_visible()
    # Cards use the page's width, and twenty of them fit in a few screens.
    main_width = desk.locator("main").bounding_box()["width"]
    assert first.bounding_box()["width"] > 0.9 * (main_width - 40)
    height = desk.evaluate("document.documentElement.scrollHeight")
    # Each card also shows the claim now and after approval (about 45 px more a card; 4,962 px
    # in all without it): the editor decides without opening the claim.
    assert height < 7 * 900, f"the queue is {height} px tall"
    preview = first.get_by_role("table", name="The claim now and after approval")
    expect(preview.get_by_role("row", name=re.compile("^After approval"))).to_be_visible()
    assert axe_violations(desk) == []

    # Opened, the disclosure holds the facts and the override, and the approval uses them.
    first.get_by_text("Crossref, facts and weight").click()
    first.get_by_label("Weight override").fill("40")
    first.get_by_label("Reason for override").fill("Small and unblinded.")
    assert axe_violations(desk) == []
    screenshot(desk, "moderation-compact-queue")
    first.get_by_role("button", name="Approve").click()
    expect(desk.locator(f"#submission-{queue[0].pk}")).to_have_text(
        re.compile("Approved 10.5555/queue.0")
    )
    expect(desk.locator("#moderation-count")).to_have_text("19 pending")
    assert desk.errors == []
    context.close()

    from evidence.models import Evidence

    assert Evidence.objects.get(study__doi="10.5555/queue.0").weight == 40


def test_without_javascript_reject_is_a_plain_form(live_server, browser, queue):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    desk = log_in_editor(context, live_server.url)
    card = desk.locator(f"#submission-{queue[1].pk}")
    card.get_by_label("Reason", exact=True).fill("Not about the quadriceps.")
    card.get_by_role("button", name="Reject").click()
    desk.wait_for_url("**/moderation/")
    expect(desk.get_by_text("Rejected 10.5555/queue.1.")).to_be_visible()
    assert desk.locator(".queue-item").count() == 19
    context.close()
