"""The support-level rule (mechanisms/support.py): a step's level from what its citations show."""

import pytest

from mechanisms.support import Citation, SupportLevel, default_provenance, support_for

PEOPLE, ELSEWHERE, BACKGROUND = "people", "other_setting", "background"


def cite(doi, provenance, retracted=False):
    return Citation(doi=f"10.5555/{doi}", provenance=provenance, retracted=retracted)


@pytest.mark.parametrize(
    ("citations", "level"),
    [
        ([], SupportLevel.HYPOTHESIS),
        ([cite("a", PEOPLE)], SupportLevel.SUPPORTED),
        ([cite("a", PEOPLE), cite("b", PEOPLE)], SupportLevel.VERIFIED),
        ([cite("a", PEOPLE), cite("b", PEOPLE), cite("c", BACKGROUND)], SupportLevel.VERIFIED),
        # One study cited twice is one study.
        ([cite("a", PEOPLE), cite("a", PEOPLE)], SupportLevel.SUPPORTED),
        ([cite("a", BACKGROUND)], SupportLevel.LIMITED),
        ([cite("a", ELSEWHERE), cite("b", ELSEWHERE)], SupportLevel.LIMITED),
        ([cite("a", PEOPLE), cite("b", ELSEWHERE)], SupportLevel.SUPPORTED),
        # A retraction lowers the level to what the other studies give.
        ([cite("a", PEOPLE), cite("b", PEOPLE, retracted=True)], SupportLevel.SUPPORTED),
        ([cite("a", PEOPLE, retracted=True), cite("b", BACKGROUND)], SupportLevel.LIMITED),
        ([cite("a", PEOPLE, retracted=True)], SupportLevel.HYPOTHESIS),
    ],
)
def test_the_level_follows_from_what_the_citations_show(citations, level):
    support = support_for(citations=citations)
    assert (support.level, support.computed_level, support.overridden) == (level, level, False)


def test_contradicted_is_never_derived():
    levels = {
        support_for(citations=c).level
        for c in ([], [cite("a", PEOPLE)], [cite("a", PEOPLE), cite("b", PEOPLE)])
    }
    assert SupportLevel.CONTRADICTED not in levels


def test_an_editor_sets_another_level_with_a_reason_beside_the_rules():
    support = support_for(
        citations=[cite("a", BACKGROUND)], override="verified", override_reason="Textbook."
    )
    assert (support.level, support.label) == ("verified", "Verified by multiple studies")
    assert (support.computed_level, support.computed_label) == ("limited", "Limited evidence")
    assert support.overridden and support.override_reason == "Textbook." and support.cited == 1


@pytest.mark.parametrize(
    ("citations", "reason"),
    [
        ([], "No study cited."),
        ([cite("a", PEOPLE)], "1 study measured this in people."),
        ([cite("a", PEOPLE), cite("b", PEOPLE)], "2 studies measured this in people."),
        (
            [cite("a", BACKGROUND)],
            "1 study cited, none measuring this in people (background or another setting).",
        ),
        (
            [cite("a", PEOPLE), cite("b", PEOPLE, retracted=True)],
            "1 study measured this in people; 1 study retracted, not counted.",
        ),
    ],
)
def test_the_rule_says_why(citations, reason):
    assert support_for(citations=citations).reason == reason


@pytest.mark.parametrize(
    ("design", "provenance"),
    [
        ("rct", PEOPLE),
        ("cohort", PEOPLE),
        ("animal", ELSEWHERE),
        ("mechanistic_review", BACKGROUND),
    ],
)
def test_a_new_citation_starts_from_what_its_design_most_likely_shows(design, provenance):
    assert default_provenance(design) == provenance
