"""Every editable field, changed in a draft, is an unpublished change that no robot publishes.

The fields are found through the models' `_meta`, not listed by hand: a field added to a
claim, topic, mechanism, step, step citation, evidence, study or gold-standard design later
is changed here too, and must then either show in the analysis (and so count as an
unpublished change) or be named below with the reason it does not.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models

from claims.models import Claim, Topic
from editorial.moderation import approve
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.models import Evidence, GoldStandardDesign, Notice, Study
from mechanisms.models import CausalStep, Mechanism
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_study,
    make_submission,
    publish,
)

RETRACTED_DOI = "10.9999/retracted.2021.1"  # the fake Crossref records its retraction

CITATION = CausalStep._meta.get_field("cited_studies").remote_field.through

# The row each kind of row belongs to: moving a row to another owner is not an edit of it.
OWNER = {
    Evidence: Claim,
    Mechanism: Claim,
    GoldStandardDesign: Claim,
    CausalStep: Mechanism,
    CITATION: CausalStep,
}

# Fields that are edited but are not part of what a version shows, and why.
NOT_IN_THE_ANALYSIS = {
    # The study page shows these from the study itself; no claim's analysis carries them.
    (Study, "volume"),
    (Study, "issue"),
    (Study, "pages"),
    (Study, "population"),
    (Study, "retraction_note"),
    # The search that watching the literature runs: editors' input for screening, not part of
    # what readers are shown (README, "Living evidence").
    (Claim, "literature_query"),
}

# A change that the database refuses without another one beside it.
COMPANIONS = {
    (Evidence, "weight_override"): {"weight_override_reason": "An editor's draft reason."},
    # A step's reason is shown with the editor's level (mechanisms/support.py).
    (CausalStep, "support_override_reason"): {"support_override": "contradicted"},
}
# A study's effect counts only once it is whole and valid (claims/effects.py): each effect
# field is edited as part of a whole effect entered in the draft.
_ESTIMATE = {
    "effect_outcome": "Strength",
    "effect_measure": "md",
    "effect_estimate": 1.25,
    "effect_ci_low": 0.5,
    "effect_ci_high": 2.0,
}
_MEANS = {
    "effect_outcome": "Strength",
    "effect_measure": "smd",
    "effect_mean_1": 10.5,
    "effect_sd_1": 2.5,
    "effect_n_1": 21,
    "effect_mean_2": 8.5,
    "effect_sd_2": 2.25,
    "effect_n_2": 19,
}
_EVENTS = {
    "effect_outcome": "Injury",
    "effect_measure": "rr",
    "effect_events_1": 5,
    "effect_n_1": 21,
    "effect_events_2": 11,
    "effect_n_2": 19,
}
for _whole in (_EVENTS, _MEANS, _ESTIMATE):
    for _name in _whole:
        COMPANIONS[(Evidence, _name)] = _whole


def editable_fields(model):
    """What an editor can change on `model`: skipped by rule are the primary key, timestamps
    kept by Django (auto_now), fields saved from others or by the rules (editable=False:
    the *_html renderings, weights, tallies, the verdict, who submitted), and the owner."""
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations: edited on their own model
        if not (field.concrete or field.many_to_many) or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if not field.editable:
            continue
        if field.is_relation and field.related_model is OWNER.get(model):
            continue
        if (model, field.name) in NOT_IN_THE_ANALYSIS:
            continue
        yield field


EDITED = (Claim, Topic, Mechanism, CausalStep, CITATION, Evidence, Study, GoldStandardDesign)

CASES = [
    pytest.param(model, field.name, which, id=f"{model.__name__}.{field.name}{suffix}")
    for model in EDITED
    for field in editable_fields(model)
    for which, suffix in (
        # A study cited as evidence, and one that only a causal-chain step cites.
        [("evidence", " (evidence study)"), ("step only", " (study cited only by a step)")]
        if model is Study
        else [("", "")]
    )
]


@pytest.fixture
def draft(db):
    """A published claim with every kind of row, its certainty judgements all set."""
    topic = Topic.objects.create(name="Endurance", slug="endurance")
    claim = make_claim(
        summary="Cohorts suggest it.",
        large_effect=1,
        large_effect_reason="Twice the effect of placebo.",
        dose_response=True,
        dose_response_reason="More helps more.",
        residual_confounding=True,
        residual_confounding_reason="Healthier people took less.",
        certainty_override="moderate",
        certainty_override_reason="The editors weighed it.",
    )
    claim.topics.add(topic)
    cited = make_study(design=StudyDesign.COHORT, sample_size=200, risk_of_bias=RiskOfBias.LOW)
    step_only = make_study(design=StudyDesign.ANIMAL, sample_size=12)
    evidence = make_evidence(claim, cited, finding="Fewer events.")
    make_evidence(claim, make_study(doi=RETRACTED_DOI, design=StudyDesign.COHORT))
    mechanism = make_mechanism(claim, steps=2, cite=[step_only])
    step = mechanism.steps.get(order=1)
    step.cited_studies.add(cited)
    gold = make_gold_standard(claim)
    publish(claim, "First")
    claim.refresh_from_db()
    rows = {
        Claim: claim,
        Topic: topic,
        Mechanism: mechanism,
        CausalStep: step,
        CITATION: CITATION.objects.get(**{_owner_field(CITATION).name: step, "study": cited}),
        Evidence: evidence,
        GoldStandardDesign: gold,
    }
    return claim, rows, {"evidence": cited, "step only": step_only}


def _owner_field(model):
    return next(f for f in model._meta.concrete_fields if f.related_model is OWNER[model])


def new_related(model):
    if model is Study:
        return make_study(design=StudyDesign.RCT, sample_size=90)
    if model is Topic:
        n = Topic.objects.count()
        return Topic.objects.create(name=f"Another topic {n}", slug=f"another-topic-{n}")
    if model is User:
        return User.objects.create(username=f"someone-{User.objects.count()}")
    raise AssertionError(f"No way to make a {model.__name__} for this test: add one here.")


def changed_value(field, current):
    """A different value of the field's own kind, valid for it."""
    if field.is_relation:
        return new_related(field.related_model)
    if field.choices:
        return next(v for v, _ in field.flatchoices if v not in (current, "", None))
    if isinstance(field, models.BooleanField):
        return not current
    if isinstance(field, models.FloatField):
        return (current or 0) + 1.5
    if isinstance(field, models.IntegerField):
        return (current or 0) + 10  # clear of the next row's rank or order
    if isinstance(field, models.SlugField):
        return f"{current}-edited"[: field.max_length]
    if isinstance(field, models.CharField | models.TextField):
        # In front: a list of authors shows its first one ("Doe et al.").
        edited = f"Edited {current}" if current else "Written in the draft."
        if field.name == "doi":
            edited = f"{current}.edited"
        return edited[: field.max_length] if field.max_length else edited
    raise AssertionError(f"No way to change {field!r} in this test: add one here.")


