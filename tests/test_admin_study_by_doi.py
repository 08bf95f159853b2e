"""A study by DOI, in place: an evidence row on the claim's admin page takes a DOI the site
does not know, and the study is added from Crossref when the claim is saved (no pop-up). With
Crossref down, the editor is told so in words and types only what is missing. A mechanism
takes its first steps on the same page."""

from claims.models import AnalysisVersion, Claim
from evidence.models import Evidence, Study
from mechanisms.models import CausalStep
from tests.factories import make_claim, make_evidence, make_study
from tests.test_admin_claim_editing import ADD, claim_data, mechanism_row

REFERENCE_DOI = "10.1080/02640414.2024.2321021"
PREVIEW = "/admin/evidence/evidence/new-study-preview/"


def new_study_row(**fields):
    return {"study": "", "new_doi": REFERENCE_DOI, "stance": "supports", "finding": "", **fields}


def test_a_new_doi_and_its_design_add_the_study_from_crossref_with_the_claim(
    crossref, editor_client
):
    data = claim_data(
        evidence=[new_study_row(new_design="rct", new_doi=f"https://doi.org/{REFERENCE_DOI}")],
        mechanisms=[mechanism_row(1)],
        change_note="First analysis.",
        _publish="Save and publish",
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    study = Study.objects.get(doi=REFERENCE_DOI)
    assert study.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert (study.year, study.design) == (2024, "rct")
    evidence = Evidence.objects.get()
    assert evidence.study == study and evidence.claim == Claim.objects.get()
    assert AnalysisVersion.objects.get().number == 1


def test_a_doi_the_site_knows_links_its_study(crossref, editor_client):
    known = make_study(doi=REFERENCE_DOI, title="The site's own title")
    response = editor_client.post(ADD, claim_data(evidence=[new_study_row()]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Evidence.objects.get().study == known
    assert Study.objects.count() == 1
    assert crossref.requests == []


def test_the_design_is_asked_for_beside_its_field_and_nothing_is_saved(crossref, editor_client):
    response = editor_client.post(ADD, claim_data(evidence=[new_study_row()]))
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert dict(row.errors) == {
        "new_design": ["Choose the study's design: Crossref does not say it."]
    }
    assert not Study.objects.exists() and not Claim.objects.exists()


def test_with_crossref_down_the_editor_is_told_in_words_and_types_only_what_is_missing(
    settings, editor_client
):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"  # nothing listens: refused
    row_data = new_study_row(new_design="rct", new_title="Typed title")
    response = editor_client.post(ADD, claim_data(evidence=[row_data]))
    html = response.content.decode()
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert dict(row.errors) == {
        "new_doi": ["Crossref could not be reached; type the facts below."],
        "new_year": ["Type the year."],
    }
    assert "Errno" not in html and "refused" not in html
    # No help promising Crossref under the DOI it has just failed to look up.
    assert 'id="id_evidence-0-new_doi_helptext"></div>' in html
    assert 'value="Typed title"' in html and f'value="{REFERENCE_DOI}"' in html
    # Typed in full, the save goes through without Crossref.
    row_data.update(new_year="2024", new_authors="Refalo MC")
    response = editor_client.post(ADD, claim_data(evidence=[row_data]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Study.objects.get().title == "Typed title"


def test_a_row_needs_a_study_or_a_new_doi(editor_client):
    response = editor_client.post(
        ADD, claim_data(evidence=[new_study_row(new_doi="", finding="Stronger.")])
    )
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors["study"] == ["Choose a study, or type the DOI of one new to the site."]


def test_a_malformed_doi_is_refused_beside_the_field(editor_client):
    response = editor_client.post(
        ADD, claim_data(evidence=[new_study_row(new_doi="not a doi", new_design="rct")])
    )
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(row.errors) == ["new_doi"]


def test_the_add_page_offers_a_new_doi_in_the_row_and_no_popup_to_add_a_study(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'name="evidence-0-new_doi"' in html
    assert 'name="evidence-0-new_design"' in html
    assert "add_id_evidence-0-study" not in html
    assert f'data-hx-get="{PREVIEW}"' in html


def test_the_preview_shows_what_saving_will_add(crossref, editor_client):
    html = editor_client.get(PREVIEW, {"evidence-0-new_doi": REFERENCE_DOI}).content.decode()
    assert f"Add {REFERENCE_DOI} from its DOI" in html
    assert "Refalo MC" in html and "(2024)" in html
    assert "<html" not in html


def test_the_preview_says_crossref_is_down_in_words(settings, editor_client):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    html = editor_client.get(PREVIEW, {"evidence-0-new_doi": REFERENCE_DOI}).content.decode()
    assert "Crossref could not be reached; type the facts below." in html
    assert "Errno" not in html


def test_the_preview_names_a_study_the_site_knows(editor_client):
    make_study(doi=REFERENCE_DOI, title="Known study")
    html = editor_client.get(PREVIEW, {"evidence-3-new_doi": REFERENCE_DOI}).content.decode()
    assert "The site knows this study" in html and "Known study" in html


def test_the_preview_describes_the_doi_field_it_was_asked_for(settings, editor_client):
    html = editor_client.get(PREVIEW, {"evidence-2-new_doi": "10.1"}).content.decode()
    assert 'id="id_evidence-2-new_doi_helptext"' in html
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"
    html = editor_client.get(PREVIEW, {"evidence-2-new_doi": REFERENCE_DOI}).content.decode()
    assert 'id="id_evidence-2-new_doi_helptext"' in html
    # Said once, in words, and without the promise of Crossref that has just failed.
    assert "Added from Crossref" not in html


def test_the_preview_answers_only_get(editor_client):
    assert editor_client.post(PREVIEW, {"evidence-0-new_doi": REFERENCE_DOI}).status_code == 405


def test_members_cannot_use_the_preview(member_client):
    response = member_client.get(PREVIEW, {"evidence-0-new_doi": REFERENCE_DOI})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_mechanism_takes_its_steps_one_per_line_when_the_claim_is_created(editor_client):
    study = make_study(doi="10.1080/creatine.1")
    steps = f"Supplements raise phosphocreatine ({study.doi}).\n\n  More work per set.  \n"
    response = editor_client.post(ADD, claim_data(mechanisms=[mechanism_row(1, new_steps=steps)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = list(CausalStep.objects.order_by("order"))
    assert [(s.order, s.text) for s in made] == [
        (1, f"Supplements raise phosphocreatine ({study.doi})."),
        (2, "More work per set."),
    ]
    assert list(made[0].cited_studies.all()) == [study]


AUTOCOMPLETE = "/admin/autocomplete/"


def study_search(client, term, model_name="evidence", field_name="study"):
    params = {
        "app_label": "evidence" if model_name == "evidence" else "mechanisms",
        "model_name": model_name,
        "field_name": field_name,
        "term": term,
    }
    return client.get(AUTOCOMPLETE, params).json()["results"]


def test_the_study_box_offers_to_add_a_doi_the_site_does_not_know(editor_client):
    make_study(doi="10.5555/known.1")
    results = study_search(editor_client, f"https://doi.org/{REFERENCE_DOI}")
    assert results == [{"id": f"doi:{REFERENCE_DOI}", "text": f"Add {REFERENCE_DOI} from its DOI"}]
    # A DOI the site knows is found, not offered again; words are only searched.
    assert [r["id"] for r in study_search(editor_client, "10.5555/known.1")] != []
    assert all(
        not r["id"].startswith("doi:") for r in study_search(editor_client, "10.5555/known.1")
    )
    assert study_search(editor_client, "creatine") == []


def test_a_steps_cited_studies_box_offers_no_new_doi(editor_client):
    results = study_search(
        editor_client, REFERENCE_DOI, model_name="causalstep", field_name="cited_studies"
    )
    assert results == []


def test_the_offered_doi_chosen_in_the_study_box_adds_the_study(crossref, editor_client):
    row = new_study_row(study=f"doi:{REFERENCE_DOI}", new_doi="", new_design="rct")
    response = editor_client.post(ADD, claim_data(evidence=[row]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Evidence.objects.get().study.doi == REFERENCE_DOI


def test_a_new_doi_longer_than_a_study_keeps_is_refused_beside_the_field(editor_client):
    long_doi = "10.5555/" + "x" * 300
    response = editor_client.post(
        ADD, claim_data(evidence=[new_study_row(new_doi=long_doi, new_design="rct")])
    )
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors["new_doi"] == ["A DOI has at most 255 characters; this one has 308."]
    assert not Study.objects.exists() and not Claim.objects.exists()


def test_a_new_doi_chosen_in_a_saved_row_says_where_it_goes(crossref, editor_client):
    claim = make_claim()
    existing = make_evidence(claim, make_study(doi="10.5555/known.1"))
    row = {
        "id": str(existing.pk),
        "claim": str(claim.pk),
        "study": f"doi:{REFERENCE_DOI}",
        "stance": "supports",
    }
    data = claim_data(statement=claim.statement, slug=claim.slug, evidence=[row])
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/change/", data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["study"] == [
        "A study new to the site goes in a new evidence row (Add another Evidence); "
        "here, choose a study the site has."
    ]
    assert "goes in a new evidence row" in response.content.decode()
    existing.refresh_from_db()
    assert existing.study.doi == "10.5555/known.1"
    assert not Study.objects.filter(doi=REFERENCE_DOI).exists()


def test_steps_typed_on_the_claim_page_are_held_to_the_markdown_rule(editor_client):
    steps = "A plain first step.\n" + "[" * 600 + "\n"
    response = editor_client.post(ADD, claim_data(mechanisms=[mechanism_row(1, new_steps=steps)]))
    assert response.status_code == 200
    mechanisms = response.context["inline_admin_formsets"][1].formset.forms[0]
    [message] = mechanisms.errors["new_steps"]
    assert message.startswith("Step 2: This text has 600 square brackets")
    assert not Claim.objects.exists() and not CausalStep.objects.exists()
