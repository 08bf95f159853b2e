import unicodedata
from dataclasses import asdict

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator

from claims import search
from claims.analysis import ClaimAnalysis, from_stored
from claims.certainty import Certainty, CertaintyLevel
from claims.headline import is_solid
from claims.slugs import slug_from_statement, unique_slug
from claims.verdicts import Verdict, verdict_for
from evidence.choices import Stance
from evidence.markdown import render_markdown, validate_markdown


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
    def published(self):
        """Claims readers may see: those with at least one published analysis version."""
        return self.filter(current_version__isnull=False)


class Claim(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    statement = models.TextField(help_text="One falsifiable statement.")
    summary = models.TextField(
        blank=True,
        help_text="Markdown. DOIs in the text become links.",
        validators=[validate_markdown],
    )
    summary_html = models.TextField(blank=True, editable=False)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    verdict = models.CharField(
        max_length=20, choices=Verdict.choices, default=Verdict.INSUFFICIENT, editable=False
    )
    pro_tally = models.PositiveIntegerField("Pro", default=0, editable=False)
    against_tally = models.PositiveIntegerField("Against", default=0, editable=False)
    current_version = models.OneToOneField(
        "AnalysisVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The latest published analysis version: what readers see.",
    )
    # Editors' judgements for the certainty rule (claims/certainty.py).
    publication_bias_suspected = models.BooleanField(
        "Publication bias suspected",
        default=False,
        help_text="Lowers the certainty one level: e.g. only small positive studies published.",
    )
    large_effect = models.PositiveSmallIntegerField(
        "Large effect",
        choices=[(0, "No"), (1, "Large (+1)"), (2, "Very large (+2)")],
        default=0,
        help_text="Raises observational evidence (starting at Low) one or two levels.",
    )
    large_effect_reason = models.CharField("Why the effect is large", max_length=500, blank=True)
    dose_response = models.BooleanField(
        "Dose-response gradient",
        default=False,
        help_text="Raises observational evidence (starting at Low) one level.",
    )
    dose_response_reason = models.CharField("Evidence of the gradient", max_length=500, blank=True)
    residual_confounding = models.BooleanField(
        "Confounding would reduce the effect",
        default=False,
        help_text="Plausible residual confounding would weaken the effect shown, yet it is "
        "seen: raises observational evidence (starting at Low) one level.",
    )
    residual_confounding_reason = models.CharField(
        "Why confounding would reduce it", max_length=500, blank=True
    )
    effect_direction = models.CharField(
        "Which direction favours the claim",
        max_length=6,
        choices=[
            ("higher", "Higher values favour the claim"),
            ("lower", "Lower values favour the claim"),
        ],
        default="higher",
        help_text="For the studies' effect sizes: e.g. more muscle growth (higher) or fewer "
        "injuries (lower). A ratio above 1 is “higher”.",
    )
    certainty_override = models.CharField(
        "Certainty override",
        max_length=10,
        choices=CertaintyLevel.choices,
        blank=True,
        help_text="Leave empty to use the certainty rule.",
    )
    certainty_override_reason = models.CharField(
        "Reason for certainty override", max_length=500, blank=True
    )
    # Watching the literature (editorial/literature.py): not part of any analysis version.
    literature_query = models.CharField(
        "Literature search",
        max_length=300,
        blank=True,
        help_text="Words OpenAlex searches for new studies (e.g. “proximity to failure "
        "quadriceps hypertrophy”). Empty: only studies citing the claim's studies are found.",
    )
    literature_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Candidates waiting to be screened, kept here so the claim page's cache key reads it
    # from the claim's own row; literature_changed_at is when that or the check last changed.
    literature_waiting = models.PositiveIntegerField(default=0, editable=False)
    literature_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["statement"]
        permissions = [("publish_claim", "Can publish an analysis version of a claim")]
        constraints = [
            # An empty slug gives a claim no address (issue 16): save() always makes one.
            models.CheckConstraint(condition=~Q(slug=""), name="claim_slug_not_empty")
        ]

    def __str__(self):
        return self.statement if len(self.statement) <= 90 else self.statement[:89] + "…"

    def get_absolute_url(self):
        return reverse("claims:detail", kwargs={"slug": self.slug})

    @property
    def analysis_version(self) -> int:
        """Number of the latest published analysis version; 0 for a claim never published."""
        return self.current_version.number if self.current_version_id else 0

    @property
    def is_published(self) -> bool:
        return self.current_version_id is not None

    def clean(self):
        # Every judgement that moves the certainty is shown to readers with its reason.
        errors = {}
        needs_reason = (
            (self.large_effect, "large_effect_reason", "Say why the effect is large."),
            (self.dose_response, "dose_response_reason", "Describe the dose-response gradient."),
            (
                self.residual_confounding,
                "residual_confounding_reason",
                "Say why confounding would reduce the effect.",
            ),
            (
                self.certainty_override,
                "certainty_override_reason",
                "Give a reason for overriding the certainty: readers see it.",
            ),
        )
        for is_set, reason_field, message in needs_reason:
            if is_set and not getattr(self, reason_field).strip():
                errors[reason_field] = message
        if errors:
            raise ValidationError(errors)

    def certainty_judgements(self):
        """The editors' judgements on this claim, as the certainty rule reads them."""
        from claims.certainty import EditorJudgements

        return EditorJudgements(
            publication_bias=self.publication_bias_suspected,
            large_effect=self.large_effect,
            large_effect_reason=self.large_effect_reason.strip(),
            dose_response=self.dose_response,
            dose_response_reason=self.dose_response_reason.strip(),
            residual_confounding=self.residual_confounding,
            residual_confounding_reason=self.residual_confounding_reason.strip(),
            override=self.certainty_override,
            override_reason=self.certainty_override_reason.strip(),
        )

    @property
    def published_statement(self) -> str:
        """The statement as readers read it (select_related("listing") to read it for free);
        the working copy's only for a claim never published, which only editors see."""
        try:
            return self.listing.statement
        except PublishedClaim.DoesNotExist:
            return self.statement

    # Written only by recompute_tallies() and publishing, each in its own transaction; a plain
    # save() of a claim loaded earlier (an admin form, say) must not put back stale values.
    MANAGED_FIELDS = frozenset({"verdict", "pro_tally", "against_tally", "current_version"})

    def save(self, *args, **kwargs):
        self.summary_html = render_markdown(self.summary)
        if not self.slug:
            others = Claim.objects.exclude(pk=self.pk)
            self.slug = unique_slug(
                slug_from_statement(self.statement), lambda s: others.filter(slug=s).exists()
            )
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.MANAGED_FIELDS
            ]
        super().save(*args, **kwargs)

    @transaction.atomic
    def recompute_tallies(self):
        """Sum the evidence weights into the Pro and Against tallies and apply the verdict rule."""
        # Lock the claim first: two transactions adding evidence at once then sum one after
        # the other, and the second sees the first's evidence (READ COMMITTED) instead of
        # overwriting its tally.
        Claim.objects.select_for_update().filter(pk=self.pk).exists()
        totals = self.evidence.aggregate(
            pro=Coalesce(Sum("weight", filter=Q(stance=Stance.SUPPORTS)), 0),
            against=Coalesce(Sum("weight", filter=Q(stance=Stance.CONTRADICTS)), 0),
        )
        self.pro_tally = totals["pro"]
        self.against_tally = totals["against"]
        self.verdict = verdict_for(self.pro_tally, self.against_tally)
        Claim.objects.filter(pk=self.pk).update(
            pro_tally=self.pro_tally, against_tally=self.against_tally, verdict=self.verdict
        )


