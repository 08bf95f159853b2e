"""Moderation: editors approve or reject the evidence members submit, in a queue of cards
(each card also its own page, where a form with errors lands without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from claimsite.editors import is_editor
from editorial import moderation
from editorial.moderation import AlreadyReviewed
from evidence import crossref
from evidence.choices import RiskOfBias
from evidence.forms import ApproveForm, RejectForm
from evidence.models import Study, Submission, SubmissionStatus
from evidence.notices import kind_of
from evidence.weights import compute_weight


def _require_moderator(user):
    if not is_editor(user):
        raise PermissionDenied("Only editors moderate submissions.")


def _studies(dois) -> dict:
    """The site's studies for these DOIs, by DOI, with what an approval preview reads."""
    return {s.doi: s for s in Study.objects.filter(doi__in=dois).prefetch_related("notices")}


def _queue_item(submission, studies, approve_form=None, reject_form=None, error="", preview=None):
    study = studies.get(submission.doi)
    if preview is None and submission.status == SubmissionStatus.PENDING:
        preview = moderation.approval_previews([submission], studies)[submission.pk]
    # For a study new to the site: what Crossref says beside what the member typed, and the
    # weight the rule would give (risk of bias is not assessed until an editor assesses it).
    lookup = crossref.lookup(submission.doi) if study is None else None
    work = lookup.work if isinstance(lookup, crossref.Found) else None
    rule_weight = (
        compute_weight(
            design=submission.design,
            sample_size=submission.sample_size,
            risk_of_bias=RiskOfBias.NOT_ASSESSED,
        )
        if study is None and submission.design
        else None
    )
    approve_form = approve_form or ApproveForm(
        initial=ApproveForm.initial_for(submission, work),
        study_known=study is not None,
        prefix=f"approve-{submission.pk}",
    )
    # The editing part stays folded unless the editor has something to fix there: a fact the
    # approval needs that neither the member nor Crossref gave, or an error.
    needs_facts = approve_form.errors or any(
        approve_form.fields[name].required and approve_form.initial.get(name) in (None, "")
        for name in ApproveForm.STUDY_FIELDS
        if name in approve_form.fields
    )
    return {
        "submission": submission,
        "study": study,
        "needs_facts": bool(needs_facts),
        "crossref": lookup,
        "crossref_notices": [kind_of(n.kind).label for n in work.notices] if work else [],
        "rule_weight": rule_weight,
        "approve_form": approve_form,
        "reject_form": reject_form or RejectForm(prefix=f"reject-{submission.pk}"),
        "error": error,
        "preview": preview,
    }


@require_safe
@login_required
def moderation_queue(request):
    _require_moderator(request.user)
    queue = list(Submission.objects.for_queue().select_related("claim__current_version"))
    studies = _studies([item.doi for item in queue])
    previews = moderation.approval_previews(queue, studies)
    items = [_queue_item(s, studies, preview=previews[s.pk]) for s in queue]
    return render(request, "evidence/moderation.html", {"items": items})


def _moderation_target(request, pk):
    """The submission an editor acts on, and the site's study for its DOI if there is one."""
    _require_moderator(request.user)
    submission = get_object_or_404(
        Submission.objects.select_related("claim__current_version", "submitter"), pk=pk
    )
    studies = _studies([submission.doi])
    return submission, studies


def _render_item(request, item, status):
    template = "evidence/_moderation_item.html" if request.htmx else "evidence/moderation_item.html"
    return render(request, template, {"item": item}, status=status)


def _reviewed(request, submission, outcome):
    if request.htmx:
        return render(
            request,
            "evidence/_moderation_result.html",
            {"submission": submission, "outcome": outcome},
        )
    messages.success(request, outcome)
    return redirect("editorial:moderation")


def _already_reviewed(request, submission, refusal, studies):
    if request.htmx:
        return render(
            request,
            "evidence/_moderation_result.html",
            {"submission": submission, "outcome": str(refusal), "refused": True},
            status=409,
        )
    return _render_item(request, _queue_item(submission, studies, error=str(refusal)), 409)


@require_POST
@login_required
def approve_submission(request, pk):
    submission, studies = _moderation_target(request, pk)
    form = ApproveForm(
        request.POST, study_known=submission.doi in studies, prefix=f"approve-{submission.pk}"
    )
    if not form.is_valid():
        return _render_item(request, _queue_item(submission, studies, approve_form=form), 400)
    facts = form.study_facts()
    lookup = crossref.lookup(submission.doi) if facts is not None else None
    if isinstance(lookup, crossref.Found):
        # Facts no member types, asked of Crossref before any row is locked.
        for name in ("volume", "issue", "pages"):
            facts[name] = getattr(lookup.work, name)
    try:
        version = moderation.approve(
            submission,
            by=request.user,
            study_facts=facts,
            weight_override=form.cleaned_data["weight_override"],
            override_reason=form.cleaned_data["weight_override_reason"],
        )
    except AlreadyReviewed as refusal:
        return _already_reviewed(request, submission, refusal, studies)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_item(request, _queue_item(submission, studies, approve_form=form), 400)
    return _reviewed(request, submission, moderation.approval_outcome(submission, version))


@require_POST
@login_required
def reject_submission(request, pk):
    submission, studies = _moderation_target(request, pk)
    form = RejectForm(request.POST, prefix=f"reject-{submission.pk}")
    if not form.is_valid():
        return _render_item(request, _queue_item(submission, studies, reject_form=form), 400)
    try:
        moderation.reject(submission, by=request.user, reason=form.cleaned_data["reason"])
    except AlreadyReviewed as refusal:
        return _already_reviewed(request, submission, refusal, studies)
    return _reviewed(request, submission, f"Rejected {submission.doi}.")


@require_safe
@login_required
def moderation_item(request, pk):
    """One submission on its own page: where forms with errors land without JavaScript."""
    submission, studies = _moderation_target(request, pk)
    return _render_item(request, _queue_item(submission, studies), 200)
