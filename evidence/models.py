from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from evidence.choices import EffectMeasure, RiskOfBias, Stance, StudyDesign
from evidence.doi import InvalidDOI, normalize_doi
from evidence.effects import EFFECT_FIELDS, describe_effect, effect_errors
from evidence.markdown import doi_org_url, render_markdown, validate_markdown
from evidence.notices import NoticeKind, headline, raises_concern, retracts
from evidence.weights import MAX_WEIGHT, Weight, compute_weight

# More participants than any study has had; a larger number is a typing slip.
SAMPLE_SIZE_MAX = 100_000_000
SAMPLE_SIZE_MAX_VALIDATOR = MaxValueValidator(
    SAMPLE_SIZE_MAX, "No study has had that many participants: at most 100,000,000."
)


class DOIField(models.CharField):
    """A DOI, normalised whenever the model is cleaned (forms, the admin) or saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return normalize_doi(value)
        except InvalidDOI as error:
            raise ValidationError(str(error), code="invalid_doi") from None


class StudyQuerySet(models.QuerySet):
    def get_by_doi(self, raw_doi: str):
        """Look a study up by a DOI in any common form; DoesNotExist for a malformed one."""
        try:
            doi = normalize_doi(raw_doi)
        except InvalidDOI:
            raise self.model.DoesNotExist(f"No study with DOI {raw_doi!r}.") from None
        return self.get(doi=doi)

    def cited(self):
        """Studies some claim cites, as evidence or in a causal chain."""
        return self.filter(Q(evidence__isnull=False) | Q(cited_in_steps__isnull=False)).distinct()

    def lookable(self):
        """Studies Crossref may be asked about: example studies are not publications."""
        return self.filter(is_example=False)


class Study(models.Model):
    doi = DOIField(
        "DOI", unique=True, help_text="Any common form: 10.…, doi:10.…, https://doi.org/10.…"
    )
    title = models.CharField(max_length=500)
    authors = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Vancouver style, comma-separated: “Refalo MC, Helms ER”.",
    )
    journal = models.CharField(max_length=300, blank=True)
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    design = models.CharField(max_length=30, choices=StudyDesign.choices)
    sample_size = models.PositiveIntegerField(
        "Sample size",
        null=True,
        blank=True,
        validators=[SAMPLE_SIZE_MAX_VALIDATOR],
        help_text="Participants (or, for a meta-analysis, pooled participants).",
    )
    population = models.CharField(
        max_length=200, blank=True, help_text="Who was studied, e.g. “resistance-trained adults”."
    )
    risk_of_bias = models.CharField(
        "Risk of bias", max_length=20, choices=RiskOfBias.choices, default=RiskOfBias.NOT_ASSESSED
    )
    retracted = models.BooleanField(default=False)
    # The study's OpenAlex work ("W4391234567"), looked up once by DOI to find citing works.
    openalex_id = models.CharField(max_length=20, blank=True, editable=False)
    retraction_note = models.CharField(max_length=500, blank=True)
    is_example = models.BooleanField(
        "Example study",
        default=False,
        help_text="Invented for the demo data (10.5555 test prefix): not a real publication.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name_plural = "studies"

    def __str__(self):
        return f"{self.short_authors} ({self.year}) {self.title}"

    def get_absolute_url(self):
        return reverse("evidence:study_detail", kwargs={"doi": self.doi})

    @property
    def doi_url(self):
        return doi_org_url(self.doi)

    @property
    def short_authors(self):
        names = [name.strip() for name in self.authors.split(",") if name.strip()]
        if not names:
            return "Unknown authors"
        surname = names[0].split(" ")[0]
        if len(names) == 1:
            return surname
        if len(names) == 2:
            return f"{surname} & {names[1].split(' ')[0]}"
        return f"{surname} et al."

    CROSSREF_FACTS = ("title", "authors", "journal", "year", "volume", "issue", "pages")

    def fill_missing_facts(self, work) -> list[str]:
        """Take Crossref's value for each empty fact; what an editor typed is kept."""
        filled = []
        for name in self.CROSSREF_FACTS:
            value = getattr(work, name)
            if value and getattr(self, name) in (None, ""):
                setattr(self, name, value)
                filled.append(name)
        return filled

    @property
    def headline_notice(self):
        """The retraction or concern readers must see first (uses prefetched notices)."""
        return headline(list(self.notices.all()))

    def validate_unique(self, exclude=None):
        # Django's own message ("Study with this DOI already exists") does not say which study;
        # an editor needs to know, so check the DOI first and name it.
        exclude = set(exclude or ())
        if "doi" not in exclude and self.doi:
            existing = Study.objects.filter(doi=self.doi).exclude(pk=self.pk).first()
            if existing:
                raise ValidationError(
                    {
                        "doi": ValidationError(
                            "This DOI is already on the site: “%(study)s”.",
                            code="unique",
                            params={"study": existing},
                        )
                    }
                )
        super().validate_unique(exclude=exclude | {"doi"})

    def weight(self, *, override=None, override_reason="") -> Weight:
        return compute_weight(
            design=self.design,
            sample_size=self.sample_size,
            risk_of_bias=self.risk_of_bias,
            retracted=self.retracted,
            override=override,
            override_reason=override_reason,
        )

    @transaction.atomic
    def save(self, *args, **kwargs):
        self.doi = normalize_doi(self.doi)
        super().save(*args, **kwargs)
        # The study's facts feed the weight of every evidence link to it, and so the tallies.
        links = list(self.evidence.select_related("claim"))
        for evidence in links:
            evidence.study = self
            evidence.refresh_weight()
        Evidence.objects.bulk_update(links, ["computed_weight", "weight"])
        for claim in {evidence.claim_id: evidence.claim for evidence in links}.values():
            claim.recompute_tallies()


