import io
import json
from dataclasses import asdict

from django.core.management import call_command

from claims.analysis import build_analysis
from claims.models import Claim
from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_study


def test_an_overridden_weight_is_shown_as_an_override_with_its_reason(db):
    claim = make_claim()
    make_evidence(claim, make_study(), weight_override=80, weight_override_reason="Re-assessed")
    (item,) = build_analysis(claim).supporting
    assert (item.weight, item.overridden, item.override_reason) == (80, True, "Re-assessed")


def test_a_retraction_beats_an_override_in_the_analysis(db):
    claim = make_claim()
    study = make_study(retracted=True)
    make_evidence(claim, study, weight_override=80, weight_override_reason="Re-assessed")
    (item,) = build_analysis(claim).supporting
    assert (item.weight, item.overridden) == (0, False)
    assert item.overridden is study.evidence.get().weight_detail().overridden


def test_each_evidence_item_names_its_stance(db):
    claim = make_claim()
    make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
    make_evidence(claim, make_study(), stance=Stance.CONTRADICTS)
    analysis = build_analysis(claim)
    assert [item.stance_label for item in analysis.supporting] == ["Supports"]
    assert [item.stance_label for item in analysis.contradicting] == ["Contradicts"]


def test_a_snapshot_holds_every_field_asdict_would_store(db):
    # to_dict() walks the dataclasses itself, for speed: it must store what asdict() stores.
    call_command("generate_claims", "--claims", "3", stdout=io.StringIO())
    for claim in Claim.objects.all():
        analysis = build_analysis(claim)
        snapshot = analysis.to_dict()
        assert snapshot == asdict(analysis)
        assert snapshot["mechanisms"][0]["steps"][0]["text_html"]
        assert json.loads(json.dumps(snapshot)) == snapshot
