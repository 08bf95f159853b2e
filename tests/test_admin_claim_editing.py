"""The claim's admin page as an editor uses it: the whole claim on one screen, publishing
from the first save, citations entered once, defaults and messages that say what to do."""

import pytest

from claims.forms import slug_from_statement
from claims.models import AnalysisVersion, Claim
from evidence.models import Evidence
from mechanisms.models import Mechanism
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish

ADD = "/admin/claims/claim/add/"


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, items):
    data = management(prefix, total=len(items), initial=sum(1 for i in items if "id" in i))
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def claim_data(statement="Creatine supplements increase strength in trained adults.", **extra):
    return {
        "statement": statement,
        "slug": "",
        "claim_type": "causal",
        "summary": "",
        "large_effect": "0",
        "certainty_override": "",
        "change_note": "",
        **rows("evidence", extra.pop("evidence", [])),
        **rows("mechanisms", extra.pop("mechanisms", [])),
        **rows("gold_standard_designs", extra.pop("gold_standard_designs", [])),
        **extra,
    }


def mechanism_row(rank, title="Muscle creatine stores rise", **fields):
    return {
        "rank": str(rank),
        "title": title,
        "how_it_works": "More phosphocreatine.",
        "simple_terms": "More fuel for short efforts.",
        **fields,
    }


