from django.db import models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from claims.verdicts import Verdict, verdict_for


class ClaimType(models.TextChoices):
    MECHANISTIC = "mechanistic", "mechanistic"
    CAUSAL = "causal", "causal"
    ASSOCIATIONAL = "associational", "associational"
    INTERVENTIONAL = "interventional", "interventional"
    DESCRIPTIVE = "descriptive", "descriptive"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClaimQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("topics").order_by("-updated_at", "pk")

    def search(self, query: str):
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(statement__icontains=query)
            | Q(summary__icontains=query)
            | Q(topics__name__icontains=query)
        ).distinct()


class Claim(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    statement = models.TextField(help_text="One falsifiable statement.")
    summary = models.TextField(blank=True, help_text="Markdown. DOIs in the text become links.")
    summary_html = models.TextField(blank=True, editable=False)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    verdict = models.CharField(
        max_length=20, choices=Verdict.choices, default=Verdict.INSUFFICIENT, editable=False
    )
    pro_tally = models.PositiveIntegerField("Pro", default=0, editable=False)
    against_tally = models.PositiveIntegerField("Against", default=0, editable=False)
    analysis_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["statement"]

    def __str__(self):
        return self.statement if len(self.statement) <= 90 else self.statement[:89] + "…"

    def get_absolute_url(self):
        return reverse("claims:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        from evidence.models import render_with_citations

        self.summary_html = render_with_citations(self.summary)
        super().save(*args, **kwargs)

    @transaction.atomic
    def recompute_tallies(self):
        """Sum the evidence weights into the Pro and Against tallies and apply the verdict rule."""
        totals = self.evidence.aggregate(
            pro=Coalesce(Sum("weight", filter=Q(stance="supports")), 0),
            against=Coalesce(Sum("weight", filter=Q(stance="contradicts")), 0),
        )
        self.pro_tally = totals["pro"]
        self.against_tally = totals["against"]
        self.verdict = verdict_for(self.pro_tally, self.against_tally)
        Claim.objects.filter(pk=self.pk).update(
            pro_tally=self.pro_tally, against_tally=self.against_tally, verdict=self.verdict
        )
