"""The editors' page: what needs an editor's attention, in a fixed number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.models import Claim
from claims.publishing import claims_with_unpublished_changes
from claimsite.editors import is_editor
from evidence.models import Notice, Submission, SubmissionStatus


@require_safe
@login_required
def editors_page(request):
    if not is_editor(request.user):
        raise PermissionDenied("Only editors see the editors' page.")
    notices = (
        Notice.objects.filter(claims_awaiting_editor__isnull=False)
        .distinct()
        .select_related("study")
        .prefetch_related("claims_awaiting_editor")
        .order_by("-recorded_at")
    )
    screening_claims = list(
        Claim.objects.filter(literature_waiting__gt=0).order_by("-literature_waiting", "slug")
    )
    context = {
        "pending_count": Submission.objects.pending().count(),
        "changed_claims": claims_with_unpublished_changes(),
        # Approved while an editor's draft held the claim back: in its next version.
        "approved_waiting": Submission.objects.filter(
            status=SubmissionStatus.APPROVED, version__isnull=True, evidence__isnull=False
        )
        .select_related("claim")
        .order_by("-reviewed_at", "pk"),
        "notices": notices,
        # Candidates from watching the literature, counted on each claim's own row.
        "screening_claims": screening_claims,
        "screening_total": sum(claim.literature_waiting for claim in screening_claims),
    }
    return render(request, "claims/editors.html", context)
