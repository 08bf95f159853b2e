"""Screening the studies watching the literature found: one page per claim, for editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from claims.models import Claim
from claimsite.editors import is_editor
from editorial import literature
from editorial.forms import AddForm, DismissForm
from editorial.literature import AlreadyScreened
from editorial.models import Candidate, Screening
from editorial.ranking import rank
from evidence.choices import Stance


def _require_editor(user):
    if not is_editor(user):
        raise PermissionDenied("Only editors screen new studies.")


def _item(candidate, add_form=None, dismiss_form=None, error=""):
    return {
        "candidate": candidate,
        "rank": rank(
            title=candidate.title,
            work_type=candidate.work_type,
            cites=candidate.cites_count,
            published=candidate.published,
            year=candidate.year,
        ),
        "add_form": add_form or AddForm.for_candidate(candidate),
        "dismiss_form": dismiss_form or DismissForm.for_candidate(candidate),
        "error": error,
    }


def _screening_context(claim, *, replace=None):
    """The claim's waiting candidates in screening order (put-off ones last): two queries."""
    replace = replace or {}
    candidates = Candidate.objects.filter(claim=claim).waiting()
    items = [replace.get(c.pk) or _item(c) for c in candidates]
    items.sort(key=lambda item: (item["candidate"].later, item["rank"].sort_key))
    return {"claim": claim, "items": items}


@require_safe
@login_required
def screening(request, slug):
    _require_editor(request.user)
    claim = get_object_or_404(Claim.objects.select_related("current_version"), slug=slug)
    return render(request, "editorial/screening.html", _screening_context(claim))


def _invalid(request, candidate, item, status):
    if request.htmx:
        return render(request, "editorial/_candidate.html", {"item": item}, status=status)
    context = _screening_context(candidate.claim, replace={candidate.pk: item})
    return render(request, "editorial/screening.html", context, status=status)


def _done(request, candidate, outcome, *, status=200, refused=False):
    if request.htmx:
        return render(
            request,
            "editorial/_candidate_result.html",
            {"candidate": candidate, "outcome": outcome, "refused": refused},
            status=status,
        )
    (messages.error if refused else messages.success)(request, outcome)
    return redirect("editorial:screening", slug=candidate.claim.slug)


@require_POST
@login_required
def screen(request, pk):
    """One decision on one candidate: add as supporting or contradicting, not relevant, later."""
    _require_editor(request.user)
    candidate = get_object_or_404(Candidate.objects.select_related("claim"), pk=pk)
    decision = request.POST.get("decision", "")
    try:
        if decision in Stance.values:
            form = AddForm.for_candidate(candidate, request.POST)
            if not form.is_valid():
                return _invalid(request, candidate, _item(candidate, add_form=form), 400)
            try:
                version = literature.add(
                    candidate,
                    by=request.user,
                    stance=decision,
                    design=form.cleaned_data["design"],
                    sample_size=form.cleaned_data["sample_size"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                return _invalid(request, candidate, _item(candidate, add_form=form), 400)
            words = "supporting" if decision == Stance.SUPPORTS else "contradicting"
            return _done(
                request,
                candidate,
                f"Added {candidate.doi} as {words}: published analysis v{version.number}.",
            )
        if decision == Screening.NOT_RELEVANT:
            form = DismissForm.for_candidate(candidate, request.POST)
            if not form.is_valid():
                return _invalid(request, candidate, _item(candidate, dismiss_form=form), 400)
            literature.dismiss(candidate, by=request.user, reason=form.cleaned_data["reason"])
            return _done(
                request,
                candidate,
                f"Not relevant ({candidate.get_reason_display().lower()}): "
                f"{candidate.doi} will not come back.",
            )
        if decision == "later":
            literature.put_off(candidate, by=request.user)
            return _done(request, candidate, f"Later: {candidate.doi} moved to the end.")
    except AlreadyScreened as refusal:
        return _done(request, candidate, str(refusal), status=409, refused=True)
    item = _item(candidate, error="Choose what to do with this study.")
    return _invalid(request, candidate, item, 400)
