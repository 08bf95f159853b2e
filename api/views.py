"""The read-only JSON API at /api/v1/ (issue 17), described by the OpenAPI document that
django-ninja generates from these functions and the schemas in api/schemas.py.

Anonymous and read-only, like a reader's page: answers come from published versions and the
listing read-model, are cached by published version (claims/caching.py) with an ETag, and a
conditional request is answered 304. Bad filters answer 400, unknown objects 404, in JSON.
"""

import functools
import json
import re
from typing import Literal
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError

from api import schemas
from claims.caching import (
    claim_stamp,
    latest_publication_stamp,
    reader_page,
    study_stamp,
    version_stamp,
)
from claims.models import Claim, PublishedClaim, PublishedTopic
from claims.verdicts import Verdict
from claimsite.converters import DATABASE_INT_MAX
from evidence.models import Study

api = NinjaAPI(
    title="Evidence Claims API",
    version="1",
    description=(
        "Read-only, anonymous access to the published analyses: claims with their verdict, "
        "certainty, tallies, mechanisms and evidence, their versions, and studies."
    ),
    urls_namespace="api",
    docs_url=None,  # The interactive docs load scripts from a CDN, which the CSP forbids.
)

# What claimsite.middleware lets through to any view (it answers 400 to the rest).
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
ERRORS = {400: schemas.Error, 404: schemas.Error}


def error(status: int, detail) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}), status=status, content_type="application/json"
    )


@api.exception_handler(ValidationError)
def bad_input(request, exc):
    return error(400, [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors])


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(404, str(exc) or "Not found.")


def as_json(data: schemas.Strict) -> HttpResponse:
    return HttpResponse(data.model_dump_json(), content_type="application/json")


def _as_given(value: str) -> str:
    return value


def cached(stamp_for, *, allowed: frozenset = frozenset()):
    """Serve `view` like a reader's page (cache, ETag, 304), refusing unknown parameters."""

    def decorator(view):
        # Only known parameters reach the page (the rest are refused below), each kept as given:
        # the view validates them, and the cache keys each answer by all of them.
        page = reader_page(stamp_for, params=dict.fromkeys(allowed, _as_given))(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - allowed)
            if unknown:
                return error(400, f"Unknown parameter: {', '.join(unknown)}.")
            return page(request, *args, **kwargs)

        return wrapper

    return decorator


_DIGITS = re.compile(r"[0-9]{1,10}")  # str.isdigit() takes "²", which int() refuses


def _version_stamp(request, slug, number):
    # Ahead of django-ninja the number is the URL's text: one it would refuse has no stamp,
    # and django-ninja then answers 400.
    if not (_DIGITS.fullmatch(number) and 1 <= int(number) <= DATABASE_INT_MAX):
        return None
    return version_stamp(request, slug, int(number))


# Each cached answer, by URL name: (its stamp, the query parameters it reads). api/urls.py puts
# the cache around django-ninja's views rather than inside them, so that a cached answer is
# sent before django-ninja parses and validates the request (which it does, as before, for
# every answer that is rendered).
CACHED = {
    "list_claims": (
        lambda request: latest_publication_stamp(request),
        frozenset({"q", "topic", "verdict", "page", "page_size"}),
    ),
    "claim": (claim_stamp, frozenset()),
    "claim_version": (_version_stamp, frozenset()),
    "study": (study_stamp, frozenset()),
}


