import dataclasses
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import IntegerField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from claims import certainty as certainty_rule
from claims import search, structured_data
from claims.analysis import ClaimAnalysis, TopicRef, build_analysis
from claims.caching import (
    KeptRanking,
    PublishedAnalysis,
    analysis_fragment,
    claim_stamp,
    compare_stamp,
    kept_per_version,
    latest_publication_stamp,
    listing_count,
    positive_page,
    reader_page,
    version_stamp,
    version_text,
)
from claims.certainty import CertaintyLevel
from claims.compare import compare_analyses
from claims.literature import literature_status
from claims.models import Claim, PublishedClaim, PublishedTopic
from claims.publishing import has_unpublished_changes
from claims.sensitivity import CHECK_KEYS
from claims.verdicts import rule_rows
from claimsite.converters import parse_positive_int
from claimsite.editors import is_editor
from evidence import weights


def _claim_or_404(request, slug):
    """The claim, if this user may see it: readers see only published claims."""
    claim = get_object_or_404(Claim.objects.select_related("current_version", "listing"), slug=slug)
    if not claim.is_published and not is_editor(request.user):
        raise Http404("No published claim here.")
    return claim


def _for_reader(request, analysis: ClaimAnalysis) -> ClaimAnalysis:
    """The analysis as this reader may see it: the gold-standard list is for members only,
    so it never reaches a template rendered for an anonymous reader."""
    return analysis if request.user.is_authenticated else analysis.without_gold_standard()


def _page_context(request, claim, analysis, **extra):
    check = request.GET.get("check", "")
    return {
        "claim": claim,
        "analysis": _for_reader(request, analysis),
        # A sensitivity check chosen with ?check=…; its numbers are in the analysis already.
        "selected_check": (
            next((c for c in analysis.sensitivity if c.key == check), None) if check else None
        ),
        "show_gold_standard": request.user.is_authenticated,
        "gate_url": f"{reverse('signup')}?{urlencode({'next': request.path})}",
        "latest_number": claim.analysis_version,
        **extra,
    }


def _published_topics() -> tuple[TopicRef, ...]:
    """The topics of published claims, named as their latest published versions name them.

    Read from the published listing only, like the list itself: a topic renamed in the
    admin changes nothing here until a claim with it is published again. So it is read once
    per published version in each process (1–2 ms a page at 100,000 claims).
    """
    return kept_per_version(("topics",), _read_published_topics)


def _read_published_topics() -> tuple[TopicRef, ...]:
    topics, listings = PublishedTopic._meta.db_table, PublishedClaim._meta.db_table
    # Each distinct slug by a skip through the (slug, listing) index, then its name in the
    # latest listing that has it: a handful of index lookups a topic, where a window over
    # every topic row took 100 ms at 10,000 claims and grew with them.
    sql = f"""
        WITH RECURSIVE slugs(slug) AS (
            SELECT MIN(slug) FROM {topics}
            UNION ALL
            SELECT (SELECT MIN(t.slug) FROM {topics} t WHERE t.slug > slugs.slug)
            FROM slugs WHERE slugs.slug IS NOT NULL
        )
        SELECT (
            SELECT t.name FROM {topics} t JOIN {listings} c ON c.claim_id = t.listing_id
            WHERE t.slug = slugs.slug ORDER BY c.published_at DESC, c.claim_id DESC LIMIT 1
        ) AS name, slug
        FROM slugs WHERE slug IS NOT NULL ORDER BY name, slug
    """  # noqa: S608 - table names from the models; no input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(TopicRef(name=name, slug=slug) for name, slug in cursor.fetchall())


def _published_topic_or_404(slug, topics: tuple[TopicRef, ...]) -> TopicRef:
    """A topic readers can filter by: one that a published version gives a claim."""
    for topic in topics:
        if topic.slug == slug:
            return topic
    raise Http404("No published claim has this topic.")


# The query parameters each cached page reads (claims/caching.py drops any others).
LIST_PARAMS = {
    "topic": lambda value: value.strip()[:80],
    "certainty": set(CertaintyLevel.values),
    "page": positive_page,
}
CHECK_PARAMS = {"check": set(CHECK_KEYS)}


