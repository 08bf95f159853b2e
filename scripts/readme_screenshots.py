#!/usr/bin/env python
"""Take the README's screenshots (docs/img/) from the demo, as an editor and a member see it.

    make reset-demo          # the demo data, in var/db.sqlite3
    DEBUG=1 CROSSREF_API_URL=http://127.0.0.1:9 .venv/bin/python manage.py runserver &
    .venv/bin/python scripts/readme_screenshots.py [http://127.0.0.1:8000]

The member submits a study (Crossref is pointed at a closed port, so the facts are typed), then
the editor fills in a new claim with evidence and a mechanism, and opens the moderation queue.
Needs Playwright and Debian's chromium (`make test` installs both). The demo data changes:
`make reset-demo` afterwards.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
VIEWPORT = {"width": 1280, "height": 800}
CLAIM = "/claims/quadriceps-proximity-to-failure/"


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("evidence-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/")


def member_submits(browser, base):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    log_in(page, base, "member")
    page.goto(f"{base}{CLAIM}evidence/new/?stance=contradicts")
    page.get_by_label("DOI").fill("10.5555/readme.example")
    page.get_by_label("DOI").dispatch_event("change")
    page.get_by_label("Title").fill("Training to failure versus stopping short: a 10-week trial")
    page.get_by_label("Authors").fill("Roe R, Diaz M")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Design").select_option("rct")
    page.get_by_label("Note").fill("Quadriceps growth was the same in both groups.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    context.close()


def editor_screens(browser, base):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    log_in(page, base, "editor")

    page.goto(f"{base}/admin/claims/claim/add/")
    page.locator("#toggle-nav-sidebar").click()  # the whole width for the form
    page.get_by_label("Statement").fill(
        "Creatine monohydrate increases maximal strength in trained adults"
    )
    page.get_by_label("Claim type").select_option("interventional")
    page.locator("#evidence-group .select2-selection").first.click()
    page.locator(".select2-search__field").fill("10.1080/02640414")
    page.locator(".select2-results__option", has_text="10.1080/02640414.2024.2321021").click()
    page.locator("#id_evidence-0-stance").select_option("supports")
    page.locator("#id_mechanisms-0-title").fill("Higher phosphocreatine stores")
    page.locator("#id_mechanisms-0-how_it_works").fill("More phosphocreatine in muscle.")
    page.locator("#id_mechanisms-0-simple_terms").fill("More fuel for hard efforts.")
    evidence = page.locator("#evidence-group")
    evidence.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -120)")
    page.screenshot(path=str(OUT / "editor-add-claim.png"))

    page.goto(f"{base}/moderation/")
    queue = page.locator("main").bounding_box()
    page.screenshot(
        path=str(OUT / "editor-moderation.png"),
        clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": queue["y"] + queue["height"]},
    )
    context.close()


def main():
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        member_submits(browser, base)
        editor_screens(browser, base)
        browser.close()
    for path in sorted(OUT.glob("editor-*.png")):
        print(path.relative_to(ROOT), f"{path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
