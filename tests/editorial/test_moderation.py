import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from claims.models import Claim
from claims.publishing import publish_analysis
from editorial.moderation import AlreadyReviewed, approve, reject
from evidence.models import Evidence, Study, Submission
from tests.conftest import run_in_threads
from tests.factories import make_evidence, make_published_claim, make_study, make_submission

QUEUE = "/moderation/"


@pytest.fixture
def claim(db):
    claim = make_published_claim(slug="caffeine", statement="Caffeine helps endurance.")
    make_evidence(claim, make_study(sample_size=18))  # Pro 55
    from tests.factories import publish

    publish(claim)
    return claim


@pytest.fixture
def submission(claim, member):
    return make_submission(claim, member, doi="10.5555/big.trial", sample_size=1200)


def approve_data(submission, **fields):
    prefix = f"approve-{submission.pk}-"
    data = {
        "title": submission.title,
        "authors": "Roe R, Poe P",
        "journal": submission.journal,
        "year": str(submission.year),
        "design": submission.design,
        "sample_size": str(submission.sample_size),
        "weight_override": "",
        "weight_override_reason": "",
        **fields,
    }
    return {prefix + key: value for key, value in data.items()}


def reject_data(submission, reason):
    return {f"reject-{submission.pk}-reason": reason}


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 302), ("member", 403), ("editor", 200)]
)
def test_only_editors_see_the_queue(client, member, editor, submission, persona, expected):
    if persona != "anonymous":
        client.force_login(member if persona == "member" else editor)
    for url in (QUEUE, f"/moderation/{submission.pk}/"):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 302), ("member", 403), ("editor", 302)]
)
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_only_editors_act(client, member, editor, submission, persona, expected, action):
    if persona != "anonymous":
        client.force_login(member if persona == "member" else editor)
    data = approve_data(submission) if action == "approve" else reject_data(submission, "No.")
    response = client.post(f"/moderation/{submission.pk}/{action}/", data)
    assert response.status_code == expected
    submission.refresh_from_db()
    assert (submission.status != "pending") is (persona == "editor")


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_moderation_actions_refuse_get(editor_client, submission, action):
    assert editor_client.get(f"/moderation/{submission.pk}/{action}/").status_code == 405


def test_an_unknown_submission_is_404(editor_client, db):
    assert editor_client.post("/moderation/999/approve/").status_code == 404


def test_the_queue_shows_each_item_oldest_first_with_what_the_site_knows(
    editor_client, claim, member
):
    known = make_study(doi="10.5555/known", title="A study we know")
    first = make_submission(claim, member, doi="10.5555/known", note="First **note**.")
    second = make_submission(claim, member, title="A brand new trial", note="Second note.")
    html = editor_client.get(QUEUE).content.decode()
    assert html.index(f"submission-{first.pk}") < html.index(f"submission-{second.pk}")
    # Each card is titled by the study; a known study's title links to its page.
    assertInHTML(f'<a href="{known.get_absolute_url()}">{known.title}</a>', html)
    assertInHTML(
        f'<a href="https://doi.org/{second.doi}" rel="nofollow noopener">{second.doi}</a>', html
    )
    assertInHTML("<p>First <strong>note</strong>.</p>", html)
    for text in (
        "Caffeine helps endurance.",
        "Submitted by <strong>mia</strong>",
        "Contradicts",
        "A study we know",
        "A brand new trial",
        "New to the site",
    ):
        assert text in html, text


def test_the_navigation_shows_editors_the_pending_count(
    editor_client, member_client, claim, member
):
    make_submission(claim, member)
    make_submission(claim, member)
    assertInHTML(
        '<span class="count" id="moderation-count">2'
        '<span class="visually-hidden"> pending</span></span>',
        editor_client.get("/").content.decode(),
    )
    assert "Moderation" not in member_client.get("/").content.decode()


