"""The structured diff between two versions: a crafted pair with every kind of change."""

import pytest

from claims.analysis import build_analysis
from claims.compare import compare_analyses, word_diff
from evidence.choices import Stance
from mechanisms.models import Mechanism, SupportLevel
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish


def test_word_diff_marks_deleted_and_inserted_words():
    words = word_diff("muscles grow when trained hard", "muscles grow more when trained")
    assert [(w.op, w.text) for w in words] == [
        ("equal", "muscles grow"),
        ("insert", "more"),
        ("equal", "when trained"),
        ("delete", "hard"),
    ]


@pytest.fixture
def crafted(db):
    """v1 and v2 of one claim, differing in every way the compare page reports."""
    kept = make_study(title="Kept trial", sample_size=18)
    removed = make_study(title="Removed trial")
    claim = make_claim(statement="Caffeine improves endurance in trained cyclists.")
    make_evidence(claim, kept, finding="Faster by two percent.")
    make_evidence(claim, removed)
    primary = make_mechanism(claim, rank=1, steps=3, title="Adenosine blockade")
    make_mechanism(claim, rank=2, steps=1, title="Dropped idea")
    make_mechanism(claim, rank=3, steps=1, title="Glycogen sparing")
    v1 = publish(claim, "First")

    claim.statement = "Caffeine improves endurance in trained and untrained cyclists."
    claim.save()
    evidence = claim.evidence.get(study=kept)
    evidence.weight_override = 70
    evidence.weight_override_reason = "Crossover design"
    evidence.save()
    claim.evidence.get(study=removed).delete()
    make_evidence(claim, make_study(title="Added trial"), stance=Stance.CONTRADICTS)
    steps = {step.order: step for step in primary.steps.all()}
    steps[1].support_override = SupportLevel.VERIFIED
    steps[1].support_override_reason = "Two trials since."
    steps[1].save()
    steps[2].text = "Step 2 happens faster."
    steps[2].save()
    # swap steps 3 and 1's neighbour: move step 3 to the front
    steps[3].order = 4
    steps[3].save()
    steps[1].order = 3
    steps[1].save()
    steps[3].order = 1
    steps[3].save()
    Mechanism.objects.get(claim=claim, title="Dropped idea").delete()
    Mechanism.objects.filter(claim=claim, title="Glycogen sparing").update(rank=2)
    make_mechanism(claim, rank=3, steps=1, title="Central fatigue")
    v2 = publish(claim, "Second")
    return claim, v1, v2


def test_the_comparison_names_every_kind_of_change(crafted):
    claim, v1, v2 = crafted
    c = compare_analyses(v1.analysis, v2.analysis)
    assert {(h.label, h.before, h.after) for h in c.headline} >= {
        ("Pro", 115, 70),
        ("Against", 0, 60),
    }
    # The verdict is compared as the headline reads it, with its certainty.
    (verdict,) = [h for h in c.headline if h.label == "Verdict"]
    assert verdict.before == f"Strong Support · {v1.analysis.certainty.label.lower()} certainty"
    assert verdict.after == f"Mixed Evidence · {v2.analysis.certainty.label.lower()} certainty"
    assert c.texts[0].label == "Statement"
    assert ("insert", "and untrained") in [(w.op, w.text) for w in c.texts[0].words]
    kinds = {(s.title, s.kind) for s in c.studies}
    assert kinds == {
        ("Added trial", "added"),
        ("Removed trial", "removed"),
        ("Kept trial", "reweighted"),
    }
    reweighted = next(s for s in c.studies if s.kind == "reweighted")
    assert (reweighted.weight_before, reweighted.weight_after) == (55, 70)
    mechanisms = {m.title: m for m in c.mechanisms}
    assert mechanisms["Central fatigue"].kind == "added"
    assert mechanisms["Dropped idea"].kind == "removed"
    assert mechanisms["Glycogen sparing"].reordered
    step_kinds = {
        (s.kind, s.order_before, s.order_after) for s in mechanisms["Adenosine blockade"].steps
    }
    assert ("moved", 3, 1) in step_kinds
    assert ("moved", 1, 3) in step_kinds
    assert ("support", 1, 3) in step_kinds
    assert ("text", 2, 2) in step_kinds


