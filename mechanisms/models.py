from django.core.exceptions import ValidationError
from django.db import models

from evidence.markdown import render_markdown, validate_markdown
from mechanisms.support import (
    Citation,
    Provenance,
    Support,
    SupportLevel,
    default_provenance,
    support_for,
)

__all__ = ["CausalStep", "Mechanism", "Provenance", "StepCitation", "SupportLevel"]


class Mechanism(models.Model):
    """A candidate explanation of a claim; rank 1 is the most probable."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="mechanisms")
    rank = models.PositiveSmallIntegerField(help_text="1 is the most probable mechanism.")
    title = models.CharField(max_length=200)
    how_it_works = models.TextField(
        "How it works", help_text="Markdown lead.", validators=[validate_markdown]
    )
    how_it_works_html = models.TextField(blank=True, editable=False)
    simple_terms = models.TextField(
        "In Simple Terms", help_text="Markdown, plain language.", validators=[validate_markdown]
    )
    simple_terms_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["claim", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "rank"], name="mechanism_unique_rank")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.how_it_works_html = render_markdown(self.how_it_works)
        self.simple_terms_html = render_markdown(self.simple_terms)
        super().save(*args, **kwargs)


class CausalStep(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(
        help_text="Markdown. Cite studies by DOI in the text as well.",
        validators=[validate_markdown],
    )
    text_html = models.TextField(blank=True, editable=False)
    # The support level follows from the citations (mechanisms/support.py); an editor may set
    # another one, with a reason readers see.
    support_override = models.CharField(
        "Support level set by an editor",
        max_length=20,
        choices=SupportLevel.choices,
        blank=True,
        help_text="Leave empty to use the rule: the level follows from what the cited "
        "studies show for this step.",
    )
    support_override_reason = models.CharField(
        "Reason for the support level", max_length=500, blank=True
    )
    cited_studies = models.ManyToManyField(
        "evidence.Study", blank=True, related_name="cited_in_steps", through="StepCitation"
    )

    class Meta:
        ordering = ["mechanism", "order"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "order"], name="step_unique_order")
        ]

    def __str__(self):
        return f"Step {self.order} of {self.mechanism}"

    def clean(self):
        if self.support_override and not self.support_override_reason.strip():
            raise ValidationError(
                {"support_override_reason": "Say why: readers see the reason beside the level."}
            )

    def support(self, citations=None) -> Support:
        """The step's support level by the rule, or the editor's; `citations` are its
        StepCitation rows with their studies (prefetched), read from the database if None."""
        if citations is None:
            citations = self.citations.select_related("study")
        return support_for(
            citations=[
                Citation(doi=c.study.doi, provenance=c.provenance, retracted=c.study.retracted)
                for c in citations
            ],
            override=self.support_override,
            override_reason=self.support_override_reason.strip(),
        )

    def cite(self, *studies):
        """Cite `studies`, each with what its design most likely shows (an editor may change
        it); studies already cited keep theirs."""
        for study in studies:
            StepCitation.objects.get_or_create(
                step=self, study=study, defaults={"provenance": default_provenance(study.design)}
            )

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)


class StepCitation(models.Model):
    """A study cited by a causal step, and what it shows for that step."""

    step = models.ForeignKey(
        CausalStep, on_delete=models.CASCADE, related_name="citations", db_column="causalstep_id"
    )
    study = models.ForeignKey(
        "evidence.Study", on_delete=models.CASCADE, related_name="step_citations"
    )
    provenance = models.CharField(
        "What it shows for the step",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.BACKGROUND,
    )

    class Meta:
        # The table the plain many-to-many field had, so existing citations stay where they are.
        db_table = "mechanisms_causalstep_cited_studies"
        unique_together = [("step", "study")]

    def __str__(self):
        return f"{self.study} ({self.get_provenance_display().lower()})"