class Notice(models.Model):
    """A notice Crossref records against a study: retraction, expression of concern, …"""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    date = models.DateField(null=True, blank=True)
    notice_doi = models.CharField("Notice DOI", max_length=255, blank=True)
    source = models.CharField(
        max_length=100, blank=True, help_text="Who recorded it: the publisher, retraction-watch."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    claims_awaiting_editor = models.ManyToManyField(
        "claims.Claim",
        blank=True,
        related_name="+",
        help_text="Claims that had unpublished editor changes when this retraction arrived: "
        "their new version waits for an editor to publish it.",
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "kind", "notice_doi"], name="notice_unique_per_study"
            )
        ]

    def __str__(self):
        when = f" of {self.date.day} {self.date:%B %Y}" if self.date else ""
        return f"{self.get_kind_display()}{when}"

    @property
    def retracts(self) -> bool:
        return retracts(self.kind)

    @property
    def raises_concern(self) -> bool:
        return raises_concern(self.kind)

    @property
    def url(self) -> str:
        return doi_org_url(self.notice_doi) if self.notice_doi else ""


class EffectData(models.Model):
    """A study's result for the claim's outcome (optional; the rule: evidence/effects.py)."""

    effect_outcome = models.CharField(
        "Outcome",
        max_length=200,
        blank=True,
        help_text="In words, e.g. “quadriceps cross-sectional area”.",
    )
    effect_measure = models.CharField(
        "Measure", max_length=3, choices=EffectMeasure.choices, blank=True
    )
    effect_estimate = models.FloatField(
        "Estimate",
        null=True,
        blank=True,
        help_text="As reported (a ratio as a ratio, not its logarithm). Or give the raw data.",
    )
    effect_ci_low = models.FloatField("95% CI, lower limit", null=True, blank=True)
    effect_ci_high = models.FloatField("95% CI, upper limit", null=True, blank=True)
    effect_mean_1 = models.FloatField("Intervention mean", null=True, blank=True)
    effect_sd_1 = models.FloatField("Intervention SD", null=True, blank=True)
    effect_events_1 = models.PositiveIntegerField("Intervention events", null=True, blank=True)
    effect_n_1 = models.PositiveIntegerField(
        "Intervention group size", null=True, blank=True, validators=[SAMPLE_SIZE_MAX_VALIDATOR]
    )
    effect_mean_2 = models.FloatField("Comparison mean", null=True, blank=True)
    effect_sd_2 = models.FloatField("Comparison SD", null=True, blank=True)
    effect_events_2 = models.PositiveIntegerField("Comparison events", null=True, blank=True)
    effect_n_2 = models.PositiveIntegerField(
        "Comparison group size", null=True, blank=True, validators=[SAMPLE_SIZE_MAX_VALIDATOR]
    )

    class Meta:
        abstract = True

    def effect_values(self) -> dict:
        return {name: getattr(self, name) for name in EFFECT_FIELDS}

    @property
    def effect_description(self) -> str:
        return describe_effect(self.effect_values())

    def clean(self):
        super().clean()
        errors = effect_errors(self.effect_values())
        if errors:
            raise ValidationError(errors)


class EvidenceQuerySet(models.QuerySet):
    def supporting(self):
        return self.filter(stance=Stance.SUPPORTS)

    def contradicting(self):
        return self.filter(stance=Stance.CONTRADICTS)


