"""Living evidence: watching the literature for each claim, and screening what it finds.

`watch_claim()` asks OpenAlex for works citing any study the claim counts as evidence and for
works matching the claim's literature search, published since shortly before the last check,
and keeps the new ones as candidates. A DOI is never a candidate twice for a claim, nor one
already evidence, pending as a member's submission, or screened out before. Running it twice
adds nothing the second time.

Screening: `add()` makes the candidate evidence (facts from Crossref, the usual weight rule)
and publishes a new analysis version, in one transaction, like approving a submission;
`dismiss()` keeps it as not relevant with a reason, so it never returns; `put_off()` sends it
to the end of the list.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import caching
from claims.models import Claim
from claims.publishing import has_unpublished_changes, publish_analysis
from editorial.models import Candidate, NotRelevantReason, Screening
from editorial.retractions import record_notices
from evidence import crossref, openalex
from evidence.choices import Stance
from evidence.models import Evidence, Study, Submission
from evidence.notices import kind_of, retracts

logger = logging.getLogger(__name__)

# How far back the first check looks, and how much each later check overlaps the one before
# (OpenAlex indexes some works weeks after their publication date; the overlap finds them,
# and the one-row-per-DOI rule keeps them from coming twice).
FIRST_LOOK_BACK = timedelta(days=365)
OVERLAP = timedelta(days=30)
FOUND_BY_MAX = 500


@dataclass
class WatchResult:
    claim: Claim
    added: list = field(default_factory=list)  # Candidate
    problems: list = field(default_factory=list)  # str: what could not be asked
    skipped: int = 0  # malformed works left out
    capped: bool = False


def watched_claims():
    """Published claims: a draft has no readers to keep up to date."""
    return Claim.objects.filter(current_version__isnull=False).order_by("slug")


def since_for(claim, *, today: date) -> date:
    if claim.literature_checked_at is None:
        return today - FIRST_LOOK_BACK
    return claim.literature_checked_at.date() - OVERLAP


def watch_claim(claim, *, limit: int, pause: float = 0, today: date | None = None) -> WatchResult:
    """Look for new studies bearing on `claim` and keep them as candidates."""
    today = today or timezone.localdate()
    result = WatchResult(claim=claim)
    since = since_for(claim, today=today)
    studies = _with_openalex_ids(_claim_studies(claim), result=result, pause=pause)
    by_id = {study.openalex_id: study for study in studies if study.openalex_id}
    found: dict[str, tuple[openalex.Work, list[Study], bool]] = {}
    if by_id:
        answer = openalex.citing_works(by_id, since=since, limit=limit, pause=pause)
        _collect(answer, found, result, cited=by_id, search=False)
    if claim.literature_query.strip():
        time.sleep(pause)
        answer = openalex.matching_works(
            claim.literature_query, since=since, limit=limit, pause=pause
        )
        _collect(answer, found, result, cited=by_id, search=True)
    excluded = _excluded_dois(claim)
    new = [entry for doi, entry in found.items() if doi not in excluded][:limit]
    notices = {}
    for work, _, _ in new:
        # Flagged before anyone adds it: a retraction notice Crossref records against the DOI.
        notices[work.doi] = _retraction_notice(work.doi)
    now = timezone.now()
    with transaction.atomic():
        for work, cited, by_search in new:
            candidate, created = Candidate.objects.get_or_create(
                claim=claim,
                doi=work.doi,
                defaults=_candidate_facts(work, cited, by_search, notices[work.doi], now),
            )
            if created:
                result.added.append(candidate)
        if not result.problems:
            # A check that could not ask OpenAlex is no check: the date stays, and says so.
            claim.literature_checked_at = now
        refresh_status(claim, now=now)
    return result


def _claim_studies(claim) -> list[Study]:
    return list(Study.objects.filter(evidence__claim=claim).distinct().order_by("pk"))


def _with_openalex_ids(studies, *, result, pause) -> list[Study]:
    """The studies, each with its OpenAlex id looked up (once: the id is kept)."""
    for study in studies:
        if study.openalex_id:
            continue
        answer = openalex.work_by_doi(study.doi)
        time.sleep(pause)
        if isinstance(answer, openalex.Found):
            study.openalex_id = answer.work.openalex_id
            Study.objects.filter(pk=study.pk).update(openalex_id=study.openalex_id)
        elif not isinstance(answer, openalex.NotFound):
            result.problems.append(f"{study.doi}: {answer.message}")
    return studies


def _collect(answer, found, result, *, cited, search):
    if not isinstance(answer, openalex.Works):
        result.problems.append(answer.message)
        return
    result.skipped += answer.skipped
    result.capped = result.capped or answer.capped
    own = {study.doi for study in cited.values()}
    for work in answer.works:
        if work.doi in own:
            continue  # one of the claim's own studies
        studies = [cited[i] for i in sorted(work.references & cited.keys())]
        by_search = search
        before = found.get(work.doi)
        if before is not None:
            # Found both ways: keep what each way knew.
            studies = studies or before[1]
            by_search = search or before[2]
        found[work.doi] = (work, studies, by_search)


def _excluded_dois(claim) -> set[str]:
    """DOIs that may not become candidates: already evidence, pending, or already seen."""
    return (
        set(Evidence.objects.filter(claim=claim).values_list("study__doi", flat=True))
        | set(Submission.objects.pending().filter(claim=claim).values_list("doi", flat=True))
        | set(Candidate.objects.filter(claim=claim).values_list("doi", flat=True))
    )


def found_by(cited, by_search: bool) -> str:
    """“cites Refalo et al., 2024 and 1 more of the claim's studies; matches the search”."""
    parts = []
    if cited:
        first = cited[0]
        text = f"cites {first.short_authors}, {first.year}"
        if len(cited) > 1:
            more = len(cited) - 1
            text += f" and {more} more of the claim's studies"
        parts.append(text)
    if by_search:
        parts.append("matches the search")
    return "; ".join(parts)[:FOUND_BY_MAX]


