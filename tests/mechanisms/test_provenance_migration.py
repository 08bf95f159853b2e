"""Migration mechanisms/0002: existing citations get a provenance from their study's design,
and a step keeps the label readers saw, as an editor's, where the rule would now differ."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_claim

BEFORE = [("mechanisms", "0001_initial"), ("evidence", "0005_sample_size_upper_bound")]
AFTER = [("mechanisms", "0002_step_provenance")]


@pytest.mark.django_db(transaction=True)
def test_existing_steps_keep_their_labels_and_citations_get_a_provenance():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Study = old.get_model("evidence", "Study")
    Mechanism = old.get_model("mechanisms", "Mechanism")
    CausalStep = old.get_model("mechanisms", "CausalStep")

    def study(doi, design):
        return Study.objects.create(doi=doi, title=doi, year=2020, design=design)

    trial, review = study("10.5555/m.1", "rct"), study("10.5555/m.2", "mechanistic_review")
    claim = make_claim()  # the claims app is not rolled back
    mechanism = Mechanism.objects.create(claim_id=claim.pk, rank=1, title="M", how_it_works="H")
    agrees = CausalStep.objects.create(mechanism=mechanism, order=1, support_level="supported")
    agrees.cited_studies.add(trial)
    differs = CausalStep.objects.create(mechanism=mechanism, order=2, support_level="verified")
    differs.cited_studies.add(review)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    StepCitation = new.get_model("mechanisms", "StepCitation")
    Step = new.get_model("mechanisms", "CausalStep")
    assert dict(StepCitation.objects.values_list("study__doi", "provenance")) == {
        "10.5555/m.1": "people",
        "10.5555/m.2": "background",
    }
    first, second = Step.objects.order_by("order")
    # The rule gives "supported" for one trial in people: nothing to override.
    assert (first.support_override, first.support_override_reason) == ("", "")
    # A review alone gives "limited" by the rule: the stored "verified" stays, as an editor's.
    assert second.support_override == "verified"
    assert second.support_override_reason.startswith("Set by an editor before")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