class Evidence(EffectData):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="evidence")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    finding = models.TextField(
        blank=True,
        help_text="Markdown: what the study found that bears on the claim.",
        validators=[validate_markdown],
    )
    finding_html = models.TextField(blank=True, editable=False)
    computed_weight = models.PositiveSmallIntegerField(default=0, editable=False)
    weight_override = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WEIGHT)],
        help_text=f"Leave empty to use the weight rule. 0–{MAX_WEIGHT}.",
    )
    weight_override_reason = models.CharField("Reason for override", max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(default=0, editable=False)
    indirect = models.BooleanField(
        default=False,
        help_text="The study's population, intervention or outcome differs from the claim's "
        "(it counts towards indirectness in the certainty rating).",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The community member whose submission this evidence came from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-weight", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["claim", "study"], name="evidence_one_link_per_study"),
            models.CheckConstraint(
                condition=Q(weight_override__isnull=True) | Q(weight_override__lte=MAX_WEIGHT),
                name="evidence_override_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(weight_override__isnull=True) | ~Q(weight_override_reason=""),
                name="evidence_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_stance_display()}: {self.study.doi}"

    def clean(self):
        errors = {}
        if self.weight_override is not None and not self.weight_override_reason.strip():
            errors["weight_override_reason"] = "Say why this study's weight is overridden."
        errors.update(effect_errors(self.effect_values()))
        if errors:
            raise ValidationError(errors)

    def weight_detail(self) -> Weight:
        return self.study.weight(
            override=self.weight_override, override_reason=self.weight_override_reason
        )

    def refresh_weight(self):
        detail = self.weight_detail()
        self.computed_weight = detail.computed
        self.weight = detail.value

    @transaction.atomic
    def save(self, *args, **kwargs):
        previous_claim_id = (
            Evidence.objects.filter(pk=self.pk).values_list("claim_id", flat=True).first()
            if self.pk
            else None
        )
        # A member's words keep their community marking (rel="nofollow ugc") on the claim page.
        self.finding_html = render_markdown(
            self.finding, user_content=self.submitted_by_id is not None
        )
        self.refresh_weight()
        super().save(*args, **kwargs)
        self.claim.recompute_tallies()
        if previous_claim_id and previous_claim_id != self.claim_id:
            # Moved to another claim: the claim it left must lose its weight too.
            # The claim model through the relation: evidence imports no app above it.
            claim_model = type(self).claim.field.related_model
            claim_model.objects.get(pk=previous_claim_id).recompute_tallies()

    @transaction.atomic
    def delete(self, *args, **kwargs):
        claim = self.claim
        result = super().delete(*args, **kwargs)
        claim.recompute_tallies()
        return result


class GoldStandardDesign(models.Model):
    """One study that would settle the claim, ranked from strongest design to weakest."""

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="gold_standard_designs"
    )
    rank = models.PositiveSmallIntegerField(help_text="1 is the strongest design.")
    design = models.CharField(max_length=30, choices=StudyDesign.choices)
    description = models.TextField(
        help_text="Markdown: population, comparison, outcome, length.",
        validators=[validate_markdown],
    )
    description_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["claim", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "rank"], name="gold_standard_unique_rank")
        ]

    def __str__(self):
        return f"{self.rank}. {self.get_design_display()}"

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SubmissionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SubmissionStatus.PENDING)

    def for_queue(self):
        return self.pending().select_related("claim", "submitter").order_by("created_at", "pk")

    def of_member(self, user):
        return (
            self.filter(submitter=user)
            .select_related("claim__listing", "reviewed_by", "version")
            .order_by("-created_at", "-pk")
        )


class Submission(EffectData):
    """Evidence proposed by a member. Kept for good, whatever an editor decides."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="submissions")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    doi = DOIField("DOI")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    note = models.TextField(
        max_length=5000,
        help_text="Markdown: what the study found and why it bears on the claim.",
        validators=[validate_markdown],
    )
    note_html = models.TextField(editable=False)
    # Study facts, given when the DOI is not yet known to the site.
    title = models.CharField(max_length=500, blank=True)
    authors = models.CharField(
        max_length=1000, blank=True, help_text="Vancouver style: “Refalo MC, Helms ER”."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    journal = models.CharField(max_length=300, blank=True)
    design = models.CharField(
        "Study design", max_length=30, choices=StudyDesign.choices, blank=True
    )
    sample_size = models.PositiveIntegerField(
        "Sample size", null=True, blank=True, validators=[SAMPLE_SIZE_MAX_VALIDATOR]
    )

    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    evidence = models.ForeignKey(
        Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.ForeignKey(
        "claims.AnalysisVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The analysis version that first included this evidence.",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("moderate_submission", "Can approve or reject community submissions")]
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "claim", "doi"],
                condition=Q(status="pending"),
                name="submission_one_pending_per_doi",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="submission_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.doi} for {self.claim.slug} by {self.submitter}"

    def save(self, *args, **kwargs):
        self.note_html = render_markdown(self.note, user_content=True)
        super().save(*args, **kwargs)


def submission_limit_message(user) -> str | None:
    """Why `user` may not submit more evidence right now, or None if they may."""
    from datetime import timedelta

    mine = Submission.objects.filter(submitter=user)
    pending = mine.pending().count()
    if pending >= settings.SUBMISSIONS_MAX_PENDING:
        return (
            f"You have {pending} submissions waiting for review, the most one member may have "
            "at once. You can submit more once editors have reviewed some of them."
        )
    today = mine.filter(created_at__gte=timezone.now() - timedelta(days=1)).count()
    if today >= settings.SUBMISSIONS_MAX_PER_DAY:
        return (
            f"You have submitted {today} studies in the last 24 hours, the most one member may "
            "submit in a day. Please come back tomorrow."
        )
    return None