def test_approving_adds_the_evidence_and_publishes_a_version(
    editor_client, client, editor, member, claim, submission
):
    response = editor_client.post(f"/moderation/{submission.pk}/approve/", approve_data(submission))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == ("approved", editor)
    assert submission.reviewed_at is not None
    study = Study.objects.get(doi="10.5555/big.trial")
    assert (study.title, study.authors, study.sample_size) == (
        submission.title,
        "Roe R, Poe P",
        1200,
    )
    evidence = Evidence.objects.get(study=study)
    assert (evidence.stance, evidence.submitted_by) == ("contradicts", member)
    assert evidence.finding == submission.note
    version = submission.version
    assert version.number == 3
    assert version.change_note == (
        "Added contradicting study 10.5555/big.trial, submitted by mia, approved by edith"
    )
    # Readers see it at once: RCT n=1200 low risk weighs 75 against 55 for.
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Contradicting (1)" in html
    assert "Analysis v3" in html
    assert "Mixed Evidence" in html
    assert "Community submission by mia" in html
    history = client.get(f"/claims/{claim.slug}/history/").content.decode()
    assert "Added contradicting study 10.5555/big.trial" in history


def test_a_contradicting_study_that_outweighs_changes_the_verdict(editor, claim, member):
    assert Claim.objects.get(pk=claim.pk).get_verdict_display() == "Moderate Support"
    # A new study's risk of bias is "not assessed": RCT 55 + 20 for n ≥ 1000 − 5 = 70 each.
    for _ in range(4):
        approve(make_submission(claim, member, sample_size=1500), by=editor)
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.pro_tally, claim.against_tally) == (55, 280)
    assert claim.get_verdict_display() == "Strong Against"
    assert claim.current_version.verdict == "strong_against"


def test_an_editor_corrects_facts_and_overrides_the_weight(editor_client, submission):
    data = approve_data(
        submission, title="Corrected title", weight_override="40", weight_override_reason="Indirect"
    )
    editor_client.post(f"/moderation/{submission.pk}/approve/", data)
    evidence = Evidence.objects.get(study__doi=submission.doi)
    assert evidence.study.title == "Corrected title"
    assert (evidence.weight, evidence.weight_override_reason) == (40, "Indirect")


def test_an_override_without_reason_is_a_400_and_nothing_changes(editor_client, submission):
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", approve_data(submission, weight_override="40")
    )
    assert response.status_code == 400
    assert "Say why this study" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == "pending"
    assert not Evidence.objects.filter(study__doi=submission.doi).exists()


