from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evidence.models import Study


@require_GET
def study_detail(request, doi):
    try:
        study = Study.objects.get_by_doi(doi)
    except Study.DoesNotExist:
        raise Http404("No study with this DOI is on the site.") from None
    # Only claims readers can open: drafts stay with the editors.
    citing = (
        study.evidence.filter(claim__current_version__isnull=False)
        .select_related("claim")
        .order_by("claim__statement")
    )
    steps = (
        study.cited_in_steps.filter(mechanism__claim__current_version__isnull=False)
        .select_related("mechanism__claim")
        .order_by("mechanism__claim__statement", "mechanism__claim_id", "mechanism__rank", "order")
    )
    return render(
        request,
        "evidence/study_detail.html",
        {
            "study": study,
            "weight": study.weight(),
            "citing_evidence": citing,
            "citing_steps": steps,
        },
    )
