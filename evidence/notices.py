"""What a notice against a study means: the one place that decides it.

Crossref records notices against a work's DOI (its `updated-by` list, or works whose
`update-to` names it), Retraction Watch's database included. A retraction, withdrawal or
removal makes the study retracted, so the weight rule gives it 0. An expression of concern or
a partial retraction is shown prominently but changes no weight unless an editor decides. A
correction or erratum is listed on the study page, nothing more.
"""

from django.db import models


class NoticeKind(models.TextChoices):
    RETRACTION = "retraction", "Retraction"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    REMOVAL = "removal", "Removal"
    PARTIAL_RETRACTION = "partial_retraction", "Partial retraction"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"
    CORRECTION = "correction", "Correction"
    ERRATUM = "erratum", "Erratum"
    OTHER = "other", "Other update"


RETRACTING = frozenset({NoticeKind.RETRACTION, NoticeKind.WITHDRAWAL, NoticeKind.REMOVAL})
CONCERNING = frozenset({NoticeKind.EXPRESSION_OF_CONCERN, NoticeKind.PARTIAL_RETRACTION})

# Crossref's other names for the same things.
_ALIASES = {"corrigendum": NoticeKind.CORRECTION, "retracted": NoticeKind.RETRACTION}


def kind_of(crossref_type: str) -> NoticeKind:
    """Our kind for a Crossref update type; anything unknown is kept as "other"."""
    value = (crossref_type or "").strip().lower().replace("-", "_").replace(" ", "_")
    if value in _ALIASES:
        return _ALIASES[value]
    return NoticeKind(value) if value in NoticeKind.values else NoticeKind.OTHER


def retracts(kind: str) -> bool:
    return kind in RETRACTING


def raises_concern(kind: str) -> bool:
    return kind in CONCERNING


def headline(notices):
    """The notice a reader must see first: the earliest retracting one, else the earliest
    concern; None when the notices are only corrections."""
    for group in (RETRACTING, CONCERNING):
        matching = [n for n in notices if n.kind in group]
        if matching:
            return min(matching, key=lambda n: (n.date is None, n.date, n.notice_doi))
    return None
