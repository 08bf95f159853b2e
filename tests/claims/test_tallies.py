from django.core.management import call_command

from claims.models import Claim
from claims.verdicts import Verdict
from evidence.choices import RiskOfBias, Stance, StudyDesign
from tests.factories import make_claim, make_evidence, make_study


def fresh(claim):
    return Claim.objects.get(pk=claim.pk)


def test_adding_supporting_evidence_raises_the_pro_tally(db):
    claim = make_claim()
    assert (claim.pro_tally, claim.verdict) == (0, Verdict.INSUFFICIENT)
    make_evidence(claim, make_study(sample_size=18))
    claim = fresh(claim)
    assert (claim.pro_tally, claim.against_tally) == (55, 0)
    assert claim.verdict == Verdict.MODERATE_SUPPORT


def test_contradicting_evidence_counts_against(db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=18), stance=Stance.SUPPORTS)
    make_evidence(claim, make_study(sample_size=1000), stance=Stance.CONTRADICTS)
    claim = fresh(claim)
    assert (claim.pro_tally, claim.against_tally) == (55, 75)
    assert claim.verdict == Verdict.MIXED


def test_changing_evidence_recomputes_the_tallies(db):
    claim = make_claim()
    evidence = make_evidence(claim, make_study(sample_size=18))
    evidence.weight_override = 66
    evidence.weight_override_reason = "Within-subject design"
    evidence.save()
    claim = fresh(claim)
    assert claim.pro_tally == 66
    assert claim.verdict == Verdict.STRONG_SUPPORT
    evidence.stance = Stance.CONTRADICTS
    evidence.save()
    claim = fresh(claim)
    assert (claim.pro_tally, claim.against_tally, claim.verdict) == (0, 66, Verdict.STRONG_AGAINST)


def test_deleting_evidence_recomputes_the_tallies(db):
    claim = make_claim()
    keep = make_evidence(claim, make_study(sample_size=18))
    gone = make_evidence(claim, make_study(sample_size=18))
    assert fresh(claim).pro_tally == 110
    gone.delete()
    assert fresh(claim).pro_tally == keep.weight == 55


def test_retracting_a_study_zeroes_it_in_every_claim_that_cites_it(db):
    study = make_study(sample_size=18)
    first, second = make_claim(), make_claim()
    make_evidence(first, study)
    make_evidence(second, study, stance=Stance.CONTRADICTS)
    study.retracted = True
    study.save()
    assert (fresh(first).pro_tally, fresh(first).verdict) == (0, Verdict.INSUFFICIENT)
    assert fresh(second).against_tally == 0


def test_changing_a_studys_design_changes_its_weight(db):
    claim = make_claim()
    study = make_study(design=StudyDesign.COHORT, sample_size=40, risk_of_bias=RiskOfBias.LOW)
    make_evidence(claim, study)
    assert fresh(claim).pro_tally == 40
    study.design = StudyDesign.META_ANALYSIS
    study.save()
    assert fresh(claim).pro_tally == 75


def test_the_recompute_command_repairs_stale_tallies(db):
    claim = make_claim()
    make_evidence(claim, make_study(sample_size=18))
    Claim.objects.filter(pk=claim.pk).update(pro_tally=3, verdict=Verdict.STRONG_AGAINST)
    call_command("recompute_tallies", verbosity=0)
    claim = fresh(claim)
    assert (claim.pro_tally, claim.verdict) == (55, Verdict.MODERATE_SUPPORT)


def test_moving_evidence_to_another_claim_recomputes_both(db):
    first, second = make_claim(), make_claim()
    evidence = make_evidence(first, make_study(sample_size=18))
    evidence.claim = second
    evidence.save()
    assert fresh(first).pro_tally == 0
    assert fresh(second).pro_tally == 55