def absolute(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


# Claims ---------------------------------------------------------------------------------------

VerdictCode = Literal[tuple(Verdict.values)]


@api.get(
    "/claims/",
    response={200: schemas.ClaimPage, **ERRORS},
    summary="Published claims, the most recently published first",
)
def list_claims(
    request,
    q: str = Query(
        "",
        max_length=200,
        pattern=NO_CONTROL_CHARACTERS,
        description="Words to search for (web-search syntax).",
    ),
    topic: str = Query(
        "", max_length=80, pattern=r"^[-a-zA-Z0-9_]*$", description="A topic's slug."
    ),
    verdict: VerdictCode | None = Query(None, description="A verdict code."),
    page: int = Query(1, ge=1, le=DATABASE_INT_MAX),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    claims = PublishedClaim.objects.for_listing()
    if topic:
        if not PublishedTopic.objects.filter(slug=topic).exists():
            # As on the topic's page: a well-formed slug no claim has is not found.
            return error(404, f"No published claim has the topic {topic!r}.")
        claims = claims.with_topic(topic)
    if verdict:
        claims = claims.filter(verdict=verdict)
    if q.strip():
        claims = claims.search(q.strip()).order_by("-published_at", "claim_id")
    paginator = Paginator(claims, page_size)
    try:
        current = paginator.page(page)
    except EmptyPage:
        if page != 1:
            return error(404, f"No page {page}: there are {paginator.num_pages}.")
        current = paginator.page(1)

    def link(number):
        params = {k: v for k, v in request.GET.items()}
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")

    results = [
        schemas.ClaimSummary(
            slug=listing.slug,
            url=absolute(request, "claims:detail", slug=listing.slug),
            api_url=absolute(request, "api:claim", slug=listing.slug),
            statement=listing.statement,
            claim_type=listing.claim_type,
            verdict=schemas.Verdict(code=listing.verdict, label=listing.get_verdict_display()),
            certainty=schemas.CertaintyBrief(
                level=listing.certainty.level,
                label=listing.certainty.label,
                overridden=listing.certainty.overridden,
                override_reason=listing.certainty.override_reason,
            ),
            tallies=schemas.Tallies(pro=listing.pro_tally, against=listing.against_tally),
            topics=[schemas.Topic(slug=t.slug, name=t.name) for t in listing.topics.all()],
            version=listing.number,
            published_at=listing.published_at,
        )
        for listing in current.object_list
    ]
    return as_json(
        schemas.ClaimPage(
            count=paginator.count,
            page=current.number,
            pages=paginator.num_pages,
            next=link(current.number + 1) if current.has_next() else None,
            previous=link(current.number - 1) if current.has_previous() else None,
            results=results,
        )
    )


def _published_claim(slug: str) -> Claim:
    return get_object_or_404(Claim.objects.published().select_related("current_version"), slug=slug)


def _version_ref(request, slug, version) -> schemas.VersionRef:
    return schemas.VersionRef(
        number=version.number,
        published_at=version.published_at,
        change_note=version.change_note,
        verdict=version.verdict,
        url=absolute(request, "claims:version", slug=slug, number=version.number),
        api_url=absolute(request, "api:claim_version", slug=slug, number=version.number),
    )


def _study_ref(request, ref) -> schemas.StudyRef:
    return schemas.StudyRef(
        doi=ref.doi,
        title=ref.title,
        authors=ref.short_authors,
        year=ref.year,
        journal=ref.journal,
        design=ref.design,
        design_label=ref.design_label,
        sample_size=ref.sample_size,
        retracted=ref.retracted,
        notice=ref.notice,
        url=request.build_absolute_uri(reverse("evidence:study_detail", args=[ref.doi])),
        api_url=absolute(request, "api:study", doi=ref.doi),
    )


def _effect(entry) -> schemas.Effect | None:
    if not entry.present:
        return None
    return schemas.Effect(
        measure=entry.measure,
        outcome=entry.outcome,
        estimate=entry.estimate,
        ci_low=entry.ci_low,
        ci_high=entry.ci_high,
        from_raw_data=entry.from_raw_data,
        entered=entry.entered,
    )


def _pooled_effect(effect) -> schemas.PooledEffect | None:
    pooled = effect.pooled
    if not (effect.present and pooled.present):
        return None
    return schemas.PooledEffect(
        measure=effect.measure,
        outcome=effect.outcome,
        direction=effect.direction,
        studies=pooled.k,
        method=pooled.method,
        estimate=pooled.estimate,
        ci_low=pooled.ci_low,
        ci_high=pooled.ci_high,
        prediction_low=pooled.pi_low,
        prediction_high=pooled.pi_high,
        i2=pooled.i2,
        tau2=pooled.tau2,
        sentence=effect.sentence,
    )


def claim_detail(request, claim, version) -> schemas.ClaimDetail:
    """What a version says, as the API shows it (never the gold-standard list)."""
    analysis = version.analysis
    versions = claim.versions.defer("snapshot").order_by("-number")
    certainty = analysis.certainty
    return schemas.ClaimDetail(
        slug=claim.slug,
        url=absolute(request, "claims:version", slug=claim.slug, number=version.number),
        statement=analysis.statement,
        summary_html=analysis.summary_html,
        claim_type=analysis.claim_type,
        topics=[schemas.Topic(slug=t.slug, name=t.name) for t in analysis.topics],
        version=_version_ref(request, claim.slug, version),
        latest_version=claim.current_version.number,
        verdict=schemas.Verdict(code=analysis.verdict, label=analysis.verdict_label),
        certainty=schemas.Certainty(
            level=certainty.level,
            label=certainty.label,
            computed_level=certainty.computed_level,
            overridden=certainty.overridden,
            override_reason=certainty.override_reason,
            reasons=[
                schemas.CertaintyReason(
                    domain=r.domain, label=r.label, points=r.points, reason=r.reason
                )
                for r in certainty.ratings
            ],
        ),
        tallies=schemas.RuleTallies(
            pro=analysis.pro,
            against=analysis.against,
            rule_pro=analysis.rule_pro,
            rule_against=analysis.rule_against,
        ),
        effect=_pooled_effect(analysis.effect),
        mechanisms=[
            schemas.Mechanism(
                rank=m.rank,
                title=m.title,
                how_it_works_html=m.how_it_works_html,
                simple_terms_html=m.simple_terms_html,
                steps=[
                    schemas.Step(
                        order=s.order,
                        text_html=s.text_html,
                        support_level=s.support_level,
                        support_label=s.support_label,
                        computed_level=s.computed_level or s.support_level,
                        overridden=s.overridden,
                        override_reason=s.override_reason,
                        support_reason=s.support_reason,
                        citations=[ref.doi for ref in s.citations],
                    )
                    for s in m.steps
                ],
            )
            for m in analysis.mechanisms
        ],
        evidence=[
            schemas.Evidence(
                study=_study_ref(request, e.study),
                stance=e.stance,
                weight=e.weight,
                computed_weight=e.computed_weight,
                overridden=e.overridden,
                override_reason=e.override_reason,
                finding_html=e.finding_html,
                effect=_effect(e.effect),
            )
            for e in analysis.supporting + analysis.contradicting
        ],
        versions=[_version_ref(request, claim.slug, v) for v in versions],
    )


@api.get(
    "/claims/{slug}/",
    response={200: schemas.ClaimDetail, **ERRORS},
    url_name="claim",
    summary="A claim's latest published analysis",
)
def get_claim(request, slug: str = Path(..., max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")):
    claim = _published_claim(slug)
    return as_json(claim_detail(request, claim, claim.current_version))


@api.get(
    "/claims/{slug}/versions/{number}/",
    response={200: schemas.ClaimDetail, **ERRORS},
    url_name="claim_version",
    summary="One published analysis version of a claim",
)
def get_claim_version(
    request,
    slug: str = Path(..., max_length=120, pattern=r"^[-a-zA-Z0-9_]+$"),
    number: int = Path(..., ge=1, le=DATABASE_INT_MAX),
):
    claim = _published_claim(slug)
    version = get_object_or_404(claim.versions.all(), number=number)
    return as_json(claim_detail(request, claim, version))


# Studies --------------------------------------------------------------------------------------


@api.get(
    "/studies/{path:doi}/",
    response={200: schemas.Study, **ERRORS},
    url_name="study",
    summary="A study, by its DOI",
)
def get_study(request, doi: str = Path(..., max_length=255, pattern=NO_CONTROL_CHARACTERS)):
    try:
        study = Study.objects.get_by_doi(doi)
    except Study.DoesNotExist:
        raise Http404("No study with this DOI is on the site.") from None
    cited_by = (
        PublishedClaim.objects.citing(study.doi).order_by("slug").values_list("slug", flat=True)
    )
    return as_json(
        schemas.Study(
            doi=study.doi,
            url=request.build_absolute_uri(study.get_absolute_url()),
            doi_url=study.doi_url,
            title=study.title,
            authors=study.authors,
            journal=study.journal,
            volume=study.volume,
            issue=study.issue,
            pages=study.pages,
            year=study.year,
            design=study.design,
            design_label=study.get_design_display(),
            sample_size=study.sample_size,
            risk_of_bias=study.risk_of_bias,
            retracted=study.retracted,
            weight=study.weight().computed,
            cited_by=list(cited_by),
        )
    )
