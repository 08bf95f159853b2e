from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.analysis import build_analysis
from claims.caching import (
    PublishedAnalysis,
    analysis_fragment,
    claim_stamp,
    compare_stamp,
    latest_publication_stamp,
    reader_page,
    version_stamp,
)
from claims.compare import compare_analyses
from claims.models import Claim, Topic
from claims.publishing import has_unpublished_changes


def is_editor(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("claims.change_claim")


def _claim_or_404(request, slug):
    """The claim, if this user may see it: readers see only published claims."""
    claim = get_object_or_404(Claim.objects.select_related("current_version"), slug=slug)
    if not claim.is_published and not is_editor(request.user):
        raise Http404("No published claim here.")
    return claim


def _page_context(request, claim, analysis, **extra):
    return {
        "claim": claim,
        "analysis": analysis,
        "is_editor": is_editor(request.user),
        "show_gold_standard": request.user.is_authenticated,
        "gate_url": f"{reverse('signup')}?{urlencode({'next': request.path})}",
        "latest_number": claim.analysis_version,
        **extra,
    }


@reader_page(latest_publication_stamp)
@require_GET
def claim_list(request):
    query = request.GET.get("q", "").strip()[:200]
    topic_slug = request.GET.get("topic", "").strip()
    claims = Claim.objects.published().for_listing().search(query)
    topic = None
    if topic_slug:
        topic = get_object_or_404(Topic, slug=topic_slug)
        claims = claims.filter(topics=topic)
    page = Paginator(claims, settings.CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    # Readers see each claim as last published, not the editors' working copy.
    items = [(claim, claim.current_version.analysis) for claim in page.object_list]
    context = {
        "page": page,
        "items": items,
        "query": query,
        "topic": topic,
        "topics": Topic.objects.filter(claims__current_version__isnull=False).distinct(),
    }
    template = "claims/_claim_list.html" if request.htmx else "claims/claim_list.html"
    return render(request, template, context)


@reader_page(claim_stamp)
@require_GET
def claim_detail(request, slug):
    claim = _claim_or_404(request, slug)
    if not claim.is_published:
        # Only editors get here: the working copy of a claim readers cannot see yet.
        context = _page_context(request, claim, build_analysis(claim, version=1), mode="draft")
        return render(request, "claims/claim_detail.html", context)
    unpublished = is_editor(request.user) and has_unpublished_changes(claim)
    context = _page_context(
        request,
        claim,
        PublishedAnalysis(claim.current_version),
        mode="current",
        unpublished=unpublished,
    )
    context["analysis_html"] = analysis_fragment(
        request, version=claim.current_version, context=context
    )
    return render(request, "claims/claim_detail.html", context)


@require_GET
@login_required
def claim_preview(request, slug):
    if not is_editor(request.user):
        raise PermissionDenied("Only editors can preview unpublished analyses.")
    claim = get_object_or_404(Claim.objects.select_related("current_version"), slug=slug)
    analysis = build_analysis(claim, version=claim.analysis_version + 1)
    context = _page_context(request, claim, analysis, mode="preview")
    return render(request, "claims/claim_detail.html", context)


@reader_page(version_stamp)
@require_GET
def claim_version(request, slug, number):
    claim = _claim_or_404(request, slug)
    version = get_object_or_404(claim.versions.select_related("published_by"), number=number)
    analysis = PublishedAnalysis(version)
    context = _page_context(request, claim, analysis, mode="version", version=version)
    context["analysis_html"] = analysis_fragment(request, version=version, context=context)
    return render(request, "claims/claim_detail.html", context)


@require_GET
def claim_history(request, slug):
    claim = _claim_or_404(request, slug)
    versions = list(claim.versions.for_history())
    return render(
        request,
        "claims/history.html",
        {"claim": claim, "versions": versions, "is_editor": is_editor(request.user)},
    )


def _comparison_context(request, claim, a, b):
    found = {
        v.number: v for v in claim.versions.select_related("published_by").filter(number__in={a, b})
    }
    if a not in found or b not in found:
        raise Http404("No such version.")
    before, after = found[a], found[b]
    return {
        "claim": claim,
        "before": before,
        "after": after,
        "comparison": compare_analyses(before.analysis, after.analysis),
        # The gold-standard list is for members, on the compare page as on the claim page.
        "show_gold_standard": request.user.is_authenticated,
        "gate_url": f"{reverse('signup')}?{urlencode({'next': request.path})}",
    }


@reader_page(compare_stamp)
@require_GET
def claim_compare(request, slug, a, b):
    claim = _claim_or_404(request, slug)
    context = _comparison_context(request, claim, a, b)
    template = "claims/_compare.html" if request.htmx else "claims/compare.html"
    return render(request, template, context)


@require_GET
def claim_compare_pick(request, slug):
    """The History page's "compare two versions" form: /compare/?a=1&b=3."""
    claim = _claim_or_404(request, slug)
    try:
        a, b = int(request.GET["a"]), int(request.GET["b"])
    except (KeyError, ValueError):
        return redirect("claims:history", slug=claim.slug)
    if request.htmx:
        response = render(
            request, "claims/_compare.html", _comparison_context(request, claim, a, b)
        )
        response["HX-Push-Url"] = reverse("claims:compare", args=[claim.slug, a, b])
        return response
    return redirect("claims:compare", slug=claim.slug, a=a, b=b)
