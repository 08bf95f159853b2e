"""The order in which candidates are screened, and the reason shown for it.

One rule, in the open: designs that can settle a claim first (trials, meta-analyses and
systematic reviews, recognised from OpenAlex's work type and the title), then the works that
cite more of the claim's studies, then the newest. Plain values in, no ORM, no request.
"""

import re
from dataclasses import dataclass
from datetime import date

# What a title says about the design. Order matters: the first match names the design.
_DESIGNS = (
    ("Meta-analysis", re.compile(r"\bmeta[\s-]?analy[sz]", re.IGNORECASE)),
    ("Systematic review", re.compile(r"\bsystematic\s+(?:literature\s+)?review", re.IGNORECASE)),
    (
        "Randomised trial",
        re.compile(
            r"\brandomi[sz]ed\b|\brandomi[sz]ation\b|\bcontrolled\s+trial\b|\bRCT\b|"
            r"\bcross-?over\s+trial\b",
            re.IGNORECASE,
        ),
    ),
)
# OpenAlex types that are never primary evidence: they go last whatever the title says.
_NOT_STUDIES = frozenset({"erratum", "editorial", "letter", "paratext", "retraction", "other"})


@dataclass(frozen=True)
class Rank:
    tier: int  # 0 = a design that can settle the claim, 1 = another study, 2 = not a study
    design: str  # "Meta-analysis", "" when none is recognised
    cites: int
    published: date | None
    reason: str

    @property
    def sort_key(self):
        newest = -(self.published.toordinal()) if self.published else 0
        return (self.tier, -self.cites, newest)


def design_of(*, title: str, work_type: str) -> str:
    """The design a work's title names, or "" ("Meta-analysis", "Randomised trial", …)."""
    for label, pattern in _DESIGNS:
        if pattern.search(title or ""):
            return label
    return ""


def rank(
    *, title: str, work_type: str, cites: int, published: date | None, year: int | None = None
) -> Rank:
    """Where a candidate goes in the screening list, and why."""
    work_type = (work_type or "").lower()
    design = "" if work_type in _NOT_STUDIES else design_of(title=title, work_type=work_type)
    if work_type in _NOT_STUDIES:
        tier, first = 2, f"Listed as {work_type}: unlikely to be evidence"
    elif design:
        tier, first = 0, f"{design} (from the title): a design that can settle the claim"
    else:
        tier, first = 1, "Other study design"
    if cites == 1:
        second = "cites 1 of the claim's studies"
    elif cites:
        second = f"cites {cites} of the claim's studies"
    else:
        second = "cites none of the claim's studies"
    when = published.isoformat() if published else (str(year) if year else "date unknown")
    if published is None and year:
        published = date(year, 1, 1)
    return Rank(
        tier=tier,
        design=design,
        cites=cites,
        published=published,
        reason=f"{first} · {second} · published {when}",
    )


def ranked(items, *, key=lambda item: item):
    """`items` in screening order; `key(item)` gives its Rank."""
    return sorted(items, key=lambda item: key(item).sort_key)
