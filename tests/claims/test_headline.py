"""The headline rule (claims/headline.py) and where it shows: verdict and certainty as one
statement, the plain sentence under it, and editors' weights beside the rule's tallies."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from claims.certainty import Certainty, certainty_for
from claims.headline import evidence_sentence, headline_for, is_solid, tally_override
from claims.models import Claim, PublishedClaim
from tests.claims.snapshot_items import item

CLAIM = "/claims/quadriceps-proximity-to-failure/"
REASON = "Within-subject randomisation"


def headline(*evidence, verdict="strong_support", label="Strong Support"):
    return headline_for(
        verdict=verdict,
        verdict_label=label,
        certainty=certainty_for(evidence=list(evidence)),
        evidence=list(evidence),
    )


def test_the_reference_claim_reads_as_one_honest_statement():
    result = headline(item(weight=66, computed=55, design="rct", n=18, bias="low"))
    assert result.phrase == "Strong Support · low certainty"
    assert not result.solid
    assert result.sentence == (
        "One small trial (18 people) supports this. New studies could well change it."
    )


@pytest.mark.parametrize(
    ("level", "solid"),
    [("high", True), ("moderate", True), ("low", False), ("very_low", False), ("", False)],
)
def test_only_high_and_moderate_certainty_get_a_solid_badge(level, solid):
    assert is_solid(level) is solid


@pytest.mark.parametrize(
    ("evidence", "verdict", "sentence"),
    [
        ([], "insufficient", "No study bears on this claim yet."),
        (
            [item(design="rct", n=500, retracted=True)],
            "insufficient",
            "No study bears on this claim yet.",
        ),
        (
            [item(design="meta_analysis", n=721)],
            "strong_support",
            "One meta-analysis (721 people) supports this.",
        ),
        (
            [item(design="rct", n=None)],
            "strong_support",
            "One trial (size not reported) supports this.",
        ),
        (
            [item(design="animal", n=None, weight=10)],
            "insufficient",
            "One animal study supports this, too little weight to lean either way.",
        ),
        (
            [item(n=700), item(n=42), item(design="animal", n=12)],
            "strong_support",
            "Three studies (742 people) support this.",
        ),
        (
            [
                item(design="meta_analysis", n=700),
                item(stance="contradicts", design="cohort", n=1500),
            ],
            "mixed",
            "One meta-analysis (700 people) supports this and one cohort study (1,500 people) "
            "contradicts it.",
        ),
        (
            [item(stance="contradicts", n=30), item(stance="contradicts", n=20)],
            "strong_against",
            "Two studies (50 people) contradict this.",
        ),
    ],
)
def test_the_sentence_counts_the_studies_that_count(evidence, verdict, sentence):
    assert evidence_sentence(verdict=verdict, evidence=evidence) == sentence


@pytest.mark.parametrize(
    ("level", "consequence"),
    [
        ("high", "New studies are very unlikely to change this."),
        ("moderate", "This is probably right; new studies are unlikely to change it much."),
        ("low", "New studies could well change it."),
        ("very_low", "This is very uncertain; new studies are likely to change it."),
    ],
)
def test_the_sentence_says_what_the_certainty_means(level, consequence):
    from claims.certainty import CertaintyLevel

    label = CertaintyLevel(level).label
    certainty = Certainty(level=level, label=label, computed_level=level, computed_label=label)
    result = headline_for(
        verdict="strong_support",
        verdict_label="Strong Support",
        certainty=certainty,
        evidence=[item(n=1000)],
    )
    assert result.sentence.endswith(consequence)
    assert result.phrase == f"Strong Support · {label.lower()} certainty"


def test_a_version_without_certainty_shows_its_verdict_alone_and_tentative():
    result = headline_for(
        verdict="mixed", verdict_label="Mixed Evidence", certainty=Certainty(), evidence=[]
    )
    assert (result.phrase, result.solid, result.sentence) == ("Mixed Evidence", False, "")


def test_an_editors_weight_is_told_beside_the_rules_tally():
    items = [item(weight=66, computed=55), item(weight=20)]
    items[0].override_reason = REASON
    override = tally_override(items=items, shown=86, rule=75)
    assert override.text == f"the rule gives 75 · raised by an editor: {REASON}"
    assert tally_override(items=[item(weight=20)], shown=20, rule=20) is None
    lowered = [item(weight=10, computed=55), item(weight=5, computed=20)]
    assert tally_override(items=lowered, shown=15, rule=75).text == (
        "the rule gives 75 · lowered by editors, who set 2 weights (reasons beside each study)"
    )


# --- on the pages -----------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("loaddemo", verbosity=0)


def test_the_claim_page_says_the_sentence_under_the_headline(client, demo):
    html = client.get(CLAIM).content.decode()
    sentence = (
        '<p class="headline-sentence">One small trial (18 people) supports this. New studies '
        "could well change it.</p>"
    )
    assert sentence in html
    assert html.index("verdict__certainty") < html.index(sentence) < html.index("Why low?")


def test_the_claim_page_shows_the_rules_tally_beside_the_editors(client, demo):
    html = client.get(CLAIM).content.decode()
    assert (
        f"<li><strong>Pro 66</strong> · the rule gives 55 · raised by an editor: {REASON}" in html
    )
    # What the tally counts, with the way to the rule.
    assert 'Pro and Against are <a href="/#method">weight points</a>, not numbers of studies' in (
        html
    )


def test_a_list_card_marks_a_tally_an_editor_moved_and_says_what_it_counts(client, demo):
    html = client.get("/").content.decode()
    card = html[html.index(CLAIM) :]
    card = card[card.index("claim-card__tallies") :]
    assert (
        '<strong>66</strong> Pro <span class="override-mark">(rule 55, editor-set)</span>' in card
    )
    assert html.count("weight points, not studies</a>") == html.count('class="claim-card"') == 10
    # Only the reference claim's weights were set by an editor.
    assert html.count('class="override-mark"') == 1


def test_the_list_and_the_claim_page_share_the_headline(client, demo):
    html = client.get("/").content.decode()
    assert html.count("verdict__certainty") == 10
    assert 'Strong Support<span class="verdict__certainty"> · low certainty</span>' in html
    # A high-certainty verdict is solid; a low one is not.
    assert (
        '<span class="verdict verdict--strong_support">Strong Support<span '
        'class="verdict__certainty"> · high certainty</span>' in html
    )


def test_the_study_page_says_the_rules_weight_and_the_editors(client, demo):
    html = client.get("/studies/10.1080/02640414.2024.2321021/").content.decode()
    assert f"weight 66 · the rule gives 55 · raised by an editor: {REASON}" in html


def test_the_snapshot_carries_the_rules_tallies_beside_the_editors(demo):
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    snapshot = claim.current_version.snapshot
    assert (snapshot["pro"], snapshot["rule_pro"], snapshot["rule_against"]) == (66, 55, 0)
    (evidence,) = snapshot["supporting"]
    assert (evidence["weight"], evidence["computed_weight"], evidence["overridden"]) == (
        66,
        55,
        True,
    )
    listing = PublishedClaim.objects.get(claim=claim)
    assert (listing.pro_tally, listing.rule_pro_tally) == (66, 55)


def test_the_footer_no_longer_says_weights_are_never_typed_in(client, demo):
    html = client.get(CLAIM).content.decode()
    assert "never typed in" not in html
    assert "where an editor sets another value, the page shows it beside the rule" in html


def test_the_sign_up_button_keeps_its_words_and_says_what_members_get(client, demo):
    html = client.get(CLAIM).content.decode()
    assert ">Sign up to see full verdict</a>" in html
    assert 'aria-describedby="gate-what"' in html
    assert "Members see the studies that would settle this claim" in html
    client.force_login(User.objects.get(username="member"))
    assert "Members see the studies" not in client.get(CLAIM).content.decode()


def test_the_history_shows_each_versions_verdict_with_its_certainty(client, demo):
    html = client.get(CLAIM + "history/").content.decode()
    assert 'Strong Support<span class="verdict__certainty"> · low certainty' in html
    assert 'Moderate Support<span class="verdict__certainty"> · low certainty' in html
    assert html.count("verdict--tentative") == 2


def test_the_history_marks_a_tally_an_editors_weight_moved(client, demo):
    html = client.get(CLAIM + "history/").content.decode()
    # v2 has the editor's 66 (the rule gives 55); v1 had the rule's 55.
    assert html.count('class="override-mark">(rule 55, editor-set)</span>') == 1
