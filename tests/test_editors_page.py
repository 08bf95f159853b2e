"""The editors' page lists what needs an editor: submissions, unpublished claims, notices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Claim
from evidence.models import Notice, Study
from evidence.notices import NoticeKind
from tests.factories import (
    make_claim,
    make_evidence,
    make_mechanism,
    make_study,
    make_submission,
    publish,
)

URL = "/editors/"


def test_anonymous_readers_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_members_are_refused(member_client):
    assert member_client.get(URL).status_code == 403


def test_editors_see_the_link_in_the_navigation(editor_client):
    assert f'href="{URL}"' in editor_client.get("/").content.decode()


def test_members_do_not_see_the_link(member_client):
    assert f'href="{URL}"' not in member_client.get("/").content.decode()


def test_it_counts_pending_submissions_and_links_the_queue(editor_client, member):
    claim = make_claim()
    publish(claim)
    make_submission(claim, member)
    make_submission(claim, member)
    page = editor_client.get(URL).content.decode()
    assert '<a href="/moderation/">2 submissions waiting for review</a>' in page


def test_it_lists_claims_changed_since_published_with_preview_and_publish_links(editor_client):
    never = make_claim(statement="Never published claim.")
    same = make_claim(statement="Published and untouched claim.")
    publish(same)
    edited = make_claim(statement="Published then edited claim.")
    publish(edited)
    edited.summary = "A summary written after publishing."
    edited.save()
    with_new_evidence = make_claim(statement="Published then given evidence.")
    publish(with_new_evidence)
    make_evidence(with_new_evidence)
    touched = make_claim(statement="Published then saved unchanged.")
    publish(touched)
    Claim.objects.filter(pk=touched.pk).update(updated_at=timezone.now() + timedelta(seconds=5))
    page = editor_client.get(URL).content.decode()
    for claim in (never, edited, with_new_evidence):
        assert claim.statement in page
        assert f"/claims/{claim.slug}/preview/" in page
        assert f"/admin/claims/claim/{claim.pk}/publish/" in page
    assert same.statement not in page
    # Saving without changing what readers would see is nothing to publish.
    assert touched.statement not in page


def test_a_claim_published_from_the_admin_leaves_the_list(editor_client):
    claim = make_claim(statement="About to be published.")
    editor_client.post(f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": "First."})
    assert f"/admin/claims/claim/{claim.pk}/publish/" not in editor_client.get(URL).content.decode()


def test_it_lists_studies_whose_notices_await_an_editor(editor_client):
    claim = make_claim(statement="Claim held back by a retraction.")
    study = make_evidence(claim).study
    notice = Notice.objects.create(study=study, kind=NoticeKind.RETRACTION)
    notice.claims_awaiting_editor.add(claim)
    page = editor_client.get(URL).content.decode()
    assert study.title in page
    assert f"/admin/evidence/study/{study.pk}/change/" in page


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_takes_the_same_queries_however_much_needs_attention(
    editor_client, member, django_assert_max_num_queries, size
):
    for n in range(size):
        claim = make_claim()
        publish(claim)
        make_evidence(claim)
        make_mechanism(claim, steps=3, cite=[make_study()])
        make_submission(claim, member)
        notice = Notice.objects.create(
            study=Study.objects.create(doi=f"10.1080/n.{n}", title="T", year=2020, design="rct"),
            kind=NoticeKind.RETRACTION,
        )
        notice.claims_awaiting_editor.add(claim)
    # One query more than the listed parts for the claims with new studies to screen.
    with django_assert_max_num_queries(19):
        page = editor_client.get(URL).content.decode()
    assert page.count("/publish/") >= size


def test_it_links_to_adding_a_claim_and_finds_claims_in_the_admin(editor_client):
    make_claim(statement="Cold baths speed recovery.")
    html = editor_client.get("/editors/").content.decode()
    assert '<a class="button" href="/admin/claims/claim/add/">Add a claim</a>' in html
    assert 'action="/admin/claims/claim/" method="get" role="search"' in html
    found = editor_client.get("/admin/claims/claim/", {"q": "cold baths"}).content.decode()
    assert "Cold baths speed recovery." in found
