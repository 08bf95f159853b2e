"""check_retractions against the local fake Crossref: notices, re-grading and publishing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from evidence.choices import Stance, StudyDesign
from evidence.models import Notice, Study
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish

RETRACTED_DOI = "10.9999/retracted.2021.1"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("check_retractions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def cited(db):
    """A published claim whose strongest support is a study Crossref says is retracted."""
    retracted = make_study(doi=RETRACTED_DOI, title="Fasted training", design=StudyDesign.RCT)
    claim = make_claim(slug="fasted-cardio")
    make_evidence(claim, retracted)
    make_evidence(claim, make_study(design=StudyDesign.COHORT, sample_size=40))
    make_evidence(claim, make_study(design=StudyDesign.CASE_CONTROL), stance=Stance.CONTRADICTS)
    publish(claim, "First")
    return claim, retracted


def test_a_new_retraction_publishes_a_regraded_version_with_a_generated_note(crossref, cited):
    claim, study = cited
    before = Claim.objects.get(pk=claim.pk).current_version

    out, _ = run()

    claim.refresh_from_db()
    version = claim.current_version
    assert version.number == before.number + 1
    assert version.published_by.username == "crossref"
    assert (before.pro_tally, version.pro_tally) == (100, 40)
    assert "Retraction of 2023-11-02 (10.9999/retraction.2023.7)" in version.change_note
    assert "retraction-watch" in version.change_note
    assert "Its weight on this claim: 60 → 0." in version.change_note
    assert "Pro 100 / Against 30 → Pro 40 / Against 30" in version.change_note
    assert "verdict Moderate Support → Mixed Evidence." in version.change_note
    item = version.analysis.supporting[-1]
    assert (item.study.doi, item.weight, item.study.retracted) == (RETRACTED_DOI, 0, True)
    assert (item.study.notice_date, item.study.notice_url) == (
        "2023-11-02",
        "https://doi.org/10.9999/retraction.2023.7",
    )
    study.refresh_from_db()
    assert study.retracted
    assert set(study.notices.values_list("kind", flat=True)) == {"retraction", "correction"}
    assert f"published {claim.slug} v2 (Mixed Evidence)" in out


def test_a_second_run_changes_nothing(crossref, cited):
    claim, _ = cited
    run()
    counts = (Notice.objects.count(), claim.versions.count())
    out, _ = run()
    assert (Notice.objects.count(), claim.versions.count()) == counts
    assert f"[3/3] {RETRACTED_DOI}: nothing new" in out


def test_the_compare_page_shows_the_regraded_version(crossref, cited, client):
    claim, _ = cited
    run()
    page = client.get(f"/claims/{claim.slug}/compare/1/2/").content.decode()
    assert "Moderate Support" in page and "Mixed Evidence" in page
    assert "Fasted training" in page
    assert "These two versions say the same thing" not in page


def test_the_claim_page_flags_the_retracted_study_with_the_notice_date_and_link(
    crossref, cited, client
):
    claim, _ = cited
    run()
    page = client.get(f"/claims/{claim.slug}/").content.decode()
    assert "Retracted 2 November 2023" in page
    assert 'href="https://doi.org/10.9999/retraction.2023.7"' in page


def test_a_claim_with_editors_unpublished_changes_is_flagged_not_published(crossref, cited):
    claim, study = cited
    claim.statement = "An editor's draft, not ready."
    claim.save()

    out, _ = run()

    claim.refresh_from_db()
    assert claim.current_version.number == 1
    assert "An editor's draft" not in str(claim.current_version.snapshot)
    notice = study.notices.get(kind="retraction")
    assert list(notice.claims_awaiting_editor.all()) == [claim]
    assert f"{claim.slug} has unpublished editor changes: flagged" in out
    # The working copy is re-graded all the same, for the editor to publish.
    assert claim.pro_tally == 40


def test_a_claim_citing_the_study_only_in_a_causal_chain_gets_a_version_too(crossref, db):
    study = make_study(doi=RETRACTED_DOI)
    claim = make_claim()
    make_evidence(claim)
    make_mechanism(claim, steps=1, cite=[study])
    publish(claim)

    run()

    claim.refresh_from_db()
    assert claim.current_version.number == 2
    ref = claim.current_version.analysis.mechanisms[0].steps[0].citations[0]
    assert ref.retracted and ref.notice == "retraction"
    assert "causal chain only" in claim.current_version.change_note


def test_a_notice_found_by_the_updates_filter_retracts_the_study(crossref, db):
    study = make_study(doi="10.9999/quietly.retracted")
    claim = make_claim()
    make_evidence(claim, study)
    publish(claim)
    run("--doi", "https://doi.org/10.9999/quietly.retracted")
    study.refresh_from_db()
    assert study.retracted
    assert study.notices.get().kind == "withdrawal"
    assert claim.versions.count() == 2


def test_an_expression_of_concern_is_published_without_changing_the_weight(crossref, db, client):
    study = make_study(doi="10.9999/concern.2020.5")
    claim = make_claim()
    evidence = make_evidence(claim, study)
    publish(claim)

    run()

    study.refresh_from_db()
    assert not study.retracted
    claim.refresh_from_db()
    item = claim.current_version.analysis.supporting[0]
    assert item.weight == evidence.weight > 0
    assert (item.study.notice, item.study.notice_label) == (
        "expression_of_concern",
        "Expression of concern",
    )
    page = client.get(f"/claims/{claim.slug}/").content.decode()
    assert '<span class="flag flag--concern">Expression of concern 9 February 2024</span>' in page
    assert 'href="https://doi.org/10.9999/eoc.2024.1"' in page


def test_it_never_looks_up_example_studies(crossref, db):
    claim = make_claim()
    make_evidence(claim, make_study(doi="10.5555/demo.1", is_example=True))
    out, _ = run()
    assert crossref.requests == []
    assert "Checked 0 of 0 studies." in out


def test_it_reports_crossref_being_down_and_changes_nothing(crossref, cited):
    claim, study = cited
    crossref.mode = "500"
    with pytest.raises(CommandError, match="no answer for any study"):
        run("--doi", RETRACTED_DOI)
    study.refresh_from_db()
    assert not study.retracted
    assert claim.versions.count() == 1


def test_it_refuses_a_doi_the_site_does_not_know(db):
    with pytest.raises(CommandError, match="No study on the site with DOI 10.9999/nope"):
        run("--doi", "10.9999/nope")


def test_an_unchecked_study_keeps_its_weight(crossref, db):
    study = make_study(doi="10.1080/02640414.2024.2321021")
    claim = make_claim()
    make_evidence(claim, study)
    publish(claim)
    run()
    assert not Study.objects.get(pk=study.pk).retracted
    assert claim.versions.count() == 1


def test_an_editors_unpublished_certainty_judgements_are_not_published(crossref, cited):
    claim, _ = cited
    claim.certainty_override = "high"
    claim.certainty_override_reason = "A draft reason, not ready."
    claim.publication_bias_suspected = True
    claim.save()

    out, _ = run()

    claim.refresh_from_db()
    assert claim.current_version.number == 1
    assert "A draft reason" not in str(claim.current_version.snapshot)
    assert f"{claim.slug} has unpublished editor changes: flagged" in out