class ImmutableVersionError(Exception):
    """Raised on any attempt to change or delete a published analysis version."""


class AnalysisVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableVersionError("Published analysis versions cannot be changed.")

    def delete(self):
        raise ImmutableVersionError("Published analysis versions cannot be deleted.")

    def for_history(self):
        return self.select_related("published_by").defer("snapshot").order_by("-number")

    @transaction.atomic
    def create_next(self, *, claim, snapshot: dict, published_by, change_note: str):
        """Store `snapshot` as the claim's next version, numbered without gaps or duplicates.

        The claim row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
        transactions serialise writers), so concurrent publications queue up and each reads
        the number its predecessor stored. The unique constraint on (claim, number) is the
        backstop: were the lock ever bypassed, the second insert fails instead of duplicating.
        """
        Claim.objects.select_for_update().filter(pk=claim.pk).exists()
        last = self.filter(claim=claim).aggregate(n=Max("number"))["n"] or 0
        number = last + 1
        version = self.model(
            claim=claim,
            number=number,
            snapshot={**snapshot, "version": number},
            verdict=snapshot["verdict"],
            certainty=snapshot.get("certainty", {}).get("level", ""),
            pro_tally=snapshot["pro"],
            against_tally=snapshot["against"],
            published_by=published_by,
            change_note=change_note,
        )
        version.save()
        Claim.objects.filter(pk=claim.pk).update(current_version=version)
        PublishedClaim.objects.write(version)
        claim.current_version = version
        return version


