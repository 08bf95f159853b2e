"""Moderation: an editor approves or rejects a member's submission.

Approving touches three apps at once — it creates or reuses the study, adds the evidence to
the claim and publishes a new analysis version through `claims.publishing` — so it lives
here, beside the models, rather than in any one of them. `approval_previews()` tells the
moderation queue what each approval would make of its claim, building the same study and
evidence in memory, without writing anything.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import notifications
from claims.analysis import build_analyses_adding
from claims.models import Claim
from claims.publishing import as_stored, has_unpublished_changes, publish_analysis
from evidence.choices import Stance
from evidence.models import Evidence, Study, Submission, SubmissionStatus


class AlreadyReviewed(Exception):
    """Another editor acted on the submission first."""

    def __init__(self, submission):
        self.submission = submission
        reviewer = submission.reviewed_by.get_username() if submission.reviewed_by else "an editor"
        super().__init__(
            f"This submission was already reviewed by {reviewer} "
            f"({submission.get_status_display().lower()})."
        )


def _lock_pending(submission) -> Submission:
    """Re-read `submission` under a row lock; refuse if someone already reviewed it."""
    # No join here: after waiting for the lock, PostgreSQL re-reads the locked row but not
    # a joined one, so the reviewer is loaded afterwards, fresh.
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != SubmissionStatus.PENDING:
        raise AlreadyReviewed(locked)
    return locked


def _new_study(submission, study_facts=None) -> Study:
    """The study an approval adds for a DOI new to the site (not saved): the member's facts,
    with the editor's corrections."""
    facts = {
        "title": submission.title,
        "authors": submission.authors,
        "journal": submission.journal,
        "year": submission.year,
        "design": submission.design,
        "sample_size": submission.sample_size,
        **(study_facts or {}),
    }
    return Study(doi=submission.doi, **facts)


def _evidence(submission, *, claim, study, weight_override=None, override_reason="") -> Evidence:
    """The evidence an approval adds to the claim (not saved)."""
    return Evidence(
        claim=claim,
        study=study,
        stance=submission.stance,
        finding=submission.note,
        weight_override=weight_override,
        weight_override_reason=override_reason if weight_override is not None else "",
        submitted_by=submission.submitter,
        **submission.effect_values(),
    )


def approve(submission, *, by, study_facts=None, weight_override=None, override_reason=""):
    """Turn the submission into evidence and publish a new analysis version, all at once.

    `study_facts` (title, authors, journal, year, design, sample_size) are the editor's
    corrections, used when the study is new to the site. Returns the new version, or None
    when the claim's working copy already held editors' unpublished changes: publishing takes
    the whole working copy, and an editor's draft is published by an editor, so the evidence
    joins the draft and the next version an editor publishes includes it (and is linked to
    the submission then). Raises AlreadyReviewed when another editor acted first and
    ValidationError for bad facts.
    """
    with transaction.atomic():
        locked = _lock_pending(submission)
        # One approval at a time per claim: tallies and version numbers stay consistent.
        # (No join under the lock: a joined row is not re-read after the lock wait.)
        claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
        # Decided before the evidence is added, by the comparison publishing makes.
        editors_draft = has_unpublished_changes(claim)
        study = Study.objects.filter(doi=locked.doi).first()
        if study is None:
            study = _new_study(locked, study_facts)
            study.full_clean()
            study.save()
        evidence = _evidence(
            locked,
            claim=claim,
            study=study,
            weight_override=weight_override,
            override_reason=override_reason,
        )
        evidence.full_clean()
        evidence.save()
        stance = "supporting" if locked.stance == Stance.SUPPORTS else "contradicting"
        note = (
            f"Added {stance} study {locked.doi}, submitted by "
            f"{locked.submitter.get_username()}, approved by {by.get_username()}"
        )
        version = None if editors_draft else publish_analysis(claim=claim, by=by, note=note)
        locked.status = SubmissionStatus.APPROVED
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.evidence = evidence
        locked.version = version
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "evidence", "version"])
        notifications.submission_reviewed(locked)
    submission.refresh_from_db()
    return version


def approval_outcome(submission, version) -> str:
    """What an editor is told after approving."""
    if version is not None:
        return f"Approved {submission.doi}: published analysis v{version.number}."
    return (
        f"Approved {submission.doi}: added to the claim's working copy, which holds editors' "
        "unpublished changes, so no version was published. It is listed on the editors' page "
        "until an editor publishes the claim."
    )


def reject(submission, *, by, reason: str) -> None:
    """Reject the submission with a reason the member reads; raises AlreadyReviewed when
    another editor acted first and ValidationError for an empty reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the member a reason."})
    with transaction.atomic():
        locked = _lock_pending(submission)
        locked.status = SubmissionStatus.REJECTED
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        notifications.submission_reviewed(locked)
    submission.refresh_from_db()


@dataclass(frozen=True)
class Figures:
    """What the claim page says of a claim's evidence: tallies, verdict, certainty."""

    pro: int
    against: int
    verdict: str
    verdict_label: str
    certainty: str
    certainty_label: str

    @classmethod
    def of(cls, analysis) -> "Figures":
        return cls(
            pro=analysis.pro,
            against=analysis.against,
            verdict=analysis.verdict,
            verdict_label=analysis.verdict_label,
            certainty=analysis.certainty.level,
            certainty_label=analysis.certainty.label,
        )


@dataclass(frozen=True)
class ApprovalPreview:
    """A claim as readers see it now, and as approving a submission (with the rule's weight)
    would make it. `publishes` is False when an editor's unpublished draft holds the claim:
    the evidence then joins the draft, and readers see `after` once an editor publishes."""

    now: Figures | None
    after: Figures | None
    publishes: bool


def approval_previews(submissions, studies) -> dict[int, ApprovalPreview]:
    """What approving each submission would make of its claim, computed by the real rules
    from the claim's working copy without writing anything, in a fixed number of queries
    however many submissions.

    `submissions` come with `claim__current_version` and `submitter` loaded; `studies` maps
    the site's studies by DOI, notices prefetched. A study new to the site weighs as its
    design and size say, risk of bias not yet assessed (as the approval would store it);
    without a design nothing can be said of it yet (`after` is None).
    """
    links = {}
    for submission in submissions:
        study = studies.get(submission.doi)
        if study is None and not submission.design:
            continue
        link = _evidence(submission, claim=submission.claim, study=study or _new_study(submission))
        link.refresh_weight()
        links[submission.pk] = link
    built = dict(zip(links, build_analyses_adding(links.values()), strict=True))
    previews = {}
    for submission in submissions:
        version = submission.claim.current_version
        now = Figures.of(version.analysis) if version else None
        if submission.pk not in built:
            previews[submission.pk] = ApprovalPreview(now=now, after=None, publishes=True)
            continue
        working, after = built[submission.pk]
        # The comparison approve() makes through has_unpublished_changes(), on the same data.
        publishes = version is not None and version.same_analysis_as(as_stored(working))
        previews[submission.pk] = ApprovalPreview(
            now=now, after=Figures.of(after), publishes=publishes
        )
    return previews
