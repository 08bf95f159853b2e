"""`manage.py generate_claims`: realistic published claims for benchmarks."""

import io
import os
import subprocess
import sys
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims import search
from claims.models import (
    AnalysisVersion,
    Claim,
    PublishedCitation,
    PublishedClaim,
    PublishedTopic,
    SearchDocument,
)
from claims.publishing import working_snapshot
from evidence.models import Study
from tests.factories import make_claim
from tests.serving.servers import ROOT
from tests.test_two_servers import database_url


def generate(n, *args):
    out = io.StringIO()
    call_command("generate_claims", "--claims", str(n), *args, stdout=out)
    return out.getvalue()


def comparable(snapshot):
    """A snapshot with evidence in DOI order: rows of equal weight and year come back from the
    database in no particular order."""
    result = {**snapshot, "version": None}
    for column in ("supporting", "contradicting"):
        result[column] = sorted(snapshot[column], key=lambda item: item["study"]["doi"])
    return result


def test_it_creates_published_claims_with_evidence_mechanisms_and_studies(db, client):
    output = generate(5)
    claims = list(Claim.objects.published().select_related("current_version"))
    assert len(claims) == 5
    assert "5/5 claims" in output
    for claim in claims:
        analysis = claim.current_version.analysis
        assert 3 <= len(analysis.supporting) + len(analysis.contradicting) <= 8
        assert analysis.mechanisms and all(m.steps for m in analysis.mechanisms)
        assert analysis.topics and analysis.gold_standard
        response = client.get(claim.get_absolute_url())
        assert response.status_code == 200
        assert analysis.statement in response.content.decode()
    assert all(s.doi.startswith("10.5555/generated.") for s in Study.objects.all())


def test_each_latest_version_is_what_publishing_the_rows_would_give(db):
    generate(5)
    for claim in Claim.objects.select_related("current_version"):
        tallies = (claim.pro_tally, claim.against_tally, claim.verdict)
        claim.recompute_tallies()
        assert (claim.pro_tally, claim.against_tally, claim.verdict) == tallies
        assert comparable(claim.current_version.snapshot) == comparable(working_snapshot(claim))


def test_some_claims_have_two_or_three_versions(db):
    generate(40)
    numbers = set(AnalysisVersion.objects.values_list("number", flat=True))
    assert {1, 2, 3} <= numbers
    for claim in Claim.objects.select_related("current_version"):
        assert claim.current_version.number == claim.versions.count()


def test_it_refuses_a_database_with_other_claims_unless_forced(db):
    make_claim(slug="an-editors-claim")
    with pytest.raises(CommandError, match="not generated"):
        generate(2)
    assert not Claim.objects.filter(slug__startswith="generated-").exists()
    generate(2, "--force")
    assert Claim.objects.filter(slug__startswith="generated-").count() == 2


def test_running_it_again_adds_more_claims(db):
    generate(3)
    generate(3)
    assert Claim.objects.published().count() == 6


def search_index() -> list:
    """The full-text index's rows: PostgreSQL's documents, or SQLite's FTS5 table."""
    if connection.vendor == "postgresql":
        documents = SearchDocument.objects.order_by("pk")
        return list(documents.values_list("pk", "published_at", "vector"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, * FROM {search.FTS5_TABLE} ORDER BY rowid")  # noqa: S608
        return cursor.fetchall()


def test_its_listings_and_search_index_are_what_publishing_writes(db):
    generate(6)

    def listings():
        rows = PublishedClaim.objects.order_by("pk").values()
        topics = PublishedTopic.objects.order_by("listing", "slug").values_list("listing", "slug")
        cited = PublishedCitation.objects.order_by("listing", "doi").values_list("listing", "doi")
        return list(rows), list(topics), list(cited), search_index()

    claim = Claim.objects.get(slug="generated-4")
    words = claim.statement.split(" (claim")[0]
    assert claim.pk in {listing.pk for listing in PublishedClaim.objects.search(f'"{words}"')}
    written = listings()
    assert len(written[0]) == 6
    assert PublishedClaim.objects.rebuild() == 6
    assert listings() == written


@pytest.mark.django_db(transaction=True)
def test_two_processes_write_every_claim_once_as_publishing_would(postgres_only):
    # In a process of its own, as `manage.py` runs it: `--jobs` forks, and a fork of the test
    # run would copy its threads' locks (a browser's, a live server's) and could wait forever.
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_claims", "--claims", "6", "--batch", "2"]
        + ["--jobs", "2"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Generated 6 published claims" in result.stdout
    claims = list(Claim.objects.published().select_related("current_version"))
    assert sorted(c.slug for c in claims) == [f"generated-{n}" for n in range(1, 7)]
    assert PublishedClaim.objects.count() == 6
    for claim in claims:
        assert comparable(claim.current_version.snapshot) == comparable(working_snapshot(claim))


@pytest.mark.django_db(transaction=True)
def test_with_other_threads_running_it_writes_in_one_process_instead_of_forking():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(30,), daemon=True)
    other.start()
    errors = io.StringIO()
    try:
        call_command(
            "generate_claims",
            "--claims",
            "4",
            "--batch",
            "2",
            "--jobs",
            "2",
            stdout=io.StringIO(),
            stderr=errors,
        )
    finally:
        stop.set()
        other.join()
    assert "writing in one process" in errors.getvalue()
    assert PublishedClaim.objects.count() == 4
