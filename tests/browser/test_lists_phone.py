"""On a phone (390×844) the first claim's title and verdict are on the first screen of the home,
topic and search pages, and the header is one row for readers, members and editors (issue 19)."""

import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/work/briefs/shots")


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/")


def first_card_bottoms(page):
    """Where the first claim card's title and verdict end, in px from the page's top."""
    card = page.locator(".claim-card").first
    title = card.locator(".claim-card__statement").bounding_box()
    verdict = card.locator(".verdict").first.bounding_box()
    return title["y"] + title["height"], verdict["y"] + verdict["height"]


def header_height(page):
    return page.locator(".site-header").bounding_box()["height"]


def keep(page, name):
    """A screenshot at 390 and 1280 for people to look at (in var/screenshots, and copied to
    the shared shots folder when it exists)."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
        path = SCREENSHOTS / f"phone-{name}-{width}.png"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        if SHOTS.is_dir():
            shutil.copy(path, SHOTS / path.name)
    page.set_viewport_size(PHONE)


@pytest.mark.parametrize("who", ["reader", "member", "editor"])
def test_the_first_claim_is_on_the_first_screen_of_home_topic_and_search(
    live_server, browser, demo_data, who
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    if who != "reader":
        log_in(page, live_server.url, who)
    for name, path in (
        ("home", "/"),
        ("topic", "/?topic=strength"),
        ("search", "/?q=muscle"),
    ):
        page.goto(live_server.url + path)
        title_bottom, verdict_bottom = first_card_bottoms(page)
        assert title_bottom <= PHONE["height"], f"{who} {name}: title ends at {title_bottom}"
        assert verdict_bottom <= PHONE["height"], f"{who} {name}: verdict ends at {verdict_bottom}"
        # One row: the brand, Search and the account links (or the editors' menu).
        assert header_height(page) <= 64, f"{who} {name}: header {header_height(page)} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if who == "editor" or who == "reader":
            keep(page, f"{name}-{who}")
    context.close()


def test_the_search_heading_gives_the_count_and_the_query(live_server, page, demo_data):
    page.goto(live_server.url + "/?q=muscle")
    heading = page.get_by_role("heading", level=1).inner_text()
    count = page.locator(".claim-card").count()
    assert heading == f"{count} claim{'s' if count != 1 else ''} matching “muscle”"


def test_the_topics_and_certainty_fold_behind_one_control_on_a_phone(
    live_server, browser, demo_data
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    topics = page.get_by_role("navigation", name="Topics")
    assert not topics.is_visible()
    page.get_by_text("Filter by topic and certainty").click()
    assert topics.is_visible()
    topics.get_by_role("link").nth(1).click()
    page.wait_for_load_state()
    assert "topic=" in page.url
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .endswith(page.locator(".list-filters__current").inner_text().split(",")[0].strip("("))
    )
    # Wide screens show the topics without a click.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.get_by_role("navigation", name="Topics").is_visible()
    context.close()


def test_the_editors_links_are_behind_one_menu_on_a_phone(live_server, browser, demo_data):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "editor")
    admin = page.locator(".site-header").get_by_role("link", name="Admin")
    assert not admin.is_visible()
    page.get_by_text("Menu", exact=True).click()
    assert admin.is_visible()
    assert page.locator(".site-header").get_by_role("link", name="Editors").is_visible()
    keep(page, "editor-menu")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    assert page.locator(".site-header").get_by_role("link", name="Admin").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    # One row at 1280 too: the brand, the search box and the six links (it was two, 104 px).
    assert header_height(page) <= 70, f"editor at 1280: header {header_height(page)} px"
    context.close()


def test_card_titles_are_whole_or_say_where_the_rest_is(live_server, page, demo_data):
    from claims.models import Claim
    from tests.factories import make_published_claim

    long = "Long statements are shown " + "with many words " * 30 + "to the end."
    make_published_claim(slug="a-long-claim", statement=long)
    page.goto(live_server.url + "/")
    for claim in Claim.objects.exclude(slug="a-long-claim"):
        if claim.statement:
            card = page.locator(".claim-card", has_text=claim.statement[:40])
            if card.count():
                assert card.locator(".claim-card__statement").inner_text() == claim.statement
    cut = page.locator(".claim-card", has_text="Long statements are shown")
    assert cut.get_by_role("link", name="Read the whole claim").get_attribute("href") == (
        "/claims/a-long-claim/"
    )


def test_the_phone_lists_menu_and_error_summary_have_no_accessibility_violation(
    live_server, browser, demo_data
):
    from tests.browser.axe import axe_context, axe_violations

    context = axe_context(browser, viewport=PHONE)
    page = context.new_page()
    found = []
    page.goto(live_server.url + "/")
    page.get_by_text("Filter by topic and certainty").click()
    found += [f"home: {v}" for v in axe_violations(page)]
    log_in(page, live_server.url, "editor")
    page.get_by_text("Menu", exact=True).click()
    found += [f"home, editor's menu open: {v}" for v in axe_violations(page)]
    page.goto(live_server.url + "/?q=muscle")
    found += [f"search: {v}" for v in axe_violations(page)]
    page.goto(live_server.url + "/editors/")
    found += [f"editors: {v}" for v in axe_violations(page)]
    page.goto(live_server.url + "/claims/quadriceps-proximity-to-failure/evidence/new/")
    with page.expect_navigation():
        page.evaluate("document.querySelector('form.submission-form').submit()")
    found += [f"submission errors: {v}" for v in axe_violations(page)]
    assert found == [], "\n".join(found)
    context.close()
