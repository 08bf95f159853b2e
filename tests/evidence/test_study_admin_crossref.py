"""Adding a study in the admin from its DOI, with the local fake Crossref."""

import pytest

from evidence.models import Study
from tests.factories import make_study
from tests.test_admin import study_form

ADD = "/admin/evidence/study/add/"
REFERENCE_DOI = "10.1080/02640414.2024.2321021"


def only_doi_and_design(**fields):
    empty = {name: "" for name in ("title", "authors", "journal", "year")}
    return study_form(doi=REFERENCE_DOI, **{**empty, **fields})


def test_a_doi_and_a_design_are_enough_to_add_a_study(crossref, editor_client):
    response = editor_client.post(ADD, only_doi_and_design())
    assert response.status_code == 302
    study = Study.objects.get()
    assert study.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert (study.journal, study.year, study.volume, study.pages) == (
        "Journal of Sports Sciences",
        2024,
        "42",
        "85-101",
    )


def test_what_the_editor_typed_is_kept_on_save(crossref, editor_client):
    editor_client.post(ADD, only_doi_and_design(title="My own title"))
    study = Study.objects.get()
    assert study.title == "My own title"
    assert study.journal == "Journal of Sports Sciences"


def test_offline_the_editor_types_the_facts_and_is_told_why(crossref, editor_client):
    crossref.mode = "500"
    response = editor_client.post(ADD, only_doi_and_design())
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == ["Crossref could not be reached; type the facts below."]
    assert form.errors["title"] == ["Type the title."]
    assert not Study.objects.exists()
    response = editor_client.post(ADD, only_doi_and_design(title="Typed", year="2024"))
    assert response.status_code == 302


def test_offline_a_save_keeps_what_was_typed_and_asks_only_for_what_is_missing(
    settings, editor_client
):
    # Nothing listens on this port: the name resolves, the connection is refused.
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    response = editor_client.post(ADD, only_doi_and_design(title="Typed title"))
    html = response.content.decode()
    form = response.context["adminform"].form
    assert set(form.errors) == {"__all__", "year"}
    assert 'value="Typed title"' in html
    assert f'value="{REFERENCE_DOI}"' in html
    assert "Crossref could not be reached; type the facts below." in html
    assert "Errno" not in html and "Connection refused" not in html
    # No help promising Crossref when it has just failed.
    assert "Leave empty to take it from Crossref" not in html


def test_fetch_from_doi_fills_the_form_without_saving(crossref, editor_client):
    response = editor_client.post(
        ADD, {**only_doi_and_design(sample_size="18"), "_fetch_crossref": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Study.objects.exists()
    assert "Filled in from Crossref: check the facts, then save." in html
    assert 'value="Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"' in html
    # What Crossref does not know stays as the editor typed it.
    assert 'name="sample_size" value="18"' in html


def test_fetch_from_doi_refreshes_an_existing_study(crossref, editor_client):
    study = make_study(doi=REFERENCE_DOI, title="Old title", authors="")
    response = editor_client.post(
        f"/admin/evidence/study/{study.pk}/change/",
        {**study_form(doi=REFERENCE_DOI, title="Old title"), "_fetch_crossref": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="study_form"' in html
    assert "Similar muscle hypertrophy following eight weeks" in html
    study.refresh_from_db()
    assert study.title == "Old title"


@pytest.mark.parametrize("mode", ["hang", "html"])
def test_fetch_from_doi_says_why_it_failed(crossref, editor_client, mode):
    crossref.mode = mode
    response = editor_client.post(ADD, {**only_doi_and_design(), "_fetch_crossref": "1"})
    html = response.content.decode()
    assert response.context["crossref_outcome"] in (
        "Crossref could not be reached; type the facts below.",
        "Crossref's answer could not be read; type the facts below.",
    )
    assert "Leave empty to take it from Crossref" not in html


def test_the_study_form_offers_the_fetch_button_beside_the_doi(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'name="_fetch_crossref"' in html and "Fetch from DOI" in html
    doi_field = html.index('name="doi"')
    assert doi_field < html.index('name="_fetch_crossref"') < html.index('name="title"')
    # Enter in a field still saves: a Save button comes before "Fetch from DOI".
    assert html.index('name="_save"') < html.index('name="_fetch_crossref"')


def test_members_cannot_fetch(member_client):
    response = member_client.post(ADD, {**only_doi_and_design(), "_fetch_crossref": "1"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
