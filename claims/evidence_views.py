"""The evidence pages readers and members see: a study, submitting evidence for a claim, and a
member's own submissions. They show claims, so they live here, above `evidence`."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from accounts.addresses import client_address, throttle_key
from claims import structured_data
from claims.caching import reader_page, study_stamp
from claims.models import Claim, PublishedClaim
from evidence import crossref, weights
from evidence.choices import Stance
from evidence.doi import InvalidDOI, normalize_doi
from evidence.forms import CROSSREF_FIELDS, SubmissionForm
from evidence.models import Evidence, Study, Submission, submission_limit_message
from evidence.notices import headline


@reader_page(study_stamp)
@require_safe
def study_detail(request, doi):
    try:
        study = Study.objects.get_by_doi(doi)
    except Study.DoesNotExist:
        raise Http404("No study with this DOI is on the site.") from None
    notices = list(study.notices.all())
    return render(
        request,
        "evidence/study_detail.html",
        {
            "study": study,
            "weight": study.weight(),
            "max_weight": weights.MAX_WEIGHT,
            "notices": notices,
            "headline_notice": headline(notices),
            "jsonld": _scholarly_article(request, study),
            **published_citations(study),
        },
    )


def _scholarly_article(request, study) -> str:
    data = structured_data.scholarly_article(
        study=study, url=request.build_absolute_uri(study.get_absolute_url()), doi_url=study.doi_url
    )
    # script_json escapes everything that could end the script element.
    return mark_safe(structured_data.script_json(data))  # noqa: S308


def published_citations(study) -> dict:
    """Where the published analyses cite `study`: as evidence (with stance and weight) and in
    causal chains. Found through the DOIs each claim's latest version cites, written when it
    was published, so an unpublished edit of a claim changes nothing here.
    """
    listings = (
        PublishedClaim.objects.citing(study.doi)
        .select_related("version")
        .order_by("statement", "claim_id")
    )
    evidence, steps = [], []
    for listing in listings:
        # The study page never shows the members-only list: it does not reach the template.
        analysis = listing.version.analysis.without_gold_standard()
        for item in analysis.supporting + analysis.contradicting:
            if item.study.doi == study.doi:
                evidence.append({"claim": analysis, "item": item})
        for mechanism in analysis.mechanisms:
            cited = [s for s in mechanism.steps if any(r.doi == study.doi for r in s.citations)]
            if cited:
                steps.append({"claim": analysis, "mechanism": mechanism, "steps": cited})
    return {"citing_evidence": evidence, "citing_steps": steps}


class LimitReached(Exception):
    pass


def crossref_limit_keys(request) -> tuple:
    """Whom a Crossref lookup made for this request counts against: the member and the
    address (CROSSREF_LOOKUPS_PER_MINUTE each)."""
    address = throttle_key(client_address(request))
    return (f"member:{request.user.pk}", f"address:{address}" if address else None)


@require_http_methods(["GET", "POST"])
@login_required
def submit_evidence(request, slug):
    """A member proposes a study as evidence for or against a published claim."""
    claim = get_object_or_404(Claim.objects.published().select_related("listing"), slug=slug)
    stance = request.GET.get("stance")
    initial = {"stance": stance} if stance in Stance.values else {}
    form = SubmissionForm(
        request.POST or None,
        claim=claim,
        submitter=request.user,
        initial=initial,
        crossref_limit_keys=crossref_limit_keys(request),
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            with transaction.atomic():
                # Lock the member's row so two quick submissions cannot both pass the limits.
                get_user_model().objects.select_for_update().filter(pk=request.user.pk).exists()
                limit = submission_limit_message(request.user)
                if limit:
                    raise LimitReached(limit)
                if form.is_valid():
                    form.save()
                    status = 201
        except LimitReached as refusal:
            form.add_error(None, str(refusal))
            status = 429
        except IntegrityError:
            form.add_error("doi", "You already have this DOI pending review on this claim.")
        if status == 201:
            if request.htmx:
                return render(
                    request, "evidence/_submission_done.html", {"claim": claim}, status=201
                )
            messages.success(request, "Your submission is pending review.")
            return redirect("evidence:my_submissions")
    if not request.htmx and not form.errors:
        # The page is the form (members arrive here from sign-up): start in its first field.
        # With errors, the error summary at the top takes focus instead.
        form.fields["doi"].widget.attrs["autofocus"] = True
    context = {"claim": claim, "form": form}
    template = "evidence/_submission_form.html" if request.htmx else "evidence/submission_form.html"
    return render(request, template, context, status=status)


@require_safe
@login_required
def study_facts(request, slug):
    """The submission form's study-facts part for the DOI typed so far (htmx)."""
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    try:
        doi = normalize_doi(request.GET.get("doi", ""))
    except InvalidDOI:
        doi = None
    known = Study.objects.filter(doi=doi).first() if doi else None
    # Refused as soon as it is typed, with the same words the form's own check would use.
    already_evidence = (
        known is not None and Evidence.objects.filter(claim=claim, study=known).exists()
    )
    result = (
        crossref.lookup(doi, limit_keys=crossref_limit_keys(request))
        if doi and known is None
        else None
    )
    initial = request.GET.dict()
    if isinstance(result, crossref.Found):
        # The facts on screen are replaced by the study's own; design and size stay.
        initial.update({name: getattr(result.work, name) or "" for name in CROSSREF_FIELDS})
        initial["facts_from"] = doi
    elif known is None and initial.get("facts_from"):
        # On screen are Crossref's facts for another DOI: they must go.
        for name in (*CROSSREF_FIELDS, "facts_from"):
            initial.pop(name, None)
    elif known is None and "title" in request.GET:
        # The facts on screen are the member's (their fields came with the request): leave
        # them alone, or whatever the member typed since the request left would be lost.
        return HttpResponse(status=204)
    form = SubmissionForm(initial=initial, claim=claim, submitter=request.user)
    form.crossref = result
    return render(
        request,
        "evidence/_study_facts.html",
        {"form": form, "known": known, "already_evidence": already_evidence, "doi_check": True},
        status=429 if isinstance(result, crossref.Limited) else 200,
    )


@require_safe
@login_required
def my_submissions(request):
    submissions = list(Submission.objects.of_member(request.user))
    # The title as the site knows it (a known study's facts are not stored on the submission),
    # read in one query for every submission.
    studies = {s.doi: s for s in Study.objects.filter(doi__in={sub.doi for sub in submissions})}
    for submission in submissions:
        submission.study = studies.get(submission.doi)
    return render(request, "evidence/my_submissions.html", {"submissions": submissions})
