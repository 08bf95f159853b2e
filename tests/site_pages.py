"""Every page and htmx fragment that readers, members and editors are served, in one list.

Two checks walk this list: the Nu HTML Checker over the HTML the test client receives
(tests/test_html_valid.py) and axe-core in Chromium at 390 and 1280 px
(tests/browser/test_accessibility_everywhere.py). A page added here is checked by both.

Each persona's visits run in order (some are POSTs that change what later ones see: a refused
submission before an accepted one, a refused rejection before a rejection). The lists are built
from the demo data (`manage.py loaddemo`), with a pending submission added if it has none.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.templatetags.static import static
from django.test import Client

from claims.models import Claim
from evidence.choices import Stance
from evidence.models import Submission
from tests.factories import make_submission
from tests.test_admin_claim_editing import claim_data

REFERENCE = "quadriceps-proximity-to-failure"
HX = {"HX-Request": "true"}
PASSWORD = "evidence-demo"  # the demo accounts' password (claims/demo.py)
# The demo account each persona signs in as; None for a reader who is not signed in.
ACCOUNTS = {"reader": None, "member": "member", "editor": "editor"}


@dataclass(frozen=True)
class Visit:
    """One request as a person's browser (or htmx within it) makes it."""

    name: str
    url: str
    data: dict | None = field(default=None, hash=False)  # POSTed when given
    htmx: bool = False
    status: int = 200

    @property
    def headers(self) -> dict:
        return HX if self.htmx else {}


