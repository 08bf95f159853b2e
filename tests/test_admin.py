"""The Django admin as editors use it."""

import pytest

from claims.models import Claim
from evidence.models import Study
from tests.factories import make_claim, make_study


def study_form(**fields):
    data = {
        "doi": "10.1080/abc",
        "title": "A trial",
        "authors": "Doe J, Roe R",
        "journal": "Journal of Tests",
        "volume": "",
        "issue": "",
        "pages": "",
        "year": "2024",
        "design": "rct",
        "sample_size": "18",
        "population": "",
        "risk_of_bias": "low",
        "retraction_note": "",
    }
    return {**data, **fields}


def test_an_editor_adds_a_study_with_a_messy_doi_and_it_is_normalised(editor_client):
    response = editor_client.post(
        "/admin/evidence/study/add/", study_form(doi="  https://doi.org/10.1080/ABC.Def  ")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Study.objects.get().doi == "10.1080/abc.def"


def test_a_doi_prefixed_with_doi_colon_is_normalised(editor_client):
    editor_client.post("/admin/evidence/study/add/", study_form(doi="doi:10.1080/XYZ"))
    assert Study.objects.filter(doi="10.1080/xyz").exists()


def test_a_malformed_doi_is_an_error_on_its_field(editor_client):
    response = editor_client.post("/admin/evidence/study/add/", study_form(doi="10.1/nope"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "is not a DOI" in errors["doi"][0]
    assert not Study.objects.exists()


def test_a_duplicate_doi_is_refused_and_names_the_existing_study(editor_client):
    make_study(doi="10.1080/abc", title="The first study of ABC")
    response = editor_client.post(
        "/admin/evidence/study/add/", study_form(doi="https://doi.org/10.1080/ABC")
    )
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["doi"][0]
    assert "already on the site" in error
    assert "The first study of ABC" in error
    assert Study.objects.count() == 1


def claim_form(claim, evidence_rows=()):
    data = {
        "statement": claim.statement,
        "slug": claim.slug,
        "claim_type": claim.claim_type,
        "summary": claim.summary,
        "evidence-TOTAL_FORMS": str(len(evidence_rows)),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "gold_standard_designs-TOTAL_FORMS": "0",
        "gold_standard_designs-INITIAL_FORMS": "0",
        "gold_standard_designs-MIN_NUM_FORMS": "0",
        "gold_standard_designs-MAX_NUM_FORMS": "1000",
        "mechanisms-TOTAL_FORMS": "0",
        "mechanisms-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(evidence_rows):
        for key, value in row.items():
            data[f"evidence-{index}-{key}"] = value
    return data


def test_adding_supporting_evidence_in_the_admin_raises_the_pro_tally(editor_client):
    claim = make_claim()
    study = make_study(sample_size=18)
    row = {
        "study": str(study.pk),
        "stance": "supports",
        "finding": "It held.",
        "weight_override": "",
    }
    response = editor_client.post(
        f"/admin/claims/claim/{claim.pk}/change/", claim_form(claim, [row])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.pro_tally == 55
    assert claim.get_verdict_display() == "Moderate Support"


def test_an_override_without_a_reason_is_refused(editor_client):
    claim = make_claim()
    study = make_study(sample_size=18)
    row = {"study": str(study.pk), "stance": "supports", "weight_override": "80"}
    response = editor_client.post(
        f"/admin/claims/claim/{claim.pk}/change/", claim_form(claim, [row])
    )
    assert response.status_code == 200
    assert "Say why this study" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).pro_tally == 0


def test_editors_reach_every_curation_page(editor_client):
    claim = make_claim()
    for url in (
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim.pk}/change/",
        "/admin/evidence/study/?design__exact=rct&retracted__exact=0",
        "/admin/evidence/study/?q=trial",
        "/admin/mechanisms/mechanism/add/",
        "/admin/autocomplete/?app_label=mechanisms&model_name=causalstep&field_name=cited_studies&term=test",
    ):
        assert editor_client.get(url).status_code == 200, url


def test_members_cannot_use_the_admin(member_client):
    response = member_client.get("/admin/claims/claim/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_claim_page_in_the_admin_offers_one_publish_control_and_preview(editor_client):
    claim = make_claim()
    html = editor_client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert html.count('name="_publish"') == 1
    assert "Publish analysis version" not in html
    assert f"/claims/{claim.slug}/preview/" in html


def test_an_editor_publishes_with_a_change_note(editor_client, editor):
    claim = make_claim()
    url = f"/admin/claims/claim/{claim.pk}/publish/"
    page = editor_client.get(url).content.decode()
    assert "never been published" in page and "Change note" in page
    response = editor_client.post(url, {"change_note": "First published analysis."})
    assert response.status_code == 302
    version = claim.versions.get()
    assert (version.number, version.published_by, version.change_note) == (
        1,
        editor,
        "First published analysis.",
    )
    messages = editor_client.get(response["Location"]).content.decode()
    assert "Published analysis v1" in messages


def test_publishing_needs_a_change_note(editor_client):
    claim = make_claim()
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not claim.versions.exists()


def test_publishing_an_unchanged_claim_is_refused_with_a_message(editor_client):
    claim = make_claim()
    url = f"/admin/claims/claim/{claim.pk}/publish/"
    editor_client.post(url, {"change_note": "First"})
    page = editor_client.get(url).content.decode()
    assert "Nothing has changed since v1" in page
    response = editor_client.post(url, {"change_note": "Again"})
    assert response.status_code == 400
    assert "Nothing has changed since analysis v1" in response.content.decode()
    assert claim.versions.count() == 1


def test_the_admin_offers_no_change_or_delete_for_versions(editor_client):
    claim = make_claim()
    editor_client.post(f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": "First"})
    version = claim.versions.get()
    listing = editor_client.get("/admin/claims/analysisversion/")
    assert listing.status_code == 200
    assert "Add analysis version" not in listing.content.decode()
    detail = editor_client.get(f"/admin/claims/analysisversion/{version.pk}/change/")
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]
    assert (
        editor_client.get(f"/admin/claims/analysisversion/{version.pk}/delete/").status_code == 403
    )
    assert (
        editor_client.post(
            f"/admin/claims/analysisversion/{version.pk}/change/", {"change_note": "Rewritten"}
        ).status_code
        == 403
    )
    assert editor_client.get("/admin/claims/analysisversion/add/").status_code == 403


def test_a_claim_with_versions_cannot_be_deleted(editor_client):
    claim = make_claim()
    editor_client.post(f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": "First"})
    editor_client.post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"})
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_admin_lists_submissions_by_status(editor_client, member):
    from tests.factories import make_published_claim, make_submission

    claim = make_published_claim()
    make_submission(claim, member, doi="10.5555/pending.one")
    response = editor_client.get("/admin/evidence/submission/?status__exact=pending")
    assert response.status_code == 200
    assert "10.5555/pending.one" in response.content.decode()
    assert "Delete" not in response.content.decode().split('name="action"')[1].split("</select>")[0]


def test_the_admin_approve_action_uses_the_same_method(editor_client, member):
    from evidence.models import Submission
    from tests.factories import make_published_claim, make_submission

    claim = make_published_claim()
    submission = make_submission(claim, member)
    response = editor_client.post(
        "/admin/evidence/submission/",
        {"action": "approve_selected", "_selected_action": [submission.pk]},
        follow=True,
    )
    assert "published analysis v2" in response.content.decode()
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.status == "approved" and submission.version.number == 2


def test_the_admin_reject_action_asks_for_a_reason(editor_client, member):
    from evidence.models import Submission
    from tests.factories import make_published_claim, make_submission

    claim = make_published_claim()
    submission = make_submission(claim, member)
    url = "/admin/evidence/submission/"
    ask = editor_client.post(
        url, {"action": "reject_selected", "_selected_action": [submission.pk]}
    )
    assert ask.status_code == 200 and "Reason" in ask.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "pending"
    editor_client.post(
        url,
        {"action": "reject_selected", "_selected_action": [submission.pk], "reason": "Off topic."},
    )
    submission = Submission.objects.get(pk=submission.pk)
    assert (submission.status, submission.rejection_reason) == ("rejected", "Off topic.")


PASTED_FORMS = [
    "https://doi.org/10.1111/SMS.14212",
    "https://www.doi.org/10.1111/sms.14212",
    "http://dx.doi.org/10.1111/sms.14212",
    "doi: 10.1111/sms.14212",
    "10.1111/sms.14212.",
    "https://onlinelibrary.wiley.com/doi/full/10.1111/sms.14212",
]


@pytest.mark.parametrize("pasted", PASTED_FORMS)
def test_the_study_search_finds_a_study_by_a_pasted_doi(editor_client, pasted):
    make_study(doi="10.1111/sms.14212", title="Found by its DOI")
    make_study(doi="10.1111/sms.99999", title="Another study")
    response = editor_client.get("/admin/evidence/study/", {"q": pasted})
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert [study.title for study in found] == ["Found by its DOI"]


def test_the_study_search_still_finds_studies_by_words(editor_client):
    make_study(doi="10.1111/sms.14212", title="Proximity to failure in trained adults")
    make_study(doi="10.1111/sms.99999", title="Another study")
    response = editor_client.get("/admin/evidence/study/", {"q": "proximity"})
    found = list(response.context["cl"].result_list)
    assert [study.title for study in found] == ["Proximity to failure in trained adults"]


def test_the_study_autocomplete_finds_a_study_by_a_pasted_doi(editor_client):
    study = make_study(doi="10.1111/sms.14212", title="Found by its DOI")
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "https://doi.org/10.1111/sms.14212",
            "app_label": "evidence",
            "model_name": "evidence",
            "field_name": "study",
        },
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(study.pk)]
