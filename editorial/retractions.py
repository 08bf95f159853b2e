"""Notices from Crossref, and what they do to the claims that cite a study.

`check_study()` asks Crossref about one study, records any new notice (evidence/notices.py
decides what each means) and, when the study's headline notice changed — it became retracted,
or an expression of concern arrived — re-grades every claim that cites it and publishes a new
analysis version through `claims.publishing.publish_analysis`, one transaction per claim.

A claim whose working copy holds editors' unpublished changes (decided by the comparison
publishing makes, `claims.publishing.has_unpublished_changes`) is not published: publishing
takes the whole working copy, and the editors' draft is not ours to publish. It is flagged on
the notice instead (`Notice.claims_awaiting_editor`), and the next version an editor publishes
carries the retraction. Every step is safe to repeat: a second run finds nothing to do.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from claims.analysis import ClaimAnalysis
from claims.models import Claim
from claims.publishing import (
    NothingToPublish,
    has_unpublished_changes,
    publish_analysis,
    working_snapshot,
)
from evidence import crossref
from evidence.models import Evidence, Notice, Study
from evidence.notices import kind_of

# Versions published without an editor name this account as their publisher.
PUBLISHER_USERNAME = "crossref"


@dataclass
class CheckResult:
    study: Study
    problem: str = ""  # why Crossref gave no answer; nothing changed then
    new_notices: list = field(default_factory=list)
    published: list = field(default_factory=list)  # AnalysisVersion
    awaiting_editor: list = field(default_factory=list)  # Claim


def notices_publisher():
    """The account that publishes re-graded versions: it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=PUBLISHER_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def check_study(study, *, by=None) -> CheckResult:
    """Ask Crossref about `study` afresh and act on any new notice."""
    result = crossref.lookup(study.doi, use_cache=False)
    if not isinstance(result, crossref.Found):
        return CheckResult(study=study, problem=result.message)
    new = record_notices(study=study, notices=result.work.notices)
    published, waiting = publish_notice_changes(study=study, by=by or notices_publisher())
    return CheckResult(study=study, new_notices=new, published=published, awaiting_editor=waiting)


@transaction.atomic
def record_notices(*, study, notices) -> list[Notice]:
    """Store the notices the study does not have yet; a retracting one retracts the study."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    seen = set(study.notices.values_list("kind", "notice_doi"))
    new = []
    for facts in notices:
        kind = kind_of(facts.kind)
        if (kind, facts.doi) in seen:
            continue
        seen.add((kind, facts.doi))
        new.append(
            Notice.objects.create(
                study=study, kind=kind, date=facts.date, notice_doi=facts.doi, source=facts.source
            )
        )
    retracting = sorted((n for n in new if n.retracts), key=lambda n: (n.date is None, n.date))
    if retracting and not study.retracted:
        first = retracting[0]
        study.retracted = True
        study.retraction_note = f"Crossref records a {first.get_kind_display().lower()} notice" + (
            f" of {first.date.isoformat()}." if first.date else "."
        )
        # Only the flag here: each citing claim is re-graded in its own transaction next.
        Study.objects.filter(pk=study.pk).update(
            retracted=True, retraction_note=study.retraction_note
        )
    return new


def citing_claims(study):
    return Claim.objects.filter(
        Q(evidence__study=study) | Q(mechanisms__steps__cited_studies=study)
    ).distinct()


def publish_notice_changes(*, study, by) -> tuple[list, list]:
    """Re-grade each claim citing `study` and publish those whose readers see an old notice."""
    study = Study.objects.prefetch_related("notices").get(pk=study.pk)
    notice = study.headline_notice
    published, waiting = [], []
    for claim_id in citing_claims(study).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=claim_id)
            _regrade(claim=claim, study=study)
            if notice is None or not claim.is_published:
                continue
            before = claim.current_version
            shown = _shown_ref(before.analysis, study.doi)
            if shown is None or (shown.retracted, shown.notice) == (study.retracted, notice.kind):
                continue
            if _editors_changes(claim=claim, study=study, shown=shown, since=before):
                notice.claims_awaiting_editor.add(claim)
                waiting.append(claim)
                continue
            snapshot = working_snapshot(claim)
            try:
                version = publish_analysis(
                    claim=claim,
                    by=by,
                    note=change_note(study=study, notice=notice, before=before, after=snapshot),
                )
            except NothingToPublish:
                continue
            published.append(version)
    return published, waiting


def _regrade(*, claim, study):
    links = list(Evidence.objects.filter(claim=claim, study=study).select_related("study"))
    changed = []
    for link in links:
        weight = link.weight
        link.study = study
        link.refresh_weight()
        if link.weight != weight:
            changed.append(link)
    if changed:
        Evidence.objects.bulk_update(changed, ["computed_weight", "weight"])
        claim.recompute_tallies()


def _shown_ref(analysis, doi):
    """How a version shows the study: its evidence item's study, else a citation."""
    for item in analysis.supporting + analysis.contradicting:
        if item.study.doi == doi:
            return item.study
    for mechanism in analysis.mechanisms:
        for step in mechanism.steps:
            for ref in step.citations:
                if ref.doi == doi:
                    return ref
    return None


def _editors_changes(*, claim, study, shown, since) -> bool:
    """Whether the claim's working copy holds editors' unpublished changes besides the notice.

    The study is put back as the published version `since` shows it (its retraction flag,
    without the notices recorded after that version), in a savepoint that is always rolled
    back, and the one comparison publishing makes decides (`has_unpublished_changes`): no list
    of fields to keep up to date, so no editor's judgement can slip into a version unseen.
    """
    with transaction.atomic():
        Study.objects.filter(pk=study.pk).update(retracted=shown.retracted)
        Notice.objects.filter(study=study, recorded_at__gt=since.published_at).delete()
        as_shown = Claim.objects.select_related("current_version").get(pk=claim.pk)
        _regrade(claim=as_shown, study=Study.objects.get(pk=study.pk))
        changed = has_unpublished_changes(as_shown)
        transaction.set_rollback(True)
    return changed


def change_note(*, study, notice, before, after: dict) -> str:
    """The generated note of a version published because of a notice."""
    old = before.analysis
    new = ClaimAnalysis.from_dict(after)
    when = f" of {notice.date.isoformat()}" if notice.date else ""
    where = f" ({notice.notice_doi})" if notice.notice_doi else ""
    lines = [
        f"{notice.get_kind_display()}{when}{where}, recorded by Crossref"
        f"{f' ({notice.source})' if notice.source else ''}, for {study.short_authors} "
        f"({study.year}) “{study.title}”, {study.doi}."
    ]
    weight_before = _weight_of(old, study.doi)
    weight_after = _weight_of(new, study.doi)
    if weight_before is not None:
        lines.append(f"Its weight on this claim: {weight_before} → {weight_after}.")
    else:
        lines.append("The claim cites it in a causal chain only: no weight changes.")
    lines.append(
        f"Pro {old.pro} / Against {old.against} → Pro {new.pro} / Against {new.against}; "
        f"verdict {old.verdict_label} → {new.verdict_label}."
    )
    lines.append("Published automatically by check_retractions.")
    return " ".join(lines)


def _weight_of(analysis, doi):
    for item in analysis.supporting + analysis.contradicting:
        if item.study.doi == doi:
            return item.weight
    return None