class AnalysisVersion(models.Model):
    """An immutable, numbered snapshot of a claim's whole analysis, as readers saw it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="claims.analysis.ClaimAnalysis.to_dict()")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    # Copied from the snapshot, like the verdict, so that lists can filter on it.
    certainty = models.CharField(
        max_length=10, choices=CertaintyLevel.choices, blank=True, default="", db_index=True
    )
    pro_tally = models.PositiveIntegerField("Pro")
    against_tally = models.PositiveIntegerField("Against")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    change_note = models.TextField()

    objects = AnalysisVersionQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self):
        return f"v{self.number} of {self.claim}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableVersionError(f"{self} is published and cannot be changed.")
        # A new object given an existing primary key must not overwrite that version.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError(f"{self} is published and cannot be deleted.")

    def get_absolute_url(self):
        return reverse("claims:version", kwargs={"slug": self.claim.slug, "number": self.number})

    @property
    def analysis(self):
        analysis = ClaimAnalysis.from_dict(self.snapshot)
        if not analysis.slug:
            # Published before slugs could not be empty (issue 16): the claim has one now.
            analysis.slug = self.claim.slug
        return analysis

    @property
    def headline_solid(self) -> bool:
        return is_solid(self.certainty)

    def same_analysis_as(self, snapshot: dict) -> bool:
        """Whether `snapshot` says exactly what this version says (its number aside).

        Both go through ClaimAnalysis, so a field added to it later (with a default) does not
        make every old version look different from its working copy.
        """

        return ClaimAnalysis.from_dict(self.snapshot).content() == (
            ClaimAnalysis.from_dict(snapshot).content()
        )


# The read-model of what readers see in lists: one row per published claim, rewritten from
# its latest version whenever a version is published (in the same transaction), so the home
# page, topic pages, search and the study page read small indexed columns, never the editors'
# working copy and never a version's JSON to list it.


class PublishedClaimQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related("topics").order_by("-published_at", "claim_id")

    def with_topic(self, slug: str):
        return self.filter(topics__slug=slug)

    def citing(self, doi: str):
        """Claims whose latest version cites the study with this DOI, as evidence or in steps."""
        return self.filter(citations__doi=doi)  # one row each: a listing cites a DOI once

    def search(self, query: str):
        """Claims whose published text matches `query` (web-search syntax), best first."""
        return search.matching(self, query)

    @transaction.atomic
    def write(self, version: "AnalysisVersion") -> "PublishedClaim":
        """Make the claim's listing say what `version` says (in the publishing transaction)."""

        analysis = ClaimAnalysis.from_dict(version.snapshot)
        fields = listing_fields(version, analysis)
        listing, _ = self.update_or_create(claim_id=version.claim_id, defaults=fields)
        listing.topics.all().delete()
        listing.citations.all().delete()
        self._write_rows([(listing, analysis)])
        search.index(listing)
        return listing

    @transaction.atomic
    def write_new(self, published: list[tuple["AnalysisVersion", ClaimAnalysis]], insert=None):
        """The listings of claims that have none yet, each from its latest (version, analysis)
        pair, written in a few queries however many there are (for generated data).

        `insert(model, rows)` writes rows in bulk (bulk_create unless given) and returns them.
        """
        insert = insert or (lambda model, rows: model.objects.bulk_create(rows))
        listings = insert(
            PublishedClaim,
            [
                PublishedClaim(claim_id=version.claim_id, **listing_fields(version, analysis))
                for version, analysis in published
            ],
        )
        analyses = [analysis for _version, analysis in published]
        self._write_rows(list(zip(listings, analyses, strict=True)), insert)
        search.index_many(listings)
        return listings

    @staticmethod
    def _write_rows(listings, insert=None):
        insert = insert or (lambda model, rows: model.objects.bulk_create(rows))
        insert(
            PublishedTopic,
            [
                PublishedTopic(listing=listing, slug=t.slug, name=t.name)
                for listing, analysis in listings
                for t in analysis.topics
            ],
        )
        insert(
            PublishedCitation,
            [
                PublishedCitation(listing=listing, doi=doi)
                for listing, analysis in listings
                for doi in sorted(cited_dois(analysis))
            ],
        )

    def rebuild(self) -> int:
        """Write the listing of every published claim again, from its latest version.

        For data that arrived without publishing (a fixture, a restored dump); idempotent.
        """
        versions = AnalysisVersion.objects.filter(
            pk__in=Claim.objects.published().values("current_version")
        )
        count = 0
        for version in versions.iterator(chunk_size=500):
            self.write(version)
            count += 1
        return count


