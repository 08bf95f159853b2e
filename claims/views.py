from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.analysis import build_analysis
from claims.models import Claim, Topic
from claims.verdicts import Verdict


@require_GET
def claim_list(request):
    query = request.GET.get("q", "").strip()[:200]
    topic_slug = request.GET.get("topic", "").strip()
    claims = Claim.objects.for_listing().search(query)
    topic = None
    if topic_slug:
        topic = get_object_or_404(Topic, slug=topic_slug)
        claims = claims.filter(topics=topic)
    page = Paginator(claims, settings.CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "topic": topic,
        "topics": Topic.objects.all(),
        "verdicts": Verdict,
    }
    template = "claims/_claim_list.html" if request.htmx else "claims/claim_list.html"
    return render(request, template, context)


@require_GET
def claim_detail(request, slug):
    claim = get_object_or_404(Claim.objects.prefetch_related("topics"), slug=slug)
    context = {
        "claim": claim,
        "analysis": build_analysis(claim),
        "show_gold_standard": request.user.is_authenticated,
        "gate_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "claims/claim_detail.html", context)
