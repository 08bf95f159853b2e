"""axe-core, the accessibility checker, run inside a Playwright page.

axe-core comes from npm, pinned in package.json and package-lock.json; `make test` installs it
into node_modules/. The tests inject the file itself (no CDN). Playwright adds it as an inline
script, which the site's Content-Security-Policy refuses: pages checked with axe are opened in
a context made with `bypass_csp=True` (`axe_context()`).
"""

from pathlib import Path

from tests.conftest import require

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_context(browser, **options):
    """A browser context in which axe-core can be injected."""
    return browser.new_context(bypass_csp=True, **options)


def axe_violations(page, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Every axe-core violation on the page as shown, one line each (empty when clean); the
    rules named in `skip` are not run."""
    if not AXE.exists():
        require("REQUIRE_BROWSER", f"axe-core not found at {AXE} (make test installs it)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    rules = {rule: {"enabled": False} for rule in skip}
    # Only violations are read: axe then details no passing node, which is most of its time.
    options = {"rules": rules, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]
