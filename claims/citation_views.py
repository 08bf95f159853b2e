"""Citation downloads: a study, a claim's bibliography, and a claim's analysis version."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.caching import bibliography_stamp, reader_page, study_stamp, version_stamp
from claims.citations import bibliography, claim_version_reference, study_reference
from claims.models import Claim, cited_dois
from evidence.citations import FORMATS, apa, to_bibtex, to_csl_json, to_ris
from evidence.models import Study

WRITERS = {"bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json}


def citation_download(references, fmt: str, *, filename: str) -> HttpResponse:
    """The references in `fmt`, as a file named `filename` (its extension added)."""
    content_type, extension = FORMATS[fmt]
    response = HttpResponse(WRITERS[fmt](references), content_type=content_type)
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "citation"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}.{extension}"'
    return response


@reader_page(lambda request, fmt, doi: study_stamp(request, doi))
@require_safe
def study_citation(request, fmt, doi):
    try:
        study = Study.objects.get_by_doi(doi)
    except Study.DoesNotExist:
        raise Http404("No study with this DOI is on the site.") from None
    return citation_download([study_reference(study)], fmt, filename=study.doi)


@reader_page(bibliography_stamp)
@require_safe
def claim_bibliography(request, slug, fmt):
    """The studies the claim's current published version cites, in `fmt`."""
    claim = get_object_or_404(
        Claim.objects.published().select_related("current_version"), slug=slug
    )
    version = claim.current_version
    analysis = version.analysis
    studies = {s.doi: s for s in Study.objects.filter(doi__in=cited_dois(analysis))}
    return citation_download(
        bibliography(analysis, studies),
        fmt,
        filename=f"{claim.slug}-v{version.number}-bibliography",
    )


def version_reference(request, version, slug: str):
    url = request.build_absolute_uri(
        reverse("claims:version", kwargs={"slug": slug, "number": version.number})
    )
    return claim_version_reference(
        statement=version.snapshot["statement"],
        slug=slug,
        number=version.number,
        published_at=version.published_at,
        url=url,
    )


def cite_this_claim(request, version, slug: str) -> dict:
    """The "Cite this claim" box of a version: APA-style text and a BibTeX @misc entry."""
    reference = version_reference(request, version, slug)
    return {"apa": apa([reference])[0], "bibtex": to_bibtex([reference])}


@reader_page(lambda request, slug, number, fmt: version_stamp(request, slug, number))
@require_safe
def claim_citation(request, slug, number, fmt):
    """The claim's analysis version `number` itself, cited by its permanent URL."""
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    version = get_object_or_404(claim.versions.all(), number=number)
    return citation_download(
        [version_reference(request, version, claim.slug)], fmt, filename=f"{slug}-v{number}"
    )
