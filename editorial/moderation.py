"""Moderation: an editor approves or rejects a member's submission.

Approving touches three apps at once — it creates or reuses the study, adds the evidence to
the claim and publishes a new analysis version through `claims.publishing` — so it lives
here, beside the models, rather than in any one of them.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims import notifications
from claims.models import Claim
from claims.publishing import has_unpublished_changes, publish_analysis
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
            facts = {
                "title": locked.title,
                "authors": locked.authors,
                "journal": locked.journal,
                "year": locked.year,
                "design": locked.design,
                "sample_size": locked.sample_size,
                **(study_facts or {}),
            }
            study = Study(doi=locked.doi, **facts)
            study.full_clean()
            study.save()
        evidence = Evidence(
            claim=claim,
            study=study,
            stance=locked.stance,
            finding=locked.note,
            weight_override=weight_override,
            weight_override_reason=override_reason if weight_override is not None else "",
            submitted_by=locked.submitter,
            **locked.effect_values(),
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
