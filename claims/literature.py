"""What a claim page says about its living literature: when it was last checked, how many
new studies are being screened, and whether the check is overdue. Plain values in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

# A claim whose literature was not checked for this long says so.
STALE_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class LiteratureStatus:
    checked_at: datetime | None
    waiting: int
    stale: bool

    @property
    def text(self) -> str:
        """“Literature checked 3 December 2026 · 2 new studies being screened”."""
        if self.checked_at is None:
            first = "Literature not checked yet"
        else:
            first = f"Literature checked {self.checked_at.day} {self.checked_at:%B %Y}"
        if not self.waiting:
            return first
        studies = "study" if self.waiting == 1 else "studies"
        return f"{first} · {self.waiting} new {studies} being screened"

    @property
    def stale_note(self) -> str:
        # Never checked, the first line says so already.
        if not self.stale or self.checked_at is None:
            return ""
        return (
            f"The literature has not been checked for {STALE_AFTER.days} days: "
            "newer studies may be missing."
        )

    @property
    def key(self) -> str:
        """What of it a cached page depends on."""
        day = self.checked_at.date().isoformat() if self.checked_at else "never"
        return f"lit:{day}:{self.waiting}:{int(self.stale)}"


def literature_status(*, checked_at, waiting: int, now: datetime) -> LiteratureStatus:
    stale = checked_at is None or now - checked_at > STALE_AFTER
    return LiteratureStatus(checked_at=checked_at, waiting=waiting, stale=stale)
