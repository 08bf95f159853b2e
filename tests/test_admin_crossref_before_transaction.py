"""The admin asks Crossref before it opens a save's transaction, never inside it: on SQLite
that transaction holds the site's write lock from its first statement, and no member or
editor saving anything should wait for Crossref's answer (or its timeout)."""

import pytest
from django.db import connection

from evidence import crossref
from evidence.admin import NEW_DOI_CHOICE
from evidence.models import Evidence, Study
from tests.evidence.test_study_admin_crossref import ADD as ADD_STUDY
from tests.evidence.test_study_admin_crossref import only_doi_and_design
from tests.factories import make_study
from tests.test_admin_claim_editing import ADD as ADD_CLAIM
from tests.test_admin_claim_editing import claim_data
from tests.test_admin_study_by_doi import REFERENCE_DOI, new_study_row

# Outside pytest-django's own transaction, as the site runs: `in_atomic_block` then says
# whether the admin's save had begun when Crossref was asked.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asked(monkeypatch):
    """For each request made to Crossref: whether it was made inside a transaction."""
    inside = []
    fetch = crossref._fetch_work

    def watched(doi):
        inside.append(connection.in_atomic_block)
        return fetch(doi)

    monkeypatch.setattr(crossref, "_fetch_work", watched)
    return inside


def test_a_new_doi_in_an_evidence_row_is_looked_up_before_the_save_begins(
    crossref, editor_client, asked
):
    response = editor_client.post(ADD_CLAIM, claim_data(evidence=[new_study_row(new_design="rct")]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Study.objects.get().journal == "Journal of Sports Sciences"
    assert asked == [False]


def test_a_doi_chosen_in_the_study_box_is_looked_up_before_the_save_begins(
    crossref, editor_client, asked
):
    row = new_study_row(study=NEW_DOI_CHOICE + REFERENCE_DOI, new_doi="", new_design="rct")
    response = editor_client.post(ADD_CLAIM, claim_data(evidence=[row]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Evidence.objects.get().study.doi == REFERENCE_DOI
    assert asked == [False]


def test_with_crossref_down_it_is_asked_once_and_outside_the_save(settings, editor_client, asked):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"  # nothing listens: refused
    response = editor_client.post(ADD_CLAIM, claim_data(evidence=[new_study_row(new_design="rct")]))
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors["new_doi"] == ["Crossref could not be reached; type the facts below."]
    assert asked == [False]


def test_a_row_whose_doi_the_site_knows_or_whose_facts_were_typed_asks_nothing(
    crossref, editor_client, asked
):
    make_study(doi=REFERENCE_DOI)
    typed = new_study_row(
        new_doi="10.1000/typed.by.hand", new_design="rct", new_title="Typed", new_year="2024"
    )
    response = editor_client.post(ADD_CLAIM, claim_data(evidence=[new_study_row(), typed]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Evidence.objects.count() == 2
    assert asked == []


def test_the_study_form_looks_its_doi_up_before_the_save_begins(crossref, editor_client, asked):
    response = editor_client.post(ADD_STUDY, only_doi_and_design())
    assert response.status_code == 302
    assert Study.objects.get().journal == "Journal of Sports Sciences"
    assert asked == [False]
