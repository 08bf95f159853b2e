"""Each moderation card shows the claim's figures now and what approving would make them."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from claims.models import AnalysisVersion
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.models import Evidence, Notice, Study
from tests.factories import (
    make_evidence,
    make_mechanism,
    make_published_claim,
    make_study,
    make_submission,
    publish,
)

QUEUE = "/moderation/"
ROWS = ("Pro", "Against", "Verdict", "Certainty")


@pytest.fixture
def claim(db):
    claim = make_published_claim(slug="caffeine", statement="Caffeine helps endurance.")
    make_evidence(claim, make_study(sample_size=18))  # Pro 55
    make_mechanism(claim)
    publish(claim)
    return claim


def preview_of(page: str, submission) -> dict[str, tuple[str, str]]:
    """The card's figures as an editor reads them: {"Pro": (now, after approval), …}."""
    card = lxml_html.fromstring(page).get_element_by_id(f"submission-{submission.pk}")
    table = card.find_class("approval-preview")[0]
    heads = [th.text_content().strip() for th in table.xpath(".//thead//th")]
    assert heads == list(ROWS)
    rows = {
        row.xpath("./th")[0].text_content().strip(): [
            td.text_content().strip() for td in row.xpath("./td")
        ]
        for row in table.xpath(".//tbody/tr")
    }
    assert list(rows) == ["Now", "After approval"]
    now, after = rows["Now"], rows["After approval"]
    if len(after) == 1:  # one cell saying why there are no figures yet
        after = after * len(ROWS)
    return dict(zip(ROWS, zip(now, after, strict=True), strict=True))


def claim_page_figures(client, claim) -> dict[str, str]:
    """Pro, Against, verdict and certainty as the claim page shows them to readers."""
    page = lxml_html.fromstring(client.get(f"/claims/{claim.slug}/").content.decode())
    verdict = page.find_class("verdict--large")[0]
    certainty = verdict.find_class("verdict__certainty")
    return {
        "Pro": page.find_class("tally--pro")[0].find_class("tally__value")[0].text_content(),
        "Against": page.find_class("tally--against")[0]
        .find_class("tally__value")[0]
        .text_content(),
        "Verdict": verdict.text.strip(),
        # "Strong Support · moderate certainty": the card capitalises the level.
        "Certainty": certainty[0].text_content().replace("·", "").replace("certainty", "")
        if certainty
        else "",
    }


def approve_with_the_rules_weight(editor_client, submission):
    prefix = f"approve-{submission.pk}-"
    facts = {
        "title": submission.title,
        "authors": "Roe R",
        "journal": submission.journal,
        "year": str(submission.year),
        "design": submission.design,
        "sample_size": str(submission.sample_size or ""),
    }
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", {prefix + k: v for k, v in facts.items()}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def assert_after_is_what_the_claim_page_shows(client, editor_client, claim, submission, after):
    approve_with_the_rules_weight(editor_client, submission)
    shown = claim_page_figures(client, claim)
    assert {row: after[row] for row in ("Pro", "Against", "Verdict")} == {
        row: shown[row] for row in ("Pro", "Against", "Verdict")
    }
    assert after["Certainty"].lower() == shown["Certainty"].strip().lower()


def test_a_card_shows_the_claim_now_and_after_approval_as_the_claim_page_then_shows_it(
    client, editor_client, claim, member
):
    submission = make_submission(claim, member, stance=Stance.CONTRADICTS, sample_size=1200)
    before = {row: value for row, value in claim_page_figures(client, claim).items()}

    preview = preview_of(editor_client.get(QUEUE).content.decode(), submission)

    assert {row: now for row, (now, _) in preview.items()}["Pro"] == before["Pro"] == "55"
    assert preview["Against"] == ("0", "70")
    assert preview["Verdict"][0] == before["Verdict"]
    assert preview["Verdict"][1] != preview["Verdict"][0]
    after = {row: value for row, (_, value) in preview.items()}
    assert_after_is_what_the_claim_page_shows(client, editor_client, claim, submission, after)


