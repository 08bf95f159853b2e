"""The published-claims listing: written from each claim's latest version when it is published."""

import importlib
import io
import json
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from claims import search
from claims.analysis import ClaimAnalysis
from claims.models import PublishedCitation, PublishedClaim, PublishedTopic, Topic
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish


def listing_facts(claim):
    listing = PublishedClaim.objects.get(claim=claim)
    return {
        "number": listing.number,
        "version": listing.version_id,
        "slug": listing.slug,
        "statement": listing.statement,
        "summary_text": listing.summary_text,
        "claim_type": listing.claim_type,
        "verdict": listing.verdict,
        "tallies": (listing.pro_tally, listing.against_tally),
        "topics": sorted(listing.topics.values_list("slug", "name")),
        "citations": sorted(listing.citations.values_list("doi", flat=True)),
        "published_at": listing.published_at,
        "found": list(PublishedClaim.objects.search("trials").values_list("pk", flat=True)),
    }


def make_listed_claim():
    claim = make_claim(statement="Caffeine helps cyclists.", summary="Two **trials** agree.")
    claim.topics.add(Topic.objects.create(name="Endurance", slug="endurance"))
    make_evidence(claim, make_study(doi="10.5555/evidence", sample_size=18))
    make_mechanism(claim, steps=1, cite=[make_study(doi="10.5555/step")])
    return claim


def test_publishing_writes_the_listing_from_the_new_version(db):
    claim = make_listed_claim()
    version = publish(claim)
    assert listing_facts(claim) == {
        "number": 1,
        "version": version.pk,
        "slug": claim.slug,
        "statement": "Caffeine helps cyclists.",
        "summary_text": "Two trials agree.",
        "claim_type": "causal",
        "verdict": "moderate_support",
        "tallies": (55, 0),
        "topics": [("endurance", "Endurance")],
        "citations": ["10.5555/evidence", "10.5555/step"],
        "published_at": version.published_at,
        "found": [claim.pk],
    }


def test_publishing_again_rewrites_the_listing(db):
    claim = make_listed_claim()
    publish(claim)
    claim.topics.clear()
    claim.evidence.all().delete()
    claim.recompute_tallies()
    claim.summary = "No more studies."
    claim.save()
    version = publish(claim, "Second")
    facts = listing_facts(claim)
    assert facts["number"] == 2 and facts["version"] == version.pk
    assert facts["topics"] == [] and facts["citations"] == ["10.5555/step"]
    assert facts["tallies"] == (0, 0) and facts["found"] == []
    assert PublishedClaim.objects.count() == 1


def test_an_unpublished_claim_has_no_listing(db):
    make_listed_claim()
    assert not PublishedClaim.objects.exists()


def test_the_migration_backfills_listings_from_the_version_snapshots(db):
    claim = make_listed_claim()
    publish(claim)
    written = listing_facts(claim)
    # Start again from the versions alone, as the migration found them.
    PublishedCitation.objects.all().delete()
    PublishedTopic.objects.all().delete()
    PublishedClaim.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {search.FTS5_TABLE}")  # noqa: S608
    assert PublishedClaim.objects.search("trials").count() == 0
    migration = importlib.import_module("claims.migrations.0008_published_listing")
    # SQLite's schema editor cannot open inside a test's transaction; the backfill only
    # needs it to run SQL on the connection.
    with connection.cursor() as cursor:

        def execute(sql):
            # Its PostgreSQL index went from a listing's column to a table of its own
            # (0017_search_document, checked by hand on 100,000 claims both ways).
            if "search_vector" not in sql:
                cursor.execute(sql)

        migration.backfill(apps, SimpleNamespace(connection=connection, execute=execute))
    search.reindex_all(PublishedClaim)
    assert listing_facts(claim) == written


def test_a_version_older_than_the_plain_text_summary_reads_and_matches_as_before(db):
    claim = make_listed_claim()
    version = publish(claim)
    older = {k: v for k, v in version.snapshot.items() if k != "summary_text"}
    assert ClaimAnalysis.from_dict(older).summary_text == "Two trials agree."
    assert version.same_analysis_as(older)


def test_dumpdata_leaves_the_full_text_index_out_and_keeps_the_listing(db):
    # The index is written from the listings; on PostgreSQL its SQLite table does not exist.
    publish(make_listed_claim())
    out = io.StringIO()
    call_command("dumpdata", "claims", stdout=out)
    models = {row["model"] for row in json.loads(out.getvalue())}
    assert "claims.publishedclaim" in models
    assert "claims.searchentry" not in models
