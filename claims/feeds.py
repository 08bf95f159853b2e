"""Atom feeds of newly published analysis versions: site-wide, per claim and per topic.

Each entry says what changed: the change note and the verdict before → after (with its
certainty). Read from published versions only; the statement comes from each version's own
snapshot, so an entry says what readers saw then.
"""

from django.contrib.syndication.views import Feed
from django.db.models import F, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from claims.caching import claim_stamp, latest_publication_stamp, reader_page
from claims.certainty import CertaintyLevel
from claims.models import AnalysisVersion, PublishedClaim, PublishedTopic
from claims.structured_data import SITE_NAME, verdict_words
from claims.verdicts import Verdict

FEED_ENTRIES = 50


def versions_for_feed(queryset):
    """Versions with what an entry needs in one query: statement, previous verdict."""
    previous = AnalysisVersion.objects.filter(
        claim=OuterRef("claim"), number=OuterRef("number") - 1
    ).values("verdict")
    return (
        queryset.annotate(
            statement=KT("snapshot__statement"),
            claim_slug=F("claim__slug"),
            previous_verdict=Subquery(previous[:1]),
        )
        .defer("snapshot")
        .order_by("-published_at", "-id")[:FEED_ENTRIES]
    )


def what_changed(version) -> str:
    """“Verdict: Mixed Evidence → Moderate Support (certainty: Low). <change note>”."""
    after = verdict_words(
        verdict_label=Verdict(version.verdict).label,
        certainty_label=CertaintyLevel(version.certainty).label if version.certainty else "",
    )
    if version.previous_verdict is None:
        verdict = f"First published. Verdict: {after}."
    elif version.previous_verdict == version.verdict:
        verdict = f"Verdict unchanged: {after}."
    else:
        verdict = f"Verdict: {Verdict(version.previous_verdict).label} → {after}."
    return f"{verdict} {version.change_note}"


class VersionFeed(Feed):
    feed_type = Atom1Feed
    author_name = SITE_NAME

    def items(self, obj):
        return versions_for_feed(self.versions(obj))

    def item_title(self, item):
        return f"{Truncator(item.statement).chars(120)} — analysis v{item.number}"

    def item_description(self, item):
        # Atom's summary is written as type="html": the plain text is escaped to stay text.
        return escape(what_changed(item))

    def item_link(self, item):
        return reverse("claims:version", kwargs={"slug": item.claim_slug, "number": item.number})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class SiteVersionsFeed(VersionFeed):
    title = f"{SITE_NAME}: new analysis versions"
    subtitle = "Every analysis version published on the site, newest first."

    def link(self):
        return reverse("claims:list")

    def versions(self, obj):
        return AnalysisVersion.objects.all()


class ClaimVersionsFeed(VersionFeed):
    def get_object(self, request, slug):
        return get_object_or_404(
            PublishedClaim.objects.only("claim_id", "slug", "statement"), slug=slug
        )

    def title(self, obj):
        return f"{SITE_NAME}: {Truncator(obj.statement).chars(100)}"

    def subtitle(self, obj):
        return "New analysis versions of this claim."

    def link(self, obj):
        return reverse("claims:detail", kwargs={"slug": obj.slug})

    def versions(self, obj):
        return AnalysisVersion.objects.filter(claim_id=obj.claim_id)


class TopicVersionsFeed(VersionFeed):
    def get_object(self, request, slug):
        topic = PublishedTopic.objects.filter(slug=slug).order_by("name").first()
        if topic is None:
            raise Http404("No published claim has this topic.")
        return topic

    def title(self, obj):
        return f"{SITE_NAME}: {obj.name}"

    def subtitle(self, obj):
        return f"New analysis versions of claims about {obj.name}."

    def link(self, obj):
        return f"{reverse('claims:list')}?topic={obj.slug}"

    def versions(self, obj):
        # Claims whose latest version has the topic (as the topic's list shows them).
        return AnalysisVersion.objects.filter(claim__listing__topics__slug=obj.slug)


site_feed = reader_page(latest_publication_stamp)(require_safe(SiteVersionsFeed()))
claim_feed = reader_page(claim_stamp)(require_safe(ClaimVersionsFeed()))
topic_feed = reader_page(lambda request, slug: latest_publication_stamp(request))(
    require_safe(TopicVersionsFeed())
)