@reader_page(latest_publication_stamp, params=LIST_PARAMS)
@require_safe
def claim_list(request):
    query = request.GET.get("q", "").strip()[:200]
    topic_slug = request.GET.get("topic", "").strip()
    # Everything here is read from the published-claims listing, written at publish time:
    # readers see each claim as last published, never the editors' working copy.
    listings = PublishedClaim.objects.for_listing()
    claims = listings.prefetch_related(None)
    topics = _published_topics()
    topic = None
    if topic_slug:
        topic = _published_topic_or_404(topic_slug, topics)
        claims = claims.with_topic(topic_slug)
    # The certainty of what was published, as readers see it (an unknown value is ignored).
    certainty = request.GET.get("certainty", "")
    certainty = CertaintyLevel(certainty) if certainty in CertaintyLevel.values else None
    if certainty:
        claims = claims.filter(certainty_level=certainty)
    # The page's ids first, then its rows: a deep page skips index entries, not whole rows
    # (at 100,000 claims, 40 ms for `?page=` half-way by whole rows; EXPLAIN in README).
    ids = search.best_first(claims, query) if query else claims.values_list("pk", flat=True)
    # Counted once per published version, filter and search in each process (the list's
    # total was half of the home page's queries' time; a common word's, 16 ms at 100,000).
    count = listing_count(ids, topic_slug, certainty, query)
    if query:
        # And a search's first pages ranked once per published version, filters and words.
        ids = KeptRanking(ids, topic_slug, certainty, query)
    paginator = Paginator(ids, settings.CLAIMS_PER_PAGE)
    paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    rows = listings.order_by().filter(pk__in=list(page.object_list)).in_bulk()
    # A listing goes only with its claim, which publishing forbids; a kept ranking must still
    # never name a row that is gone.
    items = [rows[pk] for pk in page.object_list if pk in rows]
    if query:
        items = search.mark(items, query)
    context = {
        "page": page,
        "items": items,
        "query": query,
        "topic": topic,
        "certainty": certainty,
        "certainty_levels": CertaintyLevel,
        "topics": topics,
        # The "How verdicts are reached" section, written from the rules themselves.
        "verdict_rule": rule_rows(),
        "max_weight": weights.MAX_WEIGHT,
        # The certainty rule's participant thresholds, for "How certainty is rated".
        "imprecision_serious": certainty_rule.IMPRECISION_SERIOUS,
        "imprecision_very_serious": certainty_rule.IMPRECISION_VERY_SERIOUS,
    }
    template = "claims/_claim_list.html" if request.htmx else "claims/claim_list.html"
    return render(request, template, context)


def _render_claim_page(request, context, *, version=None):
    """The claim page, or only its sensitivity section for the toggles' htmx requests.

    For a published `version` the analysis part comes from the per-version cache, and only
    when the whole page is rendered.
    """
    if request.htmx and request.htmx.target == "sensitivity":
        response = render(request, "claims/_sensitivity.html", context)
    else:
        if version is not None:
            context["analysis_html"] = analysis_fragment(request, version=version, context=context)
            context["cite"] = _cite(request, context["claim"], version)
            context["jsonld"] = _claim_review(request, context["claim"], version, context["mode"])
        response = render(request, "claims/claim_detail.html", context)
    # One URL answers with the page or the section: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _cite(request, claim, version) -> dict:
    """ "Cite this claim" for the version shown, rendered once per version (citeproc is slow)."""
    from claims.citation_views import cite_this_claim

    texts = version_text(
        request,
        kind="cite",
        version=version,
        build=lambda: cite_this_claim(request, version, claim.slug),
    )
    return {
        **texts,
        "slug": claim.slug,
        "number": version.number,
        "is_current": version.pk == claim.current_version_id,
    }


def _claim_review(request, claim, version, mode) -> str:
    """The page's ClaimReview JSON-LD, made once per version and page kind."""

    def build():
        snapshot = version.snapshot
        certainty = snapshot.get("certainty") or {}
        first = claim.versions.filter(number=1).values_list("published_at", flat=True).first()
        path = version.get_absolute_url() if mode == "version" else claim.get_absolute_url()
        return structured_data.script_json(
            structured_data.claim_review(
                statement=snapshot["statement"],
                verdict=snapshot["verdict"],
                verdict_label=snapshot["verdict_label"],
                certainty_label=certainty.get("label", ""),
                certainty_overridden=bool(certainty.get("overridden")),
                url=request.build_absolute_uri(path),
                site_url=request.build_absolute_uri("/"),
                first_published=first or version.published_at,
                last_published=version.published_at,
            )
        )

    text = version_text(request, kind=f"claimreview:{mode}", version=version, build=build)
    # script_json escapes everything that could end the script element.
    return mark_safe(text)  # noqa: S308


