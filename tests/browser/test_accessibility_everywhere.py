"""axe-core finds no violation on any page or htmx fragment readers, members and editors are
served (every visit in tests/site_pages.py, the list the Nu HTML Checker also walks), on a
phone (390×844) and on a laptop (1280×800), admin pages included.

One browser, one page per persona, signed in once. A page is opened as a person would open
it; a POST or an htmx request is made with the page's own cookies, and its answer is shown in
that page (a fragment inside a document with the site's stylesheet).
"""

import pytest

from tests.browser.axe import axe_context, axe_violations
from tests.site_pages import (
    ACCOUNTS,
    PASSWORD,
    VISITS,
    Visit,
    fragment_document,
    is_document,
    reference_claim,
)

pytestmark = pytest.mark.browser

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
# Rules about a whole document (one <h1>, one <main>, everything inside a landmark) are judged
# on the pages a fragment is swapped into, not on the fragment alone.
DOCUMENT_RULES = ("page-has-heading-one", "landmark-one-main", "region")


def signed_in_page(context, base_url, username):
    page = context.new_page()
    if username:
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(base_url + "/")
    else:
        page.goto(base_url + "/")
    return page


def show(page, base_url, visit: Visit) -> bool:
    """Show what the visit is answered with in `page`; True when it is a fragment."""
    if visit.data is None and not visit.htmx:
        response = page.goto(base_url + visit.url)
        assert response.status == visit.status, f"{visit.name}: {response.status}"
        return False
    headers = dict(visit.headers)
    if visit.data is None:
        response = page.request.get(base_url + visit.url, headers=headers)
    else:
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        headers["X-CSRFToken"] = cookies["csrftoken"]
        response = page.request.post(base_url + visit.url, form=visit.data, headers=headers)
    assert response.status == visit.status, f"{visit.name}: {response.status}"
    html = response.text()
    fragment = not is_document(html)
    # The page is on the site already, so the document's links resolve against it.
    page.set_content(fragment_document(visit.name, html) if fragment else html)
    return fragment


def test_no_page_or_fragment_has_an_accessibility_violation(browser, live_server, demo_data):
    demo = reference_claim()
    found, checked = [], 0
    for persona, visits in VISITS.items():
        context = axe_context(browser, viewport=SIZES["1280"])
        page = signed_in_page(context, live_server.url, ACCOUNTS[persona])
        for visit in visits(demo):
            fragment = show(page, live_server.url, visit)
            for width, size in SIZES.items():
                page.set_viewport_size(size)
                skip = DOCUMENT_RULES if fragment else ()
                found += [f"{visit.name} at {width}: {v}" for v in axe_violations(page, skip=skip)]
                checked += 1
        context.close()
    print(f"\naxe-core: {checked} checks, {len(found)} violations")
    assert found == [], "\n".join(found)
