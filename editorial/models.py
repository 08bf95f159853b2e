"""Candidates: new studies found by watching the literature, waiting for an editor to screen.

A candidate is kept whatever becomes of it — added as evidence or judged not relevant — so
that the same DOI never comes back for the same claim (one row per claim and DOI).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Screening(models.TextChoices):
    WAITING = "waiting", "Waiting to be screened"
    ADDED = "added", "Added as evidence"
    NOT_RELEVANT = "not_relevant", "Not relevant"


class NotRelevantReason(models.TextChoices):
    OFF_TOPIC = "off_topic", "Off topic: does not test this claim"
    POPULATION = "population", "Wrong population, setting or outcome"
    NOT_A_STUDY = "not_a_study", "Not a study (commentary, protocol, erratum)"
    DUPLICATE = "duplicate", "Reports data already on the claim"
    OTHER = "other", "Other"


class CandidateQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=Screening.WAITING)


class Candidate(models.Model):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="candidates")
    doi = models.CharField("DOI", max_length=255)
    openalex_id = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500)
    authors = models.CharField(max_length=1000, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    journal = models.CharField(max_length=300, blank=True)
    work_type = models.CharField(max_length=40, blank=True)
    abstract = models.TextField(blank=True)
    # How it was found, in words: "cites Refalo et al., 2024; matches the search".
    found_by = models.CharField(max_length=500)
    cites_count = models.PositiveSmallIntegerField(
        default=0, help_text="How many of the claim's studies it cites."
    )
    found_at = models.DateTimeField(default=timezone.now)
    # What Crossref records against the DOI when it was found (a retraction, …), or "".
    crossref_notice = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Screening.choices, default=Screening.WAITING)
    later = models.BooleanField(default=False, help_text="An editor put it off for later.")
    reason = models.CharField(
        max_length=20, choices=NotRelevantReason.choices, blank=True, default=""
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(
        "claims.AnalysisVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version that added it as evidence.",
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "doi"], name="one_candidate_per_claim_doi"),
            models.CheckConstraint(
                condition=~Q(status=Screening.NOT_RELEVANT) | ~Q(reason=""),
                name="not_relevant_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["claim", "status"])]

    def __str__(self):
        return f"{self.doi} for {self.claim_id}"

    @property
    def short_authors(self):
        names = [name.strip() for name in self.authors.split(",") if name.strip()]
        if not names:
            return "Unknown authors"
        surname = names[0].split(" ")[0]
        return surname if len(names) == 1 else f"{surname} et al."
