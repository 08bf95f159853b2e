"""The screening page: editors add, dismiss or put off the studies watching found."""

import pytest
from django.test import Client

from claims.models import AnalysisVersion, Claim
from editorial.literature import refresh_status
from editorial.models import Candidate, NotRelevantReason, Screening
from evidence.choices import Stance
from evidence.models import Evidence, Study
from tests.factories import make_claim, make_evidence, make_study, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    claim = make_claim(slug="failure-quads")
    make_evidence(claim, make_study(authors="Refalo MC, Helms ER, Zourdos MC", year=2024))
    publish(claim)
    return claim


def make_candidate(claim, n=1, **fields):
    defaults = {
        "doi": f"10.7777/candidate.{n}",
        "title": f"Candidate study {n}",
        "authors": "Lee K, Berg T",
        "year": 2026,
        "journal": "Journal of New Things",
        "work_type": "article",
        "found_by": "cites Refalo et al., 2024",
        "cites_count": 1,
    }
    candidate = Candidate.objects.create(claim=claim, **{**defaults, **fields})
    refresh_status(claim)
    return candidate


def url(claim):
    return f"/editors/claims/{claim.slug}/literature/"


def screen(client, candidate, **data):
    return client.post(f"/editors/literature/{candidate.pk}/", data)


# Who may see it


def test_anonymous_readers_are_sent_to_log_in(client, claim):
    response = client.get(url(claim))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_members_are_refused(member_client, claim):
    assert member_client.get(url(claim)).status_code == 403
    candidate = make_candidate(claim)
    assert screen(member_client, candidate, decision="later").status_code == 403


def test_an_unknown_claim_or_candidate_is_404(editor_client, db):
    assert editor_client.get("/editors/claims/nope/literature/").status_code == 404
    assert editor_client.post("/editors/literature/999/", {"decision": "later"}).status_code == 404


def test_the_wrong_method_is_405(editor_client, claim):
    candidate = make_candidate(claim)
    assert editor_client.post(url(claim)).status_code == 405
    assert editor_client.get(f"/editors/literature/{candidate.pk}/").status_code == 405


# What the editor sees


def test_it_lists_waiting_candidates_ranked_with_the_reason(editor_client, claim):
    make_candidate(claim, 1, title="Muscle growth in older adults", cites_count=2)
    make_candidate(claim, 2, title="Failure training: a meta-analysis", cites_count=0)
    make_candidate(claim, 3, title="Screened out", status=Screening.NOT_RELEVANT, reason="other")
    page = editor_client.get(url(claim)).content.decode()
    assert page.index("a meta-analysis") < page.index("Muscle growth in older adults")
    assert "Screened out" not in page
    assert "Meta-analysis (from the title): a design that can settle the claim" in page
    assert "cites 2 of the claim&#x27;s studies" in page


def test_a_retraction_notice_is_flagged_before_anyone_adds_it(editor_client, claim):
    make_candidate(claim, crossref_notice="Crossref records a retraction notice of 2023-11-02")
    page = editor_client.get(url(claim)).content.decode()
    assert "Crossref records a retraction notice of 2023-11-02" in page
    assert "Added, it would count zero" in page


def test_every_field_has_a_label(editor_client, claim):
    candidate = make_candidate(claim)
    page = editor_client.get(url(claim)).content.decode()
    for field in (f"add-{candidate.pk}-design", f"dismiss-{candidate.pk}-reason"):
        assert f'<label for="id_{field}">' in page


def test_a_hundred_candidates_render_in_a_constant_number_of_queries(
    editor_client, claim, django_assert_max_num_queries
):
    Candidate.objects.bulk_create(
        Candidate(claim=claim, doi=f"10.7777/many.{n}", title=f"Study {n}", found_by="x")
        for n in range(100)
    )
    with django_assert_max_num_queries(8):
        response = editor_client.get(url(claim))
    assert response.content.decode().count('class="queue-item candidate"') == 100


def test_the_editors_page_counts_new_studies_to_screen(editor_client, claim):
    make_candidate(claim, 1)
    make_candidate(claim, 2)
    page = editor_client.get("/editors/").content.decode()
    assert "New studies to screen: 2." in page
    assert f'href="{url(claim)}"' in page


# Deciding


