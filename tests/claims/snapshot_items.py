"""Evidence items as a version snapshot holds them, for the pure rules' unit tests."""

import itertools

from claims.analysis import EvidenceItem, StudyRef

_counter = itertools.count(1)


def item(
    *,
    stance="supports",
    weight=50,
    computed=None,
    design="rct",
    n=500,
    bias="low",
    indirect=False,
    retracted=False,
) -> EvidenceItem:
    number = next(_counter)
    return EvidenceItem(
        study=StudyRef(
            doi=f"10.5555/item.{number}",
            short_authors="Doe et al.",
            year=2020,
            title=f"Study {number}",
            journal="Journal of Tests",
            design=design,
            design_label=design,
            sample_size=n,
            retracted=retracted,
            is_example=True,
            risk_of_bias=bias,
        ),
        stance=stance,
        weight=0 if retracted else weight,
        computed_weight=weight if computed is None else computed,
        overridden=computed is not None and computed != weight,
        override_reason="",
        finding_html="",
        indirect=indirect,
    )
