import pytest
from pytest_django.asserts import assertInHTML

from claims.models import AnalysisVersion, Claim, ImmutableVersionError
from claims.publishing import NothingToPublish, publish_analysis, working_snapshot
from evidence.choices import Stance
from tests.conftest import run_in_threads
from tests.factories import (
    make_claim,
    make_evidence,
    make_mechanism,
    make_study,
    publish,
    publisher,
)


def test_versions_are_numbered_in_order(db):
    claim = make_claim()
    first = publish(claim, "First")
    make_evidence(claim, make_study())
    second = publish(claim, "Second")
    assert (first.number, second.number) == (1, 2)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.analysis_version == 2
    assert claim.current_version == second
    assert second.snapshot["version"] == 2
    assert (second.pro_tally, second.verdict) == (60, "strong_support")


def test_publishing_records_who_when_and_why(db):
    claim = make_claim()
    version = publish(claim, "  Added the first trial.  ")
    assert version.published_by == publisher()
    assert version.published_at is not None
    assert version.change_note == "Added the first trial."


def test_an_unchanged_working_copy_is_refused(db):
    claim = make_claim()
    publish(claim)
    with pytest.raises(NothingToPublish, match="Nothing has changed since analysis v1"):
        publish(claim, "Again")
    assert claim.versions.count() == 1


def test_a_change_note_is_required(db):
    with pytest.raises(ValueError, match="change note"):
        publish_analysis(claim=make_claim(), by=publisher(), note="   ")
    assert not AnalysisVersion.objects.exists()


def test_saving_an_existing_version_raises(db):
    version = publish(make_claim())
    version.change_note = "Rewritten history"
    with pytest.raises(ImmutableVersionError):
        version.save()
    assert AnalysisVersion.objects.get().change_note == "Published for a test."


def test_versions_cannot_be_deleted_or_bulk_updated(db):
    version = publish(make_claim())
    with pytest.raises(ImmutableVersionError):
        version.delete()
    with pytest.raises(ImmutableVersionError):
        AnalysisVersion.objects.all().delete()
    with pytest.raises(ImmutableVersionError):
        AnalysisVersion.objects.update(change_note="x")
    assert AnalysisVersion.objects.count() == 1


def test_v1_still_renders_what_v1_said_after_everything_changed(client, db):
    study = make_study(title="Original title of the trial", sample_size=18)
    claim = make_claim(statement="Original statement of the claim.")
    make_evidence(claim, study, finding="It held up.")
    make_mechanism(claim, cite=[study])
    publish(claim, "First")

    claim.statement = "Rewritten statement of the claim."
    claim.save()
    study.title = "Corrected title of the trial"
    study.save()
    evidence = claim.evidence.get()
    evidence.weight_override = 90
    evidence.weight_override_reason = "Re-assessed"
    evidence.save()
    publish(claim, "Second")

    old = client.get(f"/claims/{claim.slug}/v/1/").content.decode()
    assert "You are viewing analysis v1 of 2" in old
    assert "Original statement of the claim." in old
    assert "Original title of the trial" in old
    assertInHTML("Weight <strong>55</strong>", old)
    assert "Rewritten statement" not in old and "Corrected title" not in old

    current = client.get(f"/claims/{claim.slug}/").content.decode()
    assert "Rewritten statement of the claim." in current
    assertInHTML(
        '<p class="study-card__weight">Weight <strong>90</strong> '
        '<span class="override">· the rule gives 55 · raised by an editor: Re-assessed</span></p>',
        current,
    )


def test_saving_a_stale_claim_keeps_its_tallies_and_published_version(db):
    claim = make_claim()
    stale = Claim.objects.get(pk=claim.pk)
    make_evidence(claim, make_study(sample_size=18))
    publish(claim)
    stale.statement = "Edited in a form opened before the evidence and the publication."
    stale.save()
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.statement.startswith("Edited in a form")
    assert (claim.pro_tally, claim.analysis_version) == (55, 1)


def test_readers_see_the_published_version_not_the_working_copy(client, db):
    claim = make_claim(statement="Published words.")
    publish(claim)
    claim.statement = "Working words."
    claim.save()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Published words." in html and "Working words." not in html
    assert "Unpublished changes" not in html


def test_editors_see_a_notice_of_unpublished_changes(editor_client):
    claim = make_claim()
    publish(claim)
    assert "Unpublished changes" not in editor_client.get(claim.get_absolute_url()).content.decode()
    make_evidence(claim, make_study())
    html = editor_client.get(claim.get_absolute_url()).content.decode()
    assert "Unpublished changes since v1" in html
    assert f"/claims/{claim.slug}/preview/" in html


def test_the_preview_shows_the_working_copy_to_editors(editor_client):
    claim = make_claim(statement="Published words.")
    publish(claim)
    claim.statement = "Working words."
    claim.save()
    html = editor_client.get(f"/claims/{claim.slug}/preview/").content.decode()
    assert "Preview of the working copy" in html
    assert "Working words." in html
    assert "Analysis v2" in html


def test_a_claim_never_published_is_hidden_from_readers(client, member_client, db):
    claim = make_claim(statement="Secret draft.")
    for url in (f"/claims/{claim.slug}/", f"/claims/{claim.slug}/history/", "/"):
        for c in (client, member_client):
            response = c.get(url)
            assert "Secret draft." not in response.content.decode()
            if url != "/":
                assert response.status_code == 404


def test_a_claim_never_published_shows_as_a_draft_to_editors(editor_client):
    claim = make_claim(statement="Secret draft.")
    html = editor_client.get(claim.get_absolute_url()).content.decode()
    assert "Draft." in html and "Secret draft." in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_get_distinct_gapless_numbers(postgres_only):
    claim = make_claim()
    by = publisher()
    working = working_snapshot(claim)

    def create(index):
        snapshot = {**working, "pro": index}
        return AnalysisVersion.objects.create_next(
            claim=claim, snapshot=snapshot, published_by=by, change_note=f"thread {index}"
        ).number

    results, errors = run_in_threads(8, create)
    assert errors == []
    assert sorted(results) == list(range(1, 9))
    assert Claim.objects.get(pk=claim.pk).analysis_version == 8


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_the_same_change_make_one_version(postgres_only):
    claim = make_claim()
    publish(claim)
    make_evidence(claim, make_study(), stance=Stance.CONTRADICTS)
    by = publisher()

    results, errors = run_in_threads(
        2, lambda i: publish_analysis(claim=claim, by=by, note=f"editor {i}").number
    )
    assert results == [2]
    assert len(errors) == 1 and isinstance(errors[0], NothingToPublish)
    assert list(claim.versions.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_a_snapshot_from_before_a_new_field_still_matches_its_working_copy(db):
    claim = make_claim()
    make_evidence(claim, make_study())
    version = publish(claim)
    older = {**version.snapshot}
    older["supporting"] = [
        {k: v for k, v in item.items() if k != "submitted_by"} for item in older["supporting"]
    ]
    assert version.same_analysis_as(older)
    older["pro"] = 1
    assert not version.same_analysis_as(older)


def test_a_new_object_with_an_existing_key_cannot_overwrite_a_version(db):
    from django.db import IntegrityError, transaction

    version = publish(make_claim(), "The real note")
    forged = AnalysisVersion(
        pk=version.pk,
        claim=version.claim,
        number=version.number,
        snapshot={**version.snapshot, "against": 999},
        verdict=version.verdict,
        pro_tally=0,
        against_tally=999,
        published_by=version.published_by,
        change_note="Forged",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AnalysisVersion.objects.get(pk=version.pk).change_note == "The real note"