def fragment_document(name: str, html: str) -> str:
    """An htmx fragment inside a minimal document with the site's stylesheet, so that only
    its own markup is judged, as it looks on the site."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{name}</title><link rel="stylesheet" href="{static("css/site.css")}">'
        f"</head><body><main>{html}</main></body></html>"
    )


def is_document(html: str) -> bool:
    return bool(re.match(r"\s*<!DOCTYPE html>", html, re.I))


def reference_claim() -> Claim:
    """The demo's reference claim, with a pending submission for the editor's pages."""
    claim = Claim.objects.get(slug=REFERENCE)
    if not Submission.objects.pending().exists():
        make_submission(claim, User.objects.get(username="member"), note="A pending submission.")
    return claim


def reader_visits(demo: Claim) -> list[Visit]:
    detail = demo.get_absolute_url()
    # The key of a sensitivity check is written into the claim page's links.
    check_key = re.search(r"\?check=([\w-]+)", Client().get(detail).content.decode())[1]
    other = Claim.objects.exclude(pk=demo.pk).published().first()
    topic = demo.topics.first()
    return [
        Visit("home", "/"),
        Visit("home, htmx", "/", htmx=True),
        Visit("search", "/?q=creatine"),
        Visit("search, htmx", "/?q=creatine", htmx=True),
        Visit("search without results", "/?q=zzzzqqq"),
        Visit("topic", f"/?topic={topic.slug}"),
        Visit("claim", detail),
        Visit("other claim", other.get_absolute_url()),
        # A forest plot (SVG) with a pooled estimate and its table.
        Visit("claim with effect sizes", "/claims/heavy-loads-maximal-strength/"),
        Visit("sensitivity check", f"{detail}?check={check_key}"),
        Visit("sensitivity check, htmx", f"{detail}?check={check_key}", htmx=True),
        Visit("version 1", f"{detail}v/1/"),
        Visit("history", f"{detail}history/"),
        Visit("study", f"/studies/{demo.evidence.first().study.doi}/"),
        Visit("sign in", "/accounts/login/"),
        Visit("sign up", "/accounts/signup/"),
        Visit("password reset", "/accounts/password_reset/"),
        Visit("not found", "/claims/no-such-claim/", status=404),
        Visit("compare, pick, htmx", f"{detail}compare/?a=1&b=2", htmx=True),
        Visit("compare", f"{detail}compare/1/2/"),
        Visit("compare, htmx", f"{detail}compare/1/2/", htmx=True),
    ]


def member_visits(demo: Claim) -> list[Visit]:
    submit = f"/claims/{demo.slug}/evidence/new/"
    facts = submit + "study-facts/"
    known = demo.evidence.first().study.doi
    data = {"doi": "10.5555/new.study", "stance": Stance.SUPPORTS, "note": "Found an effect."}
    refused = {**data, "title": ""}
    complete = {**data, "title": "T", "authors": "Roe R", "year": "2024", "design": "rct"}
    return [
        Visit("home, member", "/"),
        Visit("claim, member", demo.get_absolute_url()),
        Visit("submission form", submit + "?stance=supports"),
        Visit("submission form, htmx", submit + "?stance=supports", htmx=True),
        Visit("study facts, unknown DOI", facts + "?doi=10.5555/new", htmx=True),
        Visit("study facts, known DOI", facts + f"?doi={known}", htmx=True),
        Visit("submission refused", submit, data=refused, status=400),
        Visit("submission refused, htmx", submit, data=refused, htmx=True, status=400),
        Visit("submission done, htmx", submit, data=complete, htmx=True, status=201),
        Visit("my submissions", "/accounts/submissions/"),
        Visit("follow, htmx", f"/claims/{demo.slug}/follow/", data={}, htmx=True),
        Visit("following", "/accounts/following/"),
    ]


# Every admin page an editor reaches from the admin's index (each app, each list, each add
# page, the password change) is found on the index itself, so a model added later is checked
# too; one change page of each model follows.
ADMIN_LINK = re.compile(r'href="(/admin/[^"#?]+)"')


def editor_visits(demo: Claim) -> list[Visit]:
    editor = Client()
    editor.force_login(User.objects.get(username=ACCOUNTS["editor"]))
    pending = Submission.objects.pending().first()
    evidence = demo.evidence.select_related("study").first()
    mechanism = demo.mechanisms.order_by("rank").first()
    index = editor.get("/admin/").content.decode()
    linked = sorted(set(ADMIN_LINK.findall(index)) - {"/admin/logout/"})
    reject = f"/moderation/{pending.pk}/reject/"
    return [
        Visit("editors", "/editors/"),
        Visit("screening", f"/editors/claims/{demo.slug}/literature/"),
        Visit("claim, editor", demo.get_absolute_url()),
        Visit("preview", f"{demo.get_absolute_url()}preview/"),
        Visit("moderation", "/moderation/"),
        Visit("moderation item", f"/moderation/{pending.pk}/"),
        Visit("admin index", "/admin/"),
        *(Visit(f"admin {path.removeprefix('/admin/')}", path) for path in linked),
        Visit("admin claim", f"/admin/claims/claim/{demo.pk}/change/"),
        Visit("admin topic", f"/admin/claims/topic/{demo.topics.first().pk}/change/"),
        Visit(
            "admin analysis version",
            f"/admin/claims/analysisversion/{demo.current_version_id}/change/",
        ),
        Visit("admin mechanism", f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"),
        Visit("admin study", f"/admin/evidence/study/{evidence.study_id}/change/"),
        Visit("admin evidence", f"/admin/evidence/evidence/{evidence.pk}/change/"),
        Visit("admin submission", f"/admin/evidence/submission/{pending.pk}/change/"),
        # Crossref is a closed port in tests: the row says so and asks for the facts.
        Visit(
            "admin new study preview, htmx",
            "/admin/evidence/evidence/new-study-preview/?evidence-0-new_doi=10.5555/new.doi",
            htmx=True,
        ),
        Visit(
            "admin claim, add refused",
            "/admin/claims/claim/add/",
            data=claim_data(
                evidence=[{"new_doi": "10.5555/new.doi", "stance": "supports", "finding": ""}]
            ),
        ),
        Visit("reject refused, htmx", reject, data={}, htmx=True, status=400),
        Visit(
            "rejected, htmx", reject, data={f"reject-{pending.pk}-reason": "Off topic."}, htmx=True
        ),
    ]


VISITS = {"reader": reader_visits, "member": member_visits, "editor": editor_visits}