def listing_fields(version, analysis) -> dict:
    """The columns of a claim's listing, from its latest version and that version's analysis."""
    return {
        "version": version,
        "number": version.number,
        "slug": analysis.slug,
        "statement": search.searchable(analysis.statement),
        "summary_text": search.searchable(analysis.summary_text),
        "claim_type": analysis.claim_type,
        "verdict": analysis.verdict,
        "pro_tally": analysis.pro,
        "against_tally": analysis.against,
        "rule_pro_tally": analysis.rule_pro,
        "rule_against_tally": analysis.rule_against,
        "topic_names": search.searchable(" · ".join(t.name for t in analysis.topics)),
        "certainty_level": analysis.certainty.level,
        "certainty_data": asdict(analysis.certainty),
        "published_at": version.published_at,
    }


def cited_dois(analysis) -> set[str]:
    """The DOIs an analysis cites, as evidence or in its causal chains."""
    evidence = {item.study.doi for item in analysis.supporting + analysis.contradicting}
    steps = {ref.doi for m in analysis.mechanisms for step in m.steps for ref in step.citations}
    return evidence | steps


class PublishedClaim(models.Model):
    """A published claim as lists show it: written from its latest version, never edited."""

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="listing"
    )
    version = models.OneToOneField(AnalysisVersion, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    slug = models.SlugField(max_length=120, db_index=False)
    statement = models.TextField()
    summary_text = models.TextField(blank=True)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    pro_tally = models.PositiveIntegerField("Pro")
    against_tally = models.PositiveIntegerField("Against")
    # The tallies by the weight rule alone: a list card marks a tally an editor's weight moved.
    rule_pro_tally = models.PositiveIntegerField("Pro by the rule", default=0)
    rule_against_tally = models.PositiveIntegerField("Against by the rule", default=0)
    topic_names = models.TextField(blank=True)
    published_at = models.DateTimeField()
    # The certainty badge and its reasons on a list card, and the list's certainty filter;
    # "" for a version published before certainty was rated.
    certainty_level = models.CharField(
        max_length=10, choices=CertaintyLevel.choices, blank=True, db_index=True
    )
    certainty_data = models.JSONField(default=dict, blank=True)

    objects = PublishedClaimQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["-published_at", "claim"], name="published_claim_recent")]

    def __str__(self):
        return f"{self.statement[:60]} (v{self.number})"

    # Statements are one sentence, usually under 300 characters: a card shows them whole. Only
    # an unusually long one is cut, and the card then says the rest is on the claim's page.
    STATEMENT_CHARS = 400

    @cached_property
    def certainty(self) -> Certainty:
        """The published certainty, as the claim page's badge and "Why low?" read it."""
        return from_stored(Certainty, self.certainty_data) if self.certainty_data else Certainty()

    @property
    def headline_solid(self) -> bool:
        """Whether the verdict's badge is solid (High or Moderate certainty) or tentative."""
        return is_solid(self.certainty_level)

    @property
    def statement_highlighted(self) -> str:
        """The statement, cut to fit a list, with a search's matches marked."""
        marked = getattr(self, "statement_marked", None) or self.statement
        if len(marked) <= self.STATEMENT_CHARS:  # nearly every statement: no need to cut
            return search.highlight(unicodedata.normalize("NFC", marked))
        return search.highlight(Truncator(marked).chars(self.STATEMENT_CHARS))

    @property
    def statement_is_cut(self) -> bool:
        return len(self.statement) > self.STATEMENT_CHARS

    @property
    def snippet(self) -> str:
        """Where the summary matches a search, matches marked; empty outside a search."""
        marked = getattr(self, "snippet_marked", "")
        return search.highlight(marked) if marked else ""


