from claims.analysis import build_analysis
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