def _candidate_facts(work, cited, by_search, notice, now) -> dict:
    return {
        "openalex_id": work.openalex_id,
        "title": work.title,
        "authors": work.authors,
        "year": work.year,
        "published": work.published,
        "journal": work.journal,
        "work_type": work.work_type,
        "abstract": work.abstract,
        "found_by": found_by(cited, by_search),
        "cites_count": len(cited),
        "found_at": now,
        "crossref_notice": notice,
    }


def _retraction_notice(doi: str) -> str:
    answer = crossref.lookup(doi)
    if not isinstance(answer, crossref.Found):
        return ""
    for notice in answer.work.notices:
        kind = kind_of(notice.kind)
        if retracts(kind):
            when = f" of {notice.date.isoformat()}" if notice.date else ""
            return f"Crossref records a {kind.label.lower()} notice{when}"[:300]
    return ""


def refresh_status(claim, *, now=None) -> None:
    """Store how many candidates wait, and when that or the check changed, on the claim row.

    Through update(): these are not an editor's edit and must not date the claim as changed.
    """
    now = now or timezone.now()
    waiting = Candidate.objects.filter(claim=claim).waiting().count()
    Claim.objects.filter(pk=claim.pk).update(
        literature_checked_at=claim.literature_checked_at,
        literature_waiting=waiting,
        literature_changed_at=now,
    )
    claim.literature_waiting = waiting
    claim.literature_changed_at = now
    # The claim page's stamp holds this status; update() sends no signal to rewrite it.
    caching.claim_changed(claim.slug)


# --- Screening ----------------------------------------------------------------------------


class AlreadyScreened(Exception):
    """Another editor screened the candidate first."""

    def __init__(self, candidate):
        self.candidate = candidate
        who = candidate.screened_by.get_username() if candidate.screened_by else "an editor"
        super().__init__(
            f"This study was already screened by {who} ({candidate.get_status_display().lower()})."
        )


def _lock_waiting(candidate) -> Candidate:
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != Screening.WAITING:
        raise AlreadyScreened(locked)
    return locked


def add(candidate, *, by, stance: str, design: str, sample_size=None):
    """Make the candidate evidence on its claim and publish a new analysis version.

    Facts come from Crossref when it answers, else from OpenAlex. Returns the version; raises
    AlreadyScreened when another editor acted first and ValidationError for bad facts.
    """
    if stance not in Stance.values:
        raise ValidationError({"stance": "Choose supporting or contradicting."})
    lookup = crossref.lookup(candidate.doi)
    with transaction.atomic():
        locked = _lock_waiting(candidate)
        claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
        editors_changes = claim.is_published and has_unpublished_changes(claim)
        study = Study.objects.filter(doi=locked.doi).first()
        if study is None:
            facts = {
                "title": locked.title,
                "authors": locked.authors,
                "journal": locked.journal,
                "year": locked.year,
            }
            if isinstance(lookup, crossref.Found):
                facts.update({k: v for k, v in lookup.work.facts().items() if v})
            study = Study(
                doi=locked.doi,
                design=design,
                sample_size=sample_size,
                openalex_id=locked.openalex_id,
                **facts,
            )
            study.full_clean()
            study.save()
        if isinstance(lookup, crossref.Found) and lookup.work.notices:
            # A retraction the editor was shown counts zero from the start.
            record_notices(study=study, notices=lookup.work.notices)
            study.refresh_from_db()
        evidence = Evidence(claim=claim, study=study, stance=stance)
        evidence.full_clean()
        evidence.save()
        words = "supporting" if stance == Stance.SUPPORTS else "contradicting"
        note = (
            f"Added {words} study {locked.doi}, found by watching the literature "
            f"({locked.found_by}), screened by {by.get_username()}."
        )
        if editors_changes:
            note += (
                f" Also publishes the editors' unpublished changes since v{claim.analysis_version}."
            )
        version = publish_analysis(claim=claim, by=by, note=note)
        _screened(locked, by=by, status=Screening.ADDED, version=version)
        refresh_status(claim)
    candidate.refresh_from_db()
    return version


def dismiss(candidate, *, by, reason: str) -> None:
    """Keep the candidate as not relevant, with a reason: it never comes back."""
    if reason not in NotRelevantReason.values:
        raise ValidationError({"reason": "Choose why it is not relevant."})
    with transaction.atomic():
        locked = _lock_waiting(candidate)
        _screened(locked, by=by, status=Screening.NOT_RELEVANT, reason=reason)
        refresh_status(locked.claim)
    candidate.refresh_from_db()


def put_off(candidate, *, by) -> None:
    """Leave the candidate waiting, at the end of the list."""
    with transaction.atomic():
        locked = _lock_waiting(candidate)
        locked.later = True
        locked.screened_by = by
        locked.screened_at = timezone.now()
        locked.save(update_fields=["later", "screened_by", "screened_at"])
    candidate.refresh_from_db()


def _screened(candidate, *, by, status, reason="", version=None):
    candidate.status = status
    candidate.reason = reason
    candidate.version = version
    candidate.screened_by = by
    candidate.screened_at = timezone.now()
    candidate.save(update_fields=["status", "reason", "version", "screened_by", "screened_at"])
