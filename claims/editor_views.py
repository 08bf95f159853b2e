"""The editors' page: what needs an editor's attention, in a fixed number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.editors import is_editor
from claims.models import Claim
from evidence.models import Evidence, Notice, Submission


def claims_changed_since_published():
    """Claims never published, or edited (the claim, its evidence or an evidence study's
    facts) after their latest version was published. One query: a date comparison, not a
    rebuild of each working copy; the publish page then shows exactly what changed."""
    published_at = OuterRef("current_version__published_at")
    evidence_changed = Evidence.objects.filter(claim=OuterRef("pk")).filter(
        Q(updated_at__gt=published_at) | Q(study__updated_at__gt=published_at)
    )
    return (
        Claim.objects.filter(
            Q(current_version__isnull=True)
            | Q(updated_at__gt=F("current_version__published_at"))
            | Exists(evidence_changed)
        )
        .select_related("current_version")
        .order_by("-updated_at")
    )


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
        "changed_claims": claims_changed_since_published(),
        "notices": notices,
        # Candidates from watching the literature, counted on each claim's own row.
        "screening_claims": screening_claims,
        "screening_total": sum(claim.literature_waiting for claim in screening_claims),
    }
    return render(request, "claims/editors.html", context)