def test_adding_as_contradicting_makes_evidence_and_publishes_a_version(
    editor_client, claim, editor
):
    candidate = make_candidate(claim)
    response = screen(
        editor_client,
        candidate,
        decision="contradicts",
        **{f"add-{candidate.pk}-design": "rct", f"add-{candidate.pk}-sample_size": "40"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(claim=claim, study__doi=candidate.doi)
    assert evidence.stance == Stance.CONTRADICTS
    assert evidence.weight == evidence.computed_weight > 0  # the usual weight rule
    version = Claim.objects.get(pk=claim.pk).current_version
    assert version.number == 2
    assert version.published_by == editor
    assert "found by watching the literature (cites Refalo et al., 2024)" in version.change_note
    candidate.refresh_from_db()
    assert (candidate.status, candidate.version) == (Screening.ADDED, version)
    assert Claim.objects.get(pk=claim.pk).literature_waiting == 0
    page = editor_client.get(response["Location"]).content.decode()
    assert "published analysis v2" in page


def test_adding_needs_a_design_and_says_so_beside_the_field(editor_client, claim):
    candidate = make_candidate(claim)
    response = screen(editor_client, candidate, decision="supports")
    assert response.status_code == 400
    assert f'id="id_add-{candidate.pk}-design-error"' in response.content.decode()
    assert not Evidence.objects.filter(study__doi=candidate.doi).exists()
    assert AnalysisVersion.objects.filter(claim=claim).count() == 1


def test_a_study_crossref_knows_takes_crossrefs_facts(editor_client, claim, crossref):
    candidate = make_candidate(claim, doi="10.1080/02640414.2024.2321021", title="From OpenAlex")
    screen(editor_client, candidate, decision="supports", **{f"add-{candidate.pk}-design": "rct"})
    study = Study.objects.get(doi="10.1080/02640414.2024.2321021")
    assert study.title != "From OpenAlex"
    assert study.journal


def test_a_retracted_study_added_counts_zero(editor_client, claim, crossref):
    candidate = make_candidate(claim, doi="10.9999/retracted.2021.1")
    screen(editor_client, candidate, decision="supports", **{f"add-{candidate.pk}-design": "rct"})
    evidence = Evidence.objects.get(study__doi="10.9999/retracted.2021.1")
    assert evidence.study.retracted
    assert evidence.weight == 0


def test_not_relevant_keeps_the_reason_and_it_never_comes_back(editor_client, claim):
    candidate = make_candidate(claim)
    response = screen(
        editor_client,
        candidate,
        decision="not_relevant",
        **{f"dismiss-{candidate.pk}-reason": NotRelevantReason.POPULATION},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.status, candidate.reason) == (Screening.NOT_RELEVANT, "population")
    assert candidate.title not in editor_client.get(url(claim)).content.decode()


def test_not_relevant_needs_a_reason(editor_client, claim):
    candidate = make_candidate(claim)
    response = screen(editor_client, candidate, decision="not_relevant")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.status == Screening.WAITING


def test_later_moves_it_to_the_end_and_keeps_it_waiting(editor_client, claim):
    first = make_candidate(claim, 1, title="A randomized controlled trial")
    make_candidate(claim, 2, title="An ordinary study")
    screen(editor_client, first, decision="later")
    first.refresh_from_db()
    assert first.status == Screening.WAITING and first.later
    page = editor_client.get(url(claim)).content.decode()
    assert page.index("An ordinary study") < page.index("A randomized controlled trial")
    assert Claim.objects.get(pk=claim.pk).literature_waiting == 2


def test_an_unknown_decision_is_refused(editor_client, claim):
    candidate = make_candidate(claim)
    response = screen(editor_client, candidate, decision="delete")
    assert response.status_code == 400
    assert "Choose what to do with this study." in response.content.decode()


def test_a_candidate_screened_twice_is_refused_the_second_time(editor_client, claim):
    candidate = make_candidate(claim)
    reason = {f"dismiss-{candidate.pk}-reason": "other"}
    screen(editor_client, candidate, decision="not_relevant", **reason)
    response = editor_client.post(
        f"/editors/literature/{candidate.pk}/",
        {"decision": "later"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "already screened by edith" in response.content.decode()


# htmx


def test_htmx_gets_the_result_in_place_of_the_card(editor_client, claim):
    candidate = make_candidate(claim)
    response = editor_client.post(
        f"/editors/literature/{candidate.pk}/",
        {"decision": "later"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="candidate-{candidate.pk}"' in body
    assert "moved to the end" in body


def test_htmx_gets_the_card_with_its_errors(editor_client, claim):
    candidate = make_candidate(claim)
    response = editor_client.post(
        f"/editors/literature/{candidate.pk}/", {"decision": "supports"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "This field is required." in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(editor, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    candidate = make_candidate(claim)
    assert screen(client, candidate, decision="later").status_code == 403


def test_the_history_says_the_added_study_came_from_watching_the_literature(
    editor_client, client, claim
):
    candidate = make_candidate(claim)
    screen(editor_client, candidate, decision="supports", **{f"add-{candidate.pk}-design": "rct"})
    history = client.get(f"/claims/{claim.slug}/history/").content.decode()
    assert (
        f"Added supporting study {candidate.doi}, found by watching the literature "
        "(cites Refalo et al., 2024), screened by edith." in history
    )


@pytest.mark.django_db(transaction=True)
def test_two_editors_adding_one_candidate_at_once_make_one_evidence_and_one_version(
    postgres_only,
):
    from django.contrib.auth.models import User

    from editorial.literature import AlreadyScreened, add
    from tests.conftest import run_in_threads

    editors = [User.objects.create_user(f"ed{n}", is_staff=True) for n in range(2)]
    claim = make_claim()
    make_evidence(claim)
    publish(claim)
    candidate = make_candidate(claim)

    results, errors = run_in_threads(
        2,
        lambda i: (
            add(
                Candidate.objects.get(pk=candidate.pk),
                by=editors[i],
                stance="supports",
                design="rct",
            ).number
        ),
    )
    assert results == [2], errors
    assert len(errors) == 1 and isinstance(errors[0], AlreadyScreened)
    assert Evidence.objects.filter(claim=claim, study__doi=candidate.doi).count() == 1
    assert claim.versions.count() == 2


@pytest.mark.django_db(transaction=True)
def test_adding_two_candidates_on_one_claim_at_once_counts_both(postgres_only):
    from django.contrib.auth.models import User

    from editorial.literature import add
    from tests.conftest import run_in_threads

    editors = [User.objects.create_user(f"ed{n}", is_staff=True) for n in range(2)]
    claim = make_claim()
    make_evidence(claim)
    publish(claim)
    candidates = [make_candidate(claim, n) for n in range(2)]

    results, errors = run_in_threads(
        2,
        lambda i: (
            add(
                Candidate.objects.get(pk=candidates[i].pk),
                by=editors[i],
                stance="contradicts",
                design="rct",
            ).number
        ),
    )
    assert errors == []
    assert sorted(results) == [2, 3]
    claim = Claim.objects.get(pk=claim.pk)
    assert len(claim.current_version.snapshot["contradicting"]) == 2
    assert claim.literature_waiting == 0
