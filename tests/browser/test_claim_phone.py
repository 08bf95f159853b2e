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


# What a phone reader has to scroll through: the page's height, where the evidence starts, and
# the narrowest block of text (a card inside a card must not squeeze its text into a strip).
LAYOUT = """() => {
  const narrow = [];
  for (const el of document.querySelectorAll('main p, main li, main h1, main h2, main h3')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || (el.innerText || '').trim().length < 40) continue;
    narrow.push([Math.round(box.width), (el.innerText || '').trim().slice(0, 40)]);
  }
  narrow.sort((a, b) => a[0] - b[0]);
  const evidence = document.getElementById('evidence-heading').getBoundingClientRect();
  return {
    height: document.documentElement.scrollHeight,
    evidence: evidence.top + window.scrollY,
    narrowest: narrow[0],
  };
}"""


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/?next={CLAIM}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**" + CLAIM)


@pytest.mark.parametrize(
    "username, most_height", [(None, 5500), ("member", 7000)], ids=["reader", "member"]
)
def test_the_reference_claim_is_a_few_phone_screens_with_the_evidence_early(
    live_server, browser, demo_data, screenshot, username, most_height
):
    context = axe_context(browser, viewport={"width": 390, "height": 844})
    page = context.new_page()
    if username:
        log_in(page, live_server, username)
    else:
        page.goto(live_server.url + CLAIM)
    layout = page.evaluate(LAYOUT)
    assert layout["height"] < most_height, layout
    assert layout["evidence"] < 4000, layout
    assert layout["narrowest"][0] >= 300, layout
    if username:
        # The gold-standard designs fold to their opening words and open in place.
        design = page.locator(".gold-item").first
        expect_hidden_then_shown(design, design.get_by_text("Read more"), "Population:")
    # A less supported mechanism folds behind its title; its chain opens in place.
    other = page.locator(".mechanism--other").first
    opener = other.get_by_text("How it works, in simple terms")
    expect_hidden_then_shown(other, opener, "Causal chain")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    screenshot(page, f"claim-phone-{username or 'reader'}")
    context.close()


def expect_hidden_then_shown(region, opener, text):
    from playwright.sync_api import expect

    expect(region.get_by_text(text, exact=True).first).to_be_hidden()
    opener.click()
    expect(region.get_by_text(text, exact=True).first).to_be_visible()


@pytest.mark.parametrize("username", [None, "member"], ids=["reader", "member"])
def test_at_1280_the_tallies_sit_beside_the_statement(live_server, browser, demo_data, username):
    context = axe_context(browser, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if username:
        log_in(page, live_server, username)
    else:
        page.goto(live_server.url + CLAIM)
    card = page.locator(".claim-header").bounding_box()
    statement = page.get_by_role("heading", level=1).bounding_box()
    tallies = page.locator(".claim-header .tallies").bounding_box()
    # Side by side: the tallies start right of the statement, level with its top half...
    assert tallies["x"] >= statement["x"] + statement["width"]
    assert tallies["y"] < statement["y"] + statement["height"] / 2
    # ...and the card's text reaches across it, not stopping at four fifths of it.
    right = max(
        box["x"] + box["width"]
        for box in (tallies, page.locator(".claim-header .tally-note").bounding_box())
    )
    assert right - card["x"] > 0.9 * card["width"], (right, card)
    assert axe_violations(page) == []
    context.close()
