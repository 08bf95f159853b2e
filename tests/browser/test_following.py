"""A member follows a claim; an editor approves a submission; the email is in the outbox."""

import re

import pytest

pytestmark = pytest.mark.browser

CLAIM = "/claims/quadriceps-proximity-to-failure/"


def log_in(context, base_url, username, next_path):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")
    return page


def test_a_follower_gets_an_email_when_an_editor_approves_a_submission(
    live_server, browser, demo_data, screenshot
):
    from django.contrib.auth.models import User
    from django.core import mail
    from playwright.sync_api import expect

    from claims.models import Claim
    from tests.factories import make_submission

    member = User.objects.get(username="member")
    member.email = "member@example.org"
    member.save()
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    make_submission(
        claim,
        member,
        doi="10.5555/follow.1",
        title="Failure training in 40 trained adults",
        authors="Doe J, Roe R",
        stance="supports",
    )
    mail.outbox.clear()

    reader = log_in(browser.new_context(), live_server.url, "member", CLAIM)
    follow = reader.get_by_role("region", name="Follow this claim")
    follow.get_by_role("button", name="Follow this claim").click()
    expect(follow.get_by_role("button", name="Unfollow")).to_be_visible()
    expect(follow).to_contain_text("You follow this claim")
    screenshot(reader, "follow-claim")
    reader.goto(f"{live_server.url}/accounts/following/")
    expect(reader.get_by_role("link", name=re.compile("Different muscles"))).to_be_visible()
    screenshot(reader, "following-list")

    desk = log_in(browser.new_context(), live_server.url, "editor", "/moderation/")
    card = desk.locator(".queue-item").filter(has_text="10.5555/follow.1")
    card.get_by_role("button", name="Approve").click()
    expect(desk.get_by_role("status").filter(has_text="Approved 10.5555/follow.1")).to_be_visible()

    subjects = {m.subject: m for m in mail.outbox}
    assert "Your submission 10.5555/follow.1 was approved" in subjects
    (version_email,) = [m for m in mail.outbox if m.subject.startswith("Analysis v")]
    assert version_email.to == ["member@example.org"]
    assert "10.5555/follow.1" in version_email.body
    assert reader.errors == [] and desk.errors == []

    link = re.search(r"https?://[^/\s]+(/unsubscribe/\S+/)", version_email.body)[1]
    reader.goto(f"{live_server.url}{link}")
    reader.get_by_role("button", name="Stop emails about this claim").click()
    expect(reader.get_by_role("status")).to_contain_text("you no longer follow")
    screenshot(reader, "unsubscribed")