def test_rejecting_needs_a_reason_and_keeps_everything(editor_client, member_client, submission):
    response = editor_client.post(
        f"/moderation/{submission.pk}/reject/", reject_data(submission, "")
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    editor_client.post(
        f"/moderation/{submission.pk}/reject/", reject_data(submission, "Wrong population.")
    )
    submission.refresh_from_db()
    assert (submission.status, submission.rejection_reason) == ("rejected", "Wrong population.")
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert "Wrong population." in member_client.get("/accounts/submissions/").content.decode()


def test_acting_on_a_reviewed_submission_names_the_reviewer(editor_client, editor, submission):
    reject(submission, by=editor, reason="Duplicate")
    response = editor_client.post(f"/moderation/{submission.pk}/approve/", approve_data(submission))
    assert response.status_code == 409
    assert "This submission was already reviewed by edith" in response.content.decode()
    assert not Evidence.objects.filter(study__doi=submission.doi).exists()
    with pytest.raises(AlreadyReviewed):
        approve(submission, by=editor)


def test_htmx_actions_answer_in_place(editor_client, submission, claim, member):
    other = make_submission(claim, member)
    approved = editor_client.post(
        f"/moderation/{submission.pk}/approve/",
        approve_data(submission),
        headers={"HX-Request": "true"},
    )
    assert approved.status_code == 200
    assert "published analysis v3" in approved.content.decode()
    assert "<html" not in approved.content.decode()
    bad = editor_client.post(
        f"/moderation/{other.pk}/reject/", reject_data(other, ""), headers={"HX-Request": "true"}
    )
    assert bad.status_code == 400
    assert "<html" not in bad.content.decode() and "This field is required." in bad.content.decode()


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_an_htmx_action_updates_the_pending_count_in_the_navigation(
    editor_client, submission, claim, member, action
):
    make_submission(claim, member)
    data = approve_data(submission) if action == "approve" else reject_data(submission, "No.")
    response = editor_client.post(
        f"/moderation/{submission.pk}/{action}/", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assertInHTML(
        '<span class="count" id="moderation-count" data-hx-swap-oob="true">'
        '1<span class="visually-hidden"> pending</span></span>',
        response.content.decode(),
    )


def test_an_already_reviewed_answer_also_updates_the_count(editor_client, editor, submission):
    reject(submission, by=editor, reason="Off topic.")
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/",
        approve_data(submission),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assertInHTML(
        '<span class="count" id="moderation-count" data-hx-swap-oob="true">'
        '0<span class="visually-hidden"> pending</span></span>',
        response.content.decode(),
    )


def test_a_preprint_is_approved_without_a_journal(editor_client, claim, member):
    preprint = make_submission(claim, member, doi="10.1101/2024.01.01.123456", journal="")
    response = editor_client.post(
        f"/moderation/{preprint.pk}/approve/", approve_data(preprint, journal="")
    )
    assert response.status_code == 302
    assert Study.objects.get(doi="10.1101/2024.01.01.123456").journal == ""


def test_csrf_is_enforced_on_moderation(editor, submission):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    for action, data in (
        ("approve", approve_data(submission)),
        ("reject", reject_data(submission, "x")),
    ):
        assert client.post(f"/moderation/{submission.pk}/{action}/", data).status_code == 403
        assert (
            client.post(
                f"/moderation/{submission.pk}/{action}/", data, headers={"HX-Request": "true"}
            ).status_code
            == 403
        )
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_the_queue_renders_in_constant_queries(
    editor_client, claim, member, django_assert_max_num_queries
):
    # The same kinds of thing in the baseline: a study new to the site and one it knows.
    make_submission(claim, member)
    make_submission(claim, member, doi=make_study().doi)
    with CaptureQueriesContext(connection) as baseline:
        editor_client.get(QUEUE)
    others = [User.objects.create_user(f"m{n}") for n in range(10)]
    for n in range(30):
        make_submission(claim, others[n % 10], doi=f"10.5555/q.{n}")
        if n % 3 == 0:
            make_study(doi=f"10.5555/q.{n}")
    with django_assert_max_num_queries(len(baseline)):
        html = editor_client.get(QUEUE).content.decode()
    assert html.count('class="queue-item"') == 32


def test_my_submissions_renders_in_constant_queries(
    member_client, member, editor, claim, django_assert_max_num_queries
):
    approve(make_submission(claim, member), by=editor)
    with CaptureQueriesContext(connection) as baseline:
        member_client.get("/accounts/submissions/")
    for n in range(8):
        s = make_submission(claim, member)
        if n % 2:
            approve(s, by=editor)
        else:
            reject(s, by=editor, reason="No")
    with django_assert_max_num_queries(len(baseline)):
        member_client.get("/accounts/submissions/")


XSS_NOTE = (
    'Look <script>alert("x")</script> [click](javascript:alert(1)) '
    '<img src=x onerror="alert(2)"> <iframe src="https://evil.example/"></iframe> done.'
)


def assert_inert(html):
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert "javascript:alert" not in lowered
    assert "onerror=" not in lowered
    assert "<iframe" not in lowered


def test_a_hostile_note_renders_inert_everywhere(
    editor_client, member_client, client, editor, claim, member
):
    submission = make_submission(claim, member, note=XSS_NOTE)
    assert_inert(editor_client.get(QUEUE).content.decode())
    assert_inert(member_client.get("/accounts/submissions/").content.decode())
    approve(submission, by=editor)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "done." in page
    assert_inert(page)


def test_links_in_notes_are_marked_as_community_content(editor, claim, member, client):
    approve(
        make_submission(claim, member, note="See [the paper](https://example.org/paper)."),
        by=editor,
    )
    html = client.get(claim.get_absolute_url()).content.decode()
    assertInHTML(
        '<a href="https://example.org/paper" rel="nofollow ugc noopener">the paper</a>', html
    )


@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_make_one_evidence_and_one_version(postgres_only):
    editors = [User.objects.create_user(f"ed{n}", is_staff=True) for n in range(2)]
    member = User.objects.create_user("alice")
    claim = make_published_claim()
    submission = make_submission(claim, member)

    results, errors = run_in_threads(
        2, lambda i: approve(Submission.objects.get(pk=submission.pk), by=editors[i]).number
    )
    assert results == [2], errors
    assert len(errors) == 1 and isinstance(errors[0], AlreadyReviewed)
    assert "already reviewed by ed" in str(errors[0])
    assert Evidence.objects.filter(claim=claim).count() == 1
    assert claim.versions.count() == 2


@pytest.mark.django_db(transaction=True)
def test_approve_and_reject_at_once_leave_exactly_one_outcome(postgres_only):
    editor = User.objects.create_user("ed", is_staff=True)
    member = User.objects.create_user("alice")
    claim = make_published_claim()
    submission = make_submission(claim, member)

    def act(i):
        fresh = Submission.objects.get(pk=submission.pk)
        return approve(fresh, by=editor) if i == 0 else reject(fresh, by=editor, reason="No")

    results, errors = run_in_threads(2, act)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], AlreadyReviewed)
    submission.refresh_from_db()
    assert (submission.status == "approved") is (Evidence.objects.filter(claim=claim).count() == 1)


