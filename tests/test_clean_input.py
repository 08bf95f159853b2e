"""Bad input anywhere is a 400 or a 404 with a message, never a server error."""

import pytest
from django.test import Client

from evidence.models import Submission
from tests.factories import (
    make_evidence,
    make_published_claim,
    make_study,
    make_submission,
    publish,
)


@pytest.fixture
def claim(db):
    claim = make_published_claim(slug="caffeine")
    make_evidence(claim, make_study())
    publish(claim, note="Second.")
    return claim


@pytest.fixture
def plain_client():
    # Raise nothing: a server error must show as a 500 response, as a visitor would get it.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00",
        "/?topic=%00",
        "/?q=caf%01e",
        "/studies/10.1234/x%00y/",
        "/claims/caffeine%00/",
        "/claims/caffeine/compare/?a=1%00&b=2",
    ],
)
def test_a_control_character_in_the_address_is_refused_before_the_database(
    plain_client, claim, url
):
    response = plain_client.get(url)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_a_doubly_encoded_nul_in_a_doi_finds_no_study(plain_client, db):
    make_study(doi="10.1234/x")
    assert plain_client.get("/studies/10.1234/%2500/").status_code == 404


def test_a_nul_in_a_form_field_is_refused(member, claim):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.post(
        f"/claims/{claim.slug}/evidence/new/",
        {"doi": "10.5555/nul", "stance": "supports", "note": "A note\x00with NUL"},
    )
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert not Submission.objects.exists()


def test_line_breaks_and_tabs_in_a_textarea_are_kept(member_client, claim):
    response = member_client.post(
        f"/claims/{claim.slug}/evidence/new/",
        {
            "doi": "10.5555/lines",
            "stance": "supports",
            "note": "First line.\r\n\r\n\tIndented.",
            "title": "A trial",
            "authors": "Roe R",
            "journal": "Journal of Tests",
            "year": "2024",
            "design": "rct",
            "sample_size": "40",
        },
    )
    assert response.status_code == 302
    assert Submission.objects.get(doi="10.5555/lines").note == "First line.\r\n\r\n\tIndented."


@pytest.mark.parametrize(
    "url",
    [
        "/claims/caffeine/compare/1/9999999999999999999999999/",
        "/claims/caffeine/compare/9223372036854775808/1/",
        "/claims/caffeine/v/99999999999999999999/",
        "/claims/caffeine/compare/0/1/",
        "/moderation/99999999999999999999/",
    ],
)
def test_a_number_out_of_range_in_the_path_is_not_found(plain_client, editor, claim, url):
    plain_client.force_login(editor)
    assert plain_client.get(url).status_code == 404


@pytest.mark.parametrize("value", ["9999999999999999999999", "-1", "0", "x"])
def test_an_out_of_range_version_picked_to_compare_goes_back_to_the_history(
    plain_client, claim, value
):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = plain_client.get(f"/claims/caffeine/compare/?a=1&b={value}", **headers)
        assert response.status_code == 302
        assert response["Location"] == "/claims/caffeine/history/"


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "x"])
def test_any_page_number_shows_a_page(plain_client, claim, page):
    assert plain_client.get(f"/?page={page}").status_code == 200


@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999", "-1"])
def test_publishing_a_claim_that_is_not_there_is_not_found(plain_client, editor, object_id):
    plain_client.force_login(editor)
    assert plain_client.get(f"/admin/claims/claim/{object_id}/publish/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/loginfailure/?at__year=99999999999999999",
        "/admin/evidence/submission/?created_at__year=2024&created_at__month=99999999999999999",
    ],
)
def test_a_date_drill_down_out_of_range_is_a_bad_filter(plain_client, admin_user, url):
    plain_client.force_login(admin_user)
    response = plain_client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_sample_size_beyond_any_study_is_refused_beside_the_field(member_client, claim):
    response = member_client.post(
        f"/claims/{claim.slug}/evidence/new/",
        {
            "doi": "10.5555/huge",
            "stance": "supports",
            "note": "Huge.",
            "title": "A trial",
            "journal": "Journal of Tests",
            "year": "2024",
            "design": "rct",
            "sample_size": "99999999999999999999",
        },
    )
    assert response.status_code == 400
    assert "at most 100,000,000" in response.content.decode()


def test_an_editor_cannot_approve_a_sample_size_beyond_any_study(editor_client, claim, member):
    submission = make_submission(claim, member)
    prefix = f"approve-{submission.pk}-"
    data = {
        "title": "T",
        "year": "2024",
        "design": "rct",
        "sample_size": "100000001",
    }
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", {prefix + k: v for k, v in data.items()}
    )
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == "pending"


@pytest.mark.parametrize(
    "url", ["/", "/claims/caffeine/", "/claims/caffeine/history/", "/claims/caffeine/v/1/"]
)
def test_public_pages_answer_head(client, claim, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_a_study_page_answers_head(client, db):
    make_study(doi="10.1234/head")
    assert client.head("/studies/10.1234/head/").status_code == 200