def test_the_compare_page_shows_each_kind_of_change(client, crafted):
    claim, v1, v2 = crafted
    html = client.get(f"/claims/{claim.slug}/compare/1/2/").content.decode()
    for text in (
        "What changed from v1 to v2",
        "Strong Support · low certainty</del>",
        "Mixed Evidence · very low certainty</ins>",
        "<ins>and untrained</ins>",
        "Added</span>",
        "Removed</span>",
        "Re-weighted</span>",
        "<del>55</del> → <ins>70</ins>",
        "Added mechanism",
        "Removed mechanism",
        "Reordered mechanism",
        "Step moved",
        "Support level changed",
        "<del>Hypothesis</del> → <ins>Verified by multiple studies</ins> · <span "
        'class="change__why">editor’s judgement: Two trials since. · by the rule: '
        "Hypothesis</span>",
        "Step 2 reworded",
        "<del>happens.</del> <ins>happens faster.</ins>",
    ):
        assert text in html, text


def test_comparing_a_version_with_itself_says_nothing_changed(client, crafted):
    claim, *_ = crafted
    html = client.get(f"/claims/{claim.slug}/compare/2/2/").content.decode()
    assert "These two versions say the same thing." in html


def test_comparing_a_missing_version_is_404(client, crafted):
    claim, *_ = crafted
    assert client.get(f"/claims/{claim.slug}/compare/1/9/").status_code == 404


def test_the_compare_view_has_an_htmx_fragment(client, crafted):
    claim, *_ = crafted
    response = client.get(f"/claims/{claim.slug}/compare/1/2/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "v1 → v2" in html and "<html" not in html


def test_the_history_form_picks_two_versions(client, crafted):
    claim, *_ = crafted
    response = client.get(f"/claims/{claim.slug}/compare/", {"a": "1", "b": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.slug}/compare/1/2/"
    htmx = client.get(
        f"/claims/{claim.slug}/compare/", {"a": "1", "b": "2"}, headers={"HX-Request": "true"}
    )
    assert "Step moved" in htmx.content.decode() and "<html" not in htmx.content.decode()
    assert htmx["HX-Push-Url"] == f"/claims/{claim.slug}/compare/1/2/"


def test_a_working_copy_is_compared_like_a_version(db):
    claim = make_claim()
    v1 = publish(claim)
    make_evidence(claim, make_study(title="New trial"))
    c = compare_analyses(v1.analysis, build_analysis(claim))
    assert [(s.title, s.kind) for s in c.studies] == [("New trial", "added")]


def test_gold_standard_designs_are_compared_one_by_one(db):
    from tests.factories import make_gold_standard

    claim = make_claim()
    make_gold_standard(claim, rank=1, description="A large trial.")
    v1 = publish(claim)
    make_gold_standard(claim, rank=2, description="A cohort study.")
    claim.gold_standard_designs.filter(rank=1).update(description_html="<p>A very large trial.</p>")
    v2 = publish(claim)
    changes = compare_analyses(v1.analysis, v2.analysis).gold_standard
    assert [c.label for c in changes] == [
        "1. Randomised controlled trial",
        "2. Randomised controlled trial (added)",
    ]
    assert ("insert", "very") in [(w.op, w.text) for w in changes[0].words]


def test_the_gold_standard_changes_are_for_members_only(client, member_client, db):
    from tests.factories import make_gold_standard

    claim = make_claim(slug="gated")
    publish(claim)
    make_gold_standard(claim, description="A secret decisive trial.")
    publish(claim)
    anonymous = client.get("/claims/gated/compare/1/2/").content.decode()
    assert "secret decisive trial" not in anonymous
    assert "Sign up to see full verdict" in anonymous
    assert (
        "secret decisive trial" in member_client.get("/claims/gated/compare/1/2/").content.decode()
    )
