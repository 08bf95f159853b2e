"""Small builders for test data: every test makes what it needs in code."""

import itertools

from claims.models import Claim, ClaimType
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.models import Evidence, GoldStandardDesign, Study
from mechanisms.models import CausalStep, Mechanism

_counter = itertools.count(1)


def make_study(**fields) -> Study:
    n = next(_counter)
    defaults = {
        "doi": f"10.5555/test.{n}",
        "title": f"Test study {n}",
        "authors": "Doe J, Roe R, Poe P",
        "journal": "Journal of Tests",
        "year": 2020,
        "design": StudyDesign.RCT,
        "sample_size": 50,
        "risk_of_bias": RiskOfBias.LOW,
    }
    return Study.objects.create(**{**defaults, **fields})


def make_claim(**fields) -> Claim:
    n = next(_counter)
    defaults = {
        "slug": f"claim-{n}",
        "statement": f"Test claim number {n} is true.",
        "claim_type": ClaimType.CAUSAL,
    }
    return Claim.objects.create(**{**defaults, **fields})


def make_evidence(claim, study=None, stance=Stance.SUPPORTS, **fields) -> Evidence:
    return Evidence.objects.create(
        claim=claim, study=study or make_study(), stance=stance, **fields
    )


def make_mechanism(claim, rank=1, steps=2, cite=(), **fields) -> Mechanism:
    mechanism = Mechanism.objects.create(
        claim=claim,
        rank=rank,
        title=fields.pop("title", f"Mechanism {rank}"),
        how_it_works=fields.pop("how_it_works", "It works like this."),
        simple_terms=fields.pop("simple_terms", "Simply put."),
        **fields,
    )
    for order in range(1, steps + 1):
        step = CausalStep.objects.create(
            mechanism=mechanism,
            order=order,
            text=f"Step {order} happens.",
        )
        step.cite(*cite)
    return mechanism


def make_gold_standard(claim, rank=1, design=StudyDesign.RCT, description="A large trial."):
    return GoldStandardDesign.objects.create(
        claim=claim, rank=rank, design=design, description=description
    )


def publisher():
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username="publisher", defaults={"is_staff": True})
    return user


def publish(claim, note="Published for a test."):
    from claims.publishing import publish_analysis

    return publish_analysis(claim=claim, by=publisher(), note=note)


def make_published_claim(**fields) -> Claim:
    claim = make_claim(**fields)
    publish(claim)
    return claim


def make_submission(claim, submitter, **fields):
    from evidence.models import Submission

    n = next(_counter)
    defaults = {
        "doi": f"10.5555/submitted.{n}",
        "stance": Stance.CONTRADICTS,
        "note": f"Note number {n}: the trial found no effect.",
        "title": f"Submitted trial {n}",
        "year": 2023,
        "journal": "Journal of Submissions",
        "design": StudyDesign.RCT,
        "sample_size": 400,
    }
    return Submission.objects.create(claim=claim, submitter=submitter, **{**defaults, **fields})