def edit_in_draft(model, name, rows):
    field = model._meta.get_field(name)
    row = rows[model]
    if field.many_to_many:
        getattr(row, name).add(new_related(field.related_model))
        return
    setattr(row, name, changed_value(field, getattr(row, name)))
    for companion, value in COMPANIONS.get((model, name), {}).items():
        setattr(row, companion, value)
    row.save()


def run_check_retractions():
    out = StringIO()
    call_command("check_retractions", "--doi", RETRACTED_DOI, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(("model", "name", "which"), CASES)
def test_an_edit_of_any_field_is_listed_and_no_approval_or_retraction_publishes_it(
    model, name, which, draft, editor, member, editor_client, crossref
):
    claim, rows, studies = draft
    rows[Study] = studies.get(which)
    published = claim.current_version.snapshot

    edit_in_draft(model, name, rows)

    # (a) The editors' page lists the claim as changed since it was published.
    page = editor_client.get("/editors/").content.decode()
    assert f"/admin/claims/claim/{claim.pk}/change/" in page

    # (b) Neither an approval nor check_retractions publishes the draft.
    assert approve(make_submission(claim, member), by=editor) is None
    out = run_check_retractions()
    claim.refresh_from_db()
    assert claim.versions.count() == 1
    assert claim.current_version.snapshot == published
    assert "flagged" in out
    notice = Notice.objects.get(study__doi=RETRACTED_DOI, kind="retraction")
    assert claim in notice.claims_awaiting_editor.all()


def test_without_a_draft_an_approval_and_a_retraction_each_publish(
    draft, editor, member, editor_client, crossref
):
    """The fixture can publish: the test above passes because of the draft, not by default."""
    claim, _, _ = draft
    assert f"/admin/claims/claim/{claim.pk}/change/" not in (
        editor_client.get("/editors/").content.decode()
    )
    assert approve(make_submission(claim, member, stance=Stance.SUPPORTS), by=editor).number == 2
    run_check_retractions()
    claim.refresh_from_db()
    assert claim.current_version.number == 3
    assert claim.current_version.analysis.certainty.override_reason == "The editors weighed it."


def test_the_fields_are_found_from_the_models():
    found = {(c.values[0].__name__, c.values[1]) for c in CASES}
    # Spot checks of what a hand-written list once forgot.
    assert {
        ("Claim", "certainty_override"),
        ("Claim", "publication_bias_suspected"),
        ("Topic", "name"),
        ("Study", "title"),
        ("Claim", "topics"),
        ("CausalStep", "cited_studies"),
    } <= found
