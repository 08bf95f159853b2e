"""The support-level rule: how well a causal step is supported, from what its citations show.

Each study a step cites says what it shows for that step (its provenance):

    people          measured directly in people
    other_setting   measured in another setting: animals, cells, another population
    background      cited as background: it does not measure the step itself

and the step's support level follows, counting distinct studies that are not retracted:

    2 or more studies measured it in people                    Verified by multiple studies
    1 study measured it in people                              Supported by evidence
    only studies in another setting, or background             Limited evidence
    no study (none cited, or every one retracted)              Hypothesis

A retracted study never counts, so a retraction lowers the level to what the other studies
give. "Contradicted by evidence" is never derived: whether a study contradicts a step is an
editor's judgement, set as an override. An editor may set any level with a reason, which
readers see beside the rule's level.

Pure: it reads plain data (`Citation`s), no ORM and no request.
"""

from dataclasses import dataclass

from django.db import models

from evidence.choices import StudyDesign


class SupportLevel(models.TextChoices):
    VERIFIED = "verified", "Verified by multiple studies"
    SUPPORTED = "supported", "Supported by evidence"
    LIMITED = "limited", "Limited evidence"
    HYPOTHESIS = "hypothesis", "Hypothesis"
    CONTRADICTED = "contradicted", "Contradicted by evidence"


class Provenance(models.TextChoices):
    PEOPLE = "people", "Measured directly in people"
    OTHER_SETTING = "other_setting", "Measured in another setting (animals, cells, other people)"
    BACKGROUND = "background", "Background"


VERIFIED_MIN_STUDIES = 2

# What a study of each design most likely shows for a step, until an editor says otherwise:
# the default for a new citation and for citations made before provenance was recorded.
DEFAULT_PROVENANCE = {
    StudyDesign.META_ANALYSIS: Provenance.PEOPLE,
    StudyDesign.RCT: Provenance.PEOPLE,
    StudyDesign.COHORT: Provenance.PEOPLE,
    StudyDesign.CASE_CONTROL: Provenance.PEOPLE,
    StudyDesign.CROSS_SECTIONAL: Provenance.PEOPLE,
    StudyDesign.CASE_REPORT: Provenance.PEOPLE,
    StudyDesign.ANIMAL: Provenance.OTHER_SETTING,
    StudyDesign.IN_VITRO: Provenance.OTHER_SETTING,
    StudyDesign.MECHANISTIC_REVIEW: Provenance.BACKGROUND,
    StudyDesign.EXPERT_OPINION: Provenance.BACKGROUND,
}


def default_provenance(design: str) -> Provenance:
    return DEFAULT_PROVENANCE.get(design, Provenance.BACKGROUND)


@dataclass(frozen=True)
class Citation:
    """A study cited by a step: its DOI, what it shows for the step, and whether retracted."""

    doi: str
    provenance: str
    retracted: bool = False


@dataclass(frozen=True)
class Support:
    level: str
    label: str
    computed_level: str
    computed_label: str
    overridden: bool
    override_reason: str
    cited: int  # distinct studies cited, retracted ones included
    reason: str  # why the rule gives its level


def _studies(n: int) -> str:
    return f"{n} stud{'y' if n == 1 else 'ies'}"


def support_for(*, citations, override: str = "", override_reason: str = "") -> Support:
    """Apply the support-level rule (module docstring) to a step's citations."""
    by_doi: dict[str, Citation] = {}
    for citation in citations:
        # One study cited twice counts once, by the most direct thing it shows.
        known = by_doi.get(citation.doi)
        if known is None or citation.provenance == Provenance.PEOPLE:
            by_doi[citation.doi] = citation
    counted = [c for c in by_doi.values() if not c.retracted]
    retracted = len(by_doi) - len(counted)
    people = sum(c.provenance == Provenance.PEOPLE for c in counted)
    if people >= VERIFIED_MIN_STUDIES:
        level = SupportLevel.VERIFIED
        reason = f"{_studies(people)} measured this in people"
    elif people == 1:
        level = SupportLevel.SUPPORTED
        reason = "1 study measured this in people"
    elif counted:
        level = SupportLevel.LIMITED
        reason = (
            f"{_studies(len(counted))} cited, none measuring this in people "
            "(background or another setting)"
        )
    else:
        level = SupportLevel.HYPOTHESIS
        reason = "no study cited" if not by_doi else "no study counts"
    if retracted:
        reason += f"; {_studies(retracted)} retracted, not counted"
    shown = SupportLevel(override) if override else level
    return Support(
        level=shown.value,
        label=shown.label,
        computed_level=level.value,
        computed_label=level.label,
        overridden=bool(override),
        override_reason=override_reason if override else "",
        cited=len(by_doi),
        reason=reason[0].upper() + reason[1:] + ".",
    )
