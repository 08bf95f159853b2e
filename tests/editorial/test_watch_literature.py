"""watch_literature against the local fake OpenAlex (and fake Crossref for notices)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims.models import Claim
from editorial.models import Candidate, NotRelevantReason, Screening
from evidence.choices import Stance
from evidence.models import Study, Submission
from tests.factories import make_claim, make_evidence, make_study, publish

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("watch_literature", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def claim():
    claim = make_claim(slug="failure-quads", literature_query="proximity to failure quadriceps")
    refalo = make_study(
        doi="10.1080/02640414.2024.2321021", authors="Refalo MC, Helms ER, Zourdos MC", year=2024
    )
    make_evidence(claim, refalo)
    make_evidence(claim, make_study(doi="10.5555/study.two", authors="Doe J", year=2021))
    publish(claim)
    return claim


def test_it_keeps_new_citing_and_matching_works_as_candidates(claim, openalex, crossref):
    out, _ = run()
    found = {c.doi: c for c in Candidate.objects.filter(claim=claim)}
    assert set(found) == {
        "10.7777/meta.2026.1",
        "10.7777/trial.2026.2",
        "10.9999/retracted.2021.1",
        "10.7777/cohort.2026.5",
        "10.7777/search.2026.6",
    }
    assert found["10.7777/meta.2026.1"].found_by == (
        "cites Refalo et al., 2024 and 1 more of the claim's studies"
    )
    assert found["10.7777/meta.2026.1"].cites_count == 2
    assert found["10.7777/trial.2026.2"].found_by == (
        "cites Refalo et al., 2024; matches the search"
    )
    assert found["10.7777/search.2026.6"].found_by == "matches the search"
    assert found["10.7777/trial.2026.2"].abstract.startswith("Forty untrained adults")
    assert found["10.7777/trial.2026.2"].authors == "O'Neil S, Natarajan P"
    assert "[1/1] failure-quads: 5 new, 1 malformed works skipped" in out


def test_it_keeps_each_studys_openalex_id_and_asks_only_once(claim, openalex, crossref):
    run()
    assert Study.objects.get(doi="10.5555/study.two").openalex_id == "W4392000002"
    asked = len([p for p in openalex.paths() if p.startswith("/works/doi:")])
    run()
    assert len([p for p in openalex.paths() if p.startswith("/works/doi:")]) == asked


def test_a_second_run_adds_nothing(claim, openalex, crossref):
    run()
    out, _ = run()
    assert Candidate.objects.filter(claim=claim).count() == 5
    assert "0 new studies to screen" in out


def test_it_records_when_the_literature_was_checked_and_how_many_wait(claim, openalex, crossref):
    run("--claim", "failure-quads")
    claim.refresh_from_db()
    assert claim.literature_checked_at is not None
    assert claim.literature_waiting == 5


def test_a_later_check_asks_only_for_works_since_shortly_before_the_last(claim, openalex, crossref):
    checked = timezone.now() - timedelta(days=10)
    Claim.objects.filter(pk=claim.pk).update(literature_checked_at=checked)
    run()
    since = (checked - timedelta(days=30)).date().isoformat()
    assert any(f"from_publication_date%3A{since}" in p for p in openalex.paths())


def test_a_doi_already_evidence_pending_or_screened_out_never_becomes_a_candidate(
    claim, openalex, crossref, django_user_model
):
    make_evidence(claim, make_study(doi="10.7777/meta.2026.1"))
    member = django_user_model.objects.create_user("member")
    Submission.objects.create(
        claim=claim, submitter=member, doi="10.7777/cohort.2026.5", stance=Stance.SUPPORTS
    )
    Candidate.objects.create(
        claim=claim,
        doi="10.7777/search.2026.6",
        title="Seen before",
        found_by="matches the search",
        status=Screening.NOT_RELEVANT,
        reason=NotRelevantReason.OFF_TOPIC,
    )
    run()
    waiting = set(Candidate.objects.filter(claim=claim).waiting().values_list("doi", flat=True))
    assert waiting == {"10.7777/trial.2026.2", "10.9999/retracted.2021.1"}


def test_a_candidate_with_a_retraction_notice_is_flagged(claim, openalex, crossref):
    run()
    flagged = Candidate.objects.get(doi="10.9999/retracted.2021.1")
    assert flagged.crossref_notice.startswith("Crossref records a retraction notice")
    assert Candidate.objects.get(doi="10.7777/trial.2026.2").crossref_notice == ""


def test_unpublished_claims_are_not_watched(openalex):
    make_claim(slug="draft")
    out, _ = run()
    assert "Checked 0 claims" in out
    with pytest.raises(CommandError):
        run("--claim", "draft")


@pytest.mark.parametrize("mode", ["hang", "500", "html", "malformed"])
def test_a_bad_answer_is_reported_and_the_claim_stays_unchecked(claim, openalex, mode):
    openalex.mode = mode
    out, err = run()
    assert "failure-quads" in err
    claim.refresh_from_db()
    assert claim.literature_checked_at is None
    assert Candidate.objects.count() == 0
    assert "problems" in out


def test_one_claims_bad_answer_does_not_stop_the_others(claim, openalex, crossref):
    other = make_claim(slug="zz-other")
    make_evidence(other, Study.objects.get(doi="10.1080/02640414.2024.2321021"))
    publish(other)
    Study.objects.filter(doi="10.5555/study.two").update(openalex_id="")
    openalex.mode = "500"
    run("--claim", "failure-quads")
    openalex.mode = "ok"
    run()
    assert Candidate.objects.filter(claim=other).exists()


def test_it_paces_its_requests(claim, openalex, crossref, settings, monkeypatch):
    import time

    pauses = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    settings.OPENALEX_PAUSE = 2
    run()
    # Two study look-ups, the second cites: page and the search, each after a pause.
    assert pauses.count(2) >= 4