@pytest.mark.parametrize(
    "case",
    [
        "supporting small study",
        "known study at high risk of bias",
        "known retracted study",
        "study with an effect",
        "observational study",
    ],
)
def test_the_after_figures_follow_the_real_rules_in_every_case(
    client, editor_client, claim, member, case
):
    fields = {}
    if case == "supporting small study":
        fields = {"stance": Stance.SUPPORTS, "sample_size": 12}
    elif case == "known study at high risk of bias":
        study = make_study(risk_of_bias=RiskOfBias.HIGH, sample_size=300)
        fields = {"doi": study.doi, "stance": Stance.SUPPORTS}
    elif case == "known retracted study":
        study = make_study(sample_size=3000)
        Notice.objects.create(study=study, kind="retraction")
        Study.objects.filter(pk=study.pk).update(retracted=True)
        fields = {"doi": study.doi, "stance": Stance.CONTRADICTS}
    elif case == "study with an effect":
        make_evidence(
            claim,
            make_study(sample_size=200),
            effect_outcome="Time trial",
            effect_measure="md",
            effect_estimate=-10,
            effect_ci_low=-18,
            effect_ci_high=-2,
        )
        publish(claim)
        fields = {
            "stance": Stance.SUPPORTS,
            "effect_outcome": "Time trial",
            "effect_measure": "md",
            "effect_estimate": 8,
            "effect_ci_low": -30,
            "effect_ci_high": 46,
        }
    elif case == "observational study":
        fields = {"stance": Stance.SUPPORTS, "design": StudyDesign.COHORT, "sample_size": 5000}
    submission = make_submission(claim, member, **fields)

    preview = preview_of(editor_client.get(QUEUE).content.decode(), submission)

    after = {row: value for row, (_, value) in preview.items()}
    assert_after_is_what_the_claim_page_shows(client, editor_client, claim, submission, after)


def test_the_queue_writes_nothing(editor_client, claim, member):
    make_submission(claim, member)
    make_submission(claim, member, doi=make_study().doi, stance=Stance.SUPPORTS)
    counts = (Study.objects.count(), Evidence.objects.count(), AnalysisVersion.objects.count())
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(QUEUE).content.decode()
    assert page.count('class="approval-preview"') == 2
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "SAVEPOINT"}
    ]
    assert writes == []
    assert counts == (
        Study.objects.count(),
        Evidence.objects.count(),
        AnalysisVersion.objects.count(),
    )


def test_the_items_own_page_and_its_htmx_fragment_show_the_preview(editor_client, claim, member):
    submission = make_submission(claim, member, sample_size=1200)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = editor_client.get(f"/moderation/{submission.pk}/", **headers).content.decode()
        assert preview_of(page, submission)["Against"] == ("0", "70")


def test_an_editors_draft_is_named_and_the_after_figures_come_with_its_publication(
    client, editor, editor_client, claim, member
):
    claim.summary = "An editor's draft summary."
    claim.save()
    submission = make_submission(claim, member, sample_size=1200)

    page = editor_client.get(QUEUE).content.decode()

    assert "unpublished draft holds this claim" in page
    after = {row: value for row, (_, value) in preview_of(page, submission).items()}
    approve_with_the_rules_weight(editor_client, submission)
    assert claim_page_figures(client, claim)["Against"] == "0"  # readers see no change yet
    publish(claim, note="The editor's draft, with the study.")
    shown = claim_page_figures(client, claim)
    assert (shown["Against"], shown["Verdict"]) == (after["Against"], after["Verdict"])


def test_a_new_study_without_a_design_says_what_the_figures_wait_for(editor_client, claim, member):
    submission = make_submission(claim, member, design="")

    page = editor_client.get(QUEUE).content.decode()

    preview = preview_of(page, submission)
    assert preview["Pro"] == ("55", "Depends on the design you give this study, new to the site")


def test_a_queue_of_many_claims_renders_in_constant_queries(
    editor_client, member, django_assert_max_num_queries
):
    def claim_with_submissions(n, submissions):
        claim = make_published_claim(slug=f"claim-q{n}")
        make_evidence(claim, make_study())
        make_mechanism(claim, cite=[make_study()])
        Notice.objects.create(study=make_study(), kind="correction")
        publish(claim)
        for k in range(submissions):
            known = make_study() if k % 2 else None
            make_submission(
                claim,
                User.objects.create_user(f"m{n}-{k}"),
                doi=known.doi if known else f"10.5555/q{n}.{k}",
            )
            if known:
                Notice.objects.create(study=known, kind="expression_of_concern")

    claim_with_submissions(0, 2)
    with CaptureQueriesContext(connection) as baseline:
        editor_client.get(QUEUE)
    for n in range(1, 12):
        claim_with_submissions(n, 3)
    with django_assert_max_num_queries(len(baseline)):
        page = editor_client.get(QUEUE).content.decode()
    assert page.count('class="approval-preview"') == 2 + 11 * 3
