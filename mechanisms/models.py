from django.db import models

from claims.markdown import render_markdown, validate_markdown


class SupportLevel(models.TextChoices):
    VERIFIED = "verified", "Verified by multiple studies"
    SUPPORTED = "supported", "Supported by evidence"
    LIMITED = "limited", "Limited evidence"
    HYPOTHESIS = "hypothesis", "Hypothesis"
    CONTRADICTED = "contradicted", "Contradicted by evidence"


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
    support_level = models.CharField(max_length=20, choices=SupportLevel.choices)
    cited_studies = models.ManyToManyField(
        "evidence.Study", blank=True, related_name="cited_in_steps"
    )

    class Meta:
        ordering = ["mechanism", "order"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "order"], name="step_unique_order")
        ]

    def __str__(self):
        return f"Step {self.order} of {self.mechanism}"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)