@pytest.mark.django_db(transaction=True)
def test_approving_two_submissions_on_one_claim_at_once_counts_both(postgres_only):
    editors = [User.objects.create_user(f"ed{n}", is_staff=True) for n in range(2)]
    member = User.objects.create_user("alice")
    claim = make_published_claim()
    submissions = [make_submission(claim, member, sample_size=50) for _ in range(2)]

    results, errors = run_in_threads(
        2, lambda i: approve(Submission.objects.get(pk=submissions[i].pk), by=editors[i]).number
    )
    assert errors == []
    assert sorted(results) == [2, 3]
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.against_tally == 110  # RCT n=50, risk not assessed: 55 + 5 − 5 = 55 each
    assert claim.current_version.against_tally == 110
    assert len(claim.current_version.snapshot["contradicting"]) == 2


def test_an_approval_never_publishes_an_editors_unpublished_draft(editor, claim, member):
    claim.statement = "Caffeine helps endurance, reworded by an editor."
    claim.save()
    submission = make_submission(claim, member)

    assert approve(submission, by=editor) is None

    claim.refresh_from_db()
    assert claim.current_version.number == 2
    assert "reworded by an editor" not in str(claim.current_version.snapshot)
    # The evidence joins the draft: the tallies of the working copy include it.
    assert claim.evidence.filter(study__doi=submission.doi).exists()
    submission.refresh_from_db()
    assert (submission.status, submission.version) == ("approved", None)


def test_the_version_an_editor_publishes_next_is_linked_to_the_waiting_approval(
    editor, claim, member
):
    claim.statement = "Caffeine helps endurance, reworded by an editor."
    claim.save()
    submission = make_submission(claim, member)
    approve(submission, by=editor)

    version = publish_analysis(claim=claim, by=editor, note="The editor's draft, with the study.")

    submission.refresh_from_db()
    assert submission.version == version
    assert any(item.study.doi == submission.doi for item in version.analysis.contradicting)


def test_the_editor_is_told_when_an_approval_waits_for_the_draft(editor_client, claim, submission):
    claim.summary = "An editor's draft summary."
    claim.save()
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", approve_data(submission), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "no version was published" in page
    assert "editors&#x27; page" in page or "editors' page" in page
    assert claim.versions.count() == 2