class PublishedTopic(models.Model):
    """A topic of a published claim, as its latest version names it."""

    listing = models.ForeignKey(PublishedClaim, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=80, db_index=False)  # the unique constraint indexes it
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "listing"], name="published_topic_unique")
        ]

    def __str__(self):
        return self.name


class PublishedCitation(models.Model):
    """A study DOI cited by a published claim's latest version (as evidence or in a step)."""

    listing = models.ForeignKey(PublishedClaim, on_delete=models.CASCADE, related_name="citations")
    doi = models.CharField(max_length=255)  # the unique constraint indexes it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doi", "listing"], name="published_citation_unique")
        ]

    def __str__(self):
        return self.doi


class SearchDocument(models.Model):
    """PostgreSQL's full-text index of a published claim (statement weighted A, summary B,
    topics C), written at publish time and searched through a GIN index.

    A narrow table of its own, not a column of the listing: a common word matches a quarter
    of all claims, and counting and ranking them reads every match's row. Here a row is about
    300 bytes; a listing's is over 1 KB (at 100,000 claims, 16 ms against 74 ms to count
    "sleep"). Only PostgreSQL has this table (claimsite/routers.py); SQLite searches its FTS5
    table, `SearchEntry`.
    """

    # PostgreSQL deletes a document with its listing (ON DELETE CASCADE, made by the
    # migration): Django's own cascade would query this table on SQLite too, where it is absent.
    listing = models.OneToOneField(
        PublishedClaim,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    published_at = models.DateTimeField()  # the listing's, so that ties rank without a join
    vector = search.SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["vector"], name="search_document_vector")]

    def __str__(self):
        return f"search document of claim {self.pk}"


class SearchEntry(models.Model):
    """A row of the SQLite FTS5 table `claims_search` (created by a migration, on SQLite only).

    Unmanaged: it exists so that a search joins the table to its claims in one query.
    """

    listing = models.OneToOneField(
        PublishedClaim,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
        db_constraint=False,
    )
    document = search.FTS5Column(db_column=search.FTS5_TABLE)

    class Meta:
        managed = False
        db_table = search.FTS5_TABLE

    def __str__(self):
        return f"search entry of claim {self.pk}"


# Following a claim (issue 17): a member hears by email when a new version is published.


class Follow(models.Model):
    """A member follows a claim: each new analysis version is emailed to them once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "claim"], name="follow_unique_member_claim")
        ]

    def __str__(self):
        return f"{self.user} follows {self.claim}"


class SentEmail(models.Model):
    """An email the site decided to send, once: a retried task finds it and does not send
    it again. `sent_at` stays empty while the mail server has not taken it."""

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.key} to {self.to}"
