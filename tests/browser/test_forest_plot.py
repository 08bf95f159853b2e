"""The forest plot as a person sees it: at phone and desktop widths, accessible, no overflow."""

import pytest

from tests.browser.axe import axe_context, axe_violations

pytestmark = pytest.mark.browser

CLAIM = "/claims/heavy-loads-maximal-strength/"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_forest_plot_fits_the_screen_and_passes_axe(live_server, browser, demo_data, width):
    from playwright.sync_api import expect

    context = axe_context(browser, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + CLAIM)
    plot = page.get_by_role("img", name="Forest plot: Standardised mean difference")
    expect(plot).to_be_visible()
    box = plot.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["height"] > 150  # drawn, not collapsed
    table = page.get_by_role("table", name="The numbers in the forest plot")
    expect(table.get_by_role("row", name="Pooled (6 studies)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#effect").screenshot(path=f"test-results/effect-{width}.png")
    assert axe_violations(page) == []
    context.close()