def test_an_editor_creates_a_claim_with_evidence_and_a_mechanism_and_publishes_v1_in_one_save(
    editor_client,
):
    study = make_study(doi="10.1080/creatine.1")
    data = claim_data(
        evidence=[{"study": str(study.pk), "stance": "supports", "finding": "Stronger."}],
        mechanisms=[mechanism_row(1)],
        change_note="First analysis.",
        _publish="Save and publish",
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get()
    assert claim.mechanisms.get().title == "Muscle creatine stores rise"
    version = AnalysisVersion.objects.get(claim=claim)
    assert version.number == 1 and version.change_note == "First analysis."
    page = editor_client.get(response["Location"]).content.decode()
    assert f'href="{claim.get_absolute_url()}"' in page
    assert "See the live claim page" in page


def test_save_and_publish_without_a_change_note_says_to_write_one_and_saves_nothing(
    editor_client,
):
    response = editor_client.post(ADD, claim_data(_publish="Save and publish"))
    assert response.status_code == 200
    assert "Write a change note to publish" in response.content.decode()
    assert not Claim.objects.exists()


def test_plain_save_keeps_the_claim_unpublished(editor_client):
    response = editor_client.post(ADD, claim_data())
    assert response.status_code == 302
    assert Claim.objects.get().current_version is None


def test_an_unchanged_published_claim_says_why_it_cannot_be_published_before_submitting(
    editor_client,
):
    claim = make_claim()
    publish(claim)
    page = editor_client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert "Readers see v1, and the working copy says the same" in page
    claim2 = make_claim()
    page2 = editor_client.get(f"/admin/claims/claim/{claim2.pk}/change/").content.decode()
    assert "working copy says the same" not in page2
    assert 'name="_publish"' in page2


def test_the_publish_page_message_links_the_live_claim_page(editor_client):
    claim = make_claim()
    response = editor_client.post(
        f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": "First."}, follow=True
    )
    assert f'href="{claim.get_absolute_url()}"' in response.content.decode()


def test_the_claim_page_links_each_mechanism_to_its_steps_and_back(editor_client):
    claim = make_claim()
    mechanism = make_mechanism(claim, title="Exercise order and fatigue")
    page = editor_client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    back = f"/admin/claims/claim/{claim.pk}/change/"
    assert f"/admin/mechanisms/mechanism/{mechanism.pk}/change/?_return_to={back}" in page
    assert "Edit the 2 steps" in page


def test_saving_a_mechanisms_steps_returns_to_the_claim(editor_client):
    claim = make_claim()
    mechanism = make_mechanism(claim, steps=0)
    back = f"/admin/claims/claim/{claim.pk}/change/"
    data = {
        "claim": str(claim.pk),
        "rank": "1",
        "title": mechanism.title,
        "how_it_works": "How.",
        "simple_terms": "Simply.",
        "_return_to": back,
        **rows(
            "steps",
            [
                {"order": "1", "text": "First this."},
                {
                    "order": "2",
                    "text": "Then that.",
                    "support_override": "limited",
                    "support_override_reason": "Plausible.",
                },
            ],
        ),
    }
    response = editor_client.post(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == back
    assert [s.text for s in mechanism.steps.all()] == ["First this.", "Then that."]


def test_a_return_address_on_another_site_is_ignored(editor_client):
    claim = make_claim()
    mechanism = make_mechanism(claim, steps=0)
    data = {
        "claim": str(claim.pk),
        "rank": "1",
        "title": mechanism.title,
        "how_it_works": "How.",
        "simple_terms": "Simply.",
        "_return_to": "https://evil.example/",
        **rows("steps", []),
    }
    response = editor_client.post(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", data)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_doi_in_a_steps_text_cites_the_study_the_site_knows(editor_client):
    claim = make_claim()
    known = make_study(doi="10.1080/known.1")
    mechanism = make_mechanism(claim, steps=0)
    data = {
        "claim": str(claim.pk),
        "rank": "1",
        "title": mechanism.title,
        "how_it_works": "How.",
        "simple_terms": "Simply.",
        **rows(
            "steps",
            [
                {
                    "order": "1",
                    "text": "Stores rise (doi:10.1080/KNOWN.1; see also 10.1080/unknown.2).",
                }
            ],
        ),
    }
    response = editor_client.post(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(mechanism.steps.get().cited_studies.all()) == [known]


def test_new_mechanisms_and_steps_start_at_the_next_free_number(editor_client):
    claim = make_claim()
    make_mechanism(claim, rank=1)
    make_mechanism(claim, rank=2, steps=3)
    mechanism = Mechanism.objects.get(rank=2)
    page = editor_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/")
    formset = page.context["inline_admin_formsets"][0].formset
    assert [f.initial.get("order") for f in formset.extra_forms] == [4]
    add_page = editor_client.get(ADD)
    mechanisms = next(
        f.formset for f in add_page.context["inline_admin_formsets"] if f.formset.model is Mechanism
    )
    assert [f.initial.get("rank") for f in mechanisms.extra_forms] == [1]


def test_a_rank_used_twice_names_the_mechanism_that_holds_it(editor_client):
    response = editor_client.post(
        ADD,
        claim_data(
            mechanisms=[
                mechanism_row(1, title="Exercise order and muscle-specific fatigue"),
                mechanism_row(1, title="Another"),
            ]
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Rank 1 is already used by the mechanism ‘Exercise order and muscle-specific fatigue’"
        in (page)
    )
    assert "Please correct the duplicate data" not in page
    assert not Claim.objects.exists()


def test_a_study_linked_twice_says_it_is_already_supporting_evidence(editor_client):
    claim = make_claim()
    study = make_study()
    existing = make_evidence(claim, study)
    data = claim_data(
        statement=claim.statement,
        slug=claim.slug,
        evidence=[
            {
                "id": str(existing.pk),
                "claim": str(claim.pk),
                "study": str(study.pk),
                "stance": "supports",
            },
            {"claim": str(claim.pk), "study": str(study.pk), "stance": "contradicts"},
        ],
    )
    response = editor_client.post(f"/admin/claims/claim/{claim.pk}/change/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This study is already linked to this claim as supporting evidence" in page
    assert "Please correct the duplicate data" not in page
    assert Evidence.objects.count() == 1


def test_an_empty_slug_is_made_from_the_statement_cut_at_a_word(editor_client):
    statement = "Resistance training twice a week preserves muscle strength in adults over seventy"
    editor_client.post(ADD, claim_data(statement=statement))
    slug = Claim.objects.get().slug
    assert slug == "resistance-training-twice-a-week-preserves-muscle-strength"
    assert len(slug) <= 60


@pytest.mark.parametrize(
    "statement, slug",
    [
        ("Short claim", "short-claim"),
        ("a" * 70, "a" * 60),
        ("word " * 12 + "end", "word-" * 11 + "word"),
    ],
)
def test_slugs_are_at_most_sixty_characters_and_end_on_a_whole_word(statement, slug):
    assert slug_from_statement(statement) == slug


def test_a_typed_slug_longer_than_sixty_characters_is_refused(editor_client):
    response = editor_client.post(ADD, claim_data(slug="x" * 61))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_claim_types_and_topics_explain_themselves(editor_client):
    page = editor_client.get(ADD).content.decode()
    assert "<strong>associational</strong>: two things go together" in page
    assert "Readers browse claims by topic. Hold down Ctrl (⌘ on a Mac)" in page
    assert page.count("Hold down") == 1, "one help text, not Django's as well"


def test_the_example_study_box_shows_only_on_demo_studies(editor_client):
    real = make_study(doi="10.1080/real.1")
    demo = make_study(doi="10.5555/demo.9", is_example=True)
    assert (
        "is_example"
        not in editor_client.get(f"/admin/evidence/study/{real.pk}/change/").content.decode()
    )
    assert "is_example" not in editor_client.get("/admin/evidence/study/add/").content.decode()
    assert (
        "is_example"
        in editor_client.get(f"/admin/evidence/study/{demo.pk}/change/").content.decode()
    )


def test_the_study_autocomplete_shows_doi_authors_year_and_title(editor_client):
    make_study(doi="10.1080/auto.1", title="Creatine and strength", authors="Doe J", year=2019)
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "creatine",
            "app_label": "evidence",
            "model_name": "evidence",
            "field_name": "study",
        },
    )
    assert response.status_code == 200, response.content
    texts = [r["text"] for r in response.json()["results"]]
    assert texts == ["10.1080/auto.1 — Doe (2019) Creatine and strength"]


def test_an_editor_says_what_each_cited_study_shows_for_a_step(editor_client):
    from mechanisms.models import StepCitation

    claim = make_claim()
    trial, review = make_study(), make_study(design="mechanistic_review")
    mechanism = make_mechanism(claim, steps=0)
    data = {
        "claim": str(claim.pk),
        "rank": "1",
        "title": mechanism.title,
        "how_it_works": "How.",
        "simple_terms": "Simply.",
        **rows(
            "steps",
            [
                {
                    "order": "1",
                    "text": "Stores rise.",
                    "cited_in_people": [str(trial.pk)],
                    "cited_as_background": [str(review.pk)],
                }
            ],
        ),
    }
    response = editor_client.post(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    step = mechanism.steps.get()
    assert {(c.study_id, c.provenance) for c in StepCitation.objects.filter(step=step)} == {
        (trial.pk, "people"),
        (review.pk, "background"),
    }
    assert step.support().label == "Supported by evidence"
    # The form shows each study in its box again.
    page = editor_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/").content
    assert f'<option value="{trial.pk}" selected' in page.decode()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"support_override": "verified", "support_override_reason": ""},
            "Say why: readers see the reason beside the level.",
        ),
        ({"cited_elsewhere": ["STUDY"]}, "put each study in one box"),
    ],
)
def test_a_step_is_refused_without_a_reason_or_with_a_study_in_two_boxes(
    editor_client, row, message
):
    claim = make_claim()
    trial = make_study()
    mechanism = make_mechanism(claim, steps=0)
    row = {k: ([str(trial.pk)] if v == ["STUDY"] else v) for k, v in row.items()}
    data = {
        "claim": str(claim.pk),
        "rank": "1",
        "title": mechanism.title,
        "how_it_works": "How.",
        "simple_terms": "Simply.",
        **rows(
            "steps",
            [{"order": "1", "text": "Stores rise.", "cited_in_people": [str(trial.pk)], **row}],
        ),
    }
    response = editor_client.post(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mechanism.steps.exists()


def test_the_step_form_shows_the_level_the_rule_gives(editor_client):
    claim = make_claim()
    mechanism = make_mechanism(claim, steps=1, cite=[make_study(), make_study()])
    page = editor_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/").content
    assert "Verified by multiple studies: 2 studies measured this in people." in page.decode()