@reader_page(claim_stamp, params=CHECK_PARAMS, members=True)
@require_safe
def claim_detail(request, slug):
    claim = _claim_or_404(request, slug)
    if not claim.is_published:
        # Only editors get here: the working copy of a claim readers cannot see yet.
        context = _page_context(request, claim, build_analysis(claim, version=1), mode="draft")
        return _render_claim_page(request, context)
    unpublished = is_editor(request.user) and has_unpublished_changes(claim)
    context = _page_context(
        request,
        claim,
        PublishedAnalysis(claim.current_version),
        mode="current",
        unpublished=unpublished,
        # Outside the cached analysis part: it changes without a new version (claim_stamp).
        literature=literature_status(
            checked_at=claim.literature_checked_at
            and timezone.localtime(claim.literature_checked_at),
            waiting=claim.literature_waiting,
            now=timezone.now(),
        ),
    )
    return _render_claim_page(request, context, version=claim.current_version)


@require_safe
@login_required
def claim_preview(request, slug):
    if not is_editor(request.user):
        raise PermissionDenied("Only editors can preview unpublished analyses.")
    claim = get_object_or_404(Claim.objects.select_related("current_version"), slug=slug)
    analysis = build_analysis(claim, version=claim.analysis_version + 1)
    context = _page_context(request, claim, analysis, mode="preview")
    return _render_claim_page(request, context)


@reader_page(version_stamp, params=CHECK_PARAMS)
@require_safe
def claim_version(request, slug, number):
    claim = _claim_or_404(request, slug)
    version = get_object_or_404(claim.versions.select_related("published_by"), number=number)
    analysis = PublishedAnalysis(version)
    context = _page_context(request, claim, analysis, mode="version", version=version)
    return _render_claim_page(request, context, version=version)


@require_safe
def claim_history(request, slug):
    claim = _claim_or_404(request, slug)
    # The rule's tallies from each snapshot (absent from versions published before they were
    # recorded), so a tally an editor's weight moved is marked; the snapshot stays unloaded.
    versions = list(
        claim.versions.for_history().annotate(
            rule_pro=Cast(KT("snapshot__rule_pro"), IntegerField()),
            rule_against=Cast(KT("snapshot__rule_against"), IntegerField()),
        )
    )
    return render(request, "claims/history.html", {"claim": claim, "versions": versions})


def _comparison_context(request, claim, a, b):
    found = {
        v.number: v for v in claim.versions.select_related("published_by").filter(number__in={a, b})
    }
    if a not in found or b not in found:
        raise Http404("No such version.")
    before, after = found[a], found[b]
    comparison = compare_analyses(before.analysis, after.analysis)
    if not request.user.is_authenticated:
        # The gold-standard list is for members, on the compare page as on the claim page:
        # anonymous readers learn that it changed, not what it says.
        comparison = dataclasses.replace(
            comparison,
            before=_for_reader(request, comparison.before),
            after=_for_reader(request, comparison.after),
            gold_standard=[],
            gold_standard_hidden=bool(comparison.gold_standard),
        )
    return {
        "claim": claim,
        "before": before,
        "after": after,
        "comparison": comparison,
        "gate_url": f"{reverse('signup')}?{urlencode({'next': request.path})}",
    }


@reader_page(compare_stamp)
@require_safe
def claim_compare(request, slug, a, b):
    claim = _claim_or_404(request, slug)
    context = _comparison_context(request, claim, a, b)
    template = "claims/_compare.html" if request.htmx else "claims/compare.html"
    return render(request, template, context)


@require_safe
def claim_compare_pick(request, slug):
    """The History page's "compare two versions" form: /compare/?a=1&b=3."""
    claim = _claim_or_404(request, slug)
    try:
        a, b = parse_positive_int(request.GET["a"]), parse_positive_int(request.GET["b"])
    except (KeyError, ValueError):
        return redirect("claims:history", slug=claim.slug)
    if request.htmx:
        response = render(
            request, "claims/_compare.html", _comparison_context(request, claim, a, b)
        )
        response["HX-Push-Url"] = reverse("claims:compare", args=[claim.slug, a, b])
        return response
    return redirect("claims:compare", slug=claim.slug, a=a, b=b)
