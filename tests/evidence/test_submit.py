import re
import time

import pytest
from django.test import Client
from pytest_django.asserts import assertInHTML

from editorial.moderation import approve, reject
from evidence.models import Study, Submission
from tests.factories import (
    make_claim,
    make_evidence,
    make_published_claim,
    make_study,
    make_submission,
)


@pytest.fixture
def claim(db):
    return make_published_claim(slug="caffeine")


URL = "/claims/caffeine/evidence/new/"


def post(client, htmx=False, **fields):
    data = {
        "doi": "https://doi.org/10.5555/NEW.1",
        "stance": "contradicts",
        "note": "The trial found **no** effect on time-trial performance.",
        "title": "A new trial",
        "authors": "Doe J, Roe R",
        "year": "2024",
        "journal": "Journal of Tests",
        "design": "rct",
        "sample_size": "120",
        **fields,
    }
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(URL, data, headers=headers)


def test_anonymous_readers_are_sent_to_log_in_and_back(client, claim):
    response = client.get(URL + "?stance=supports")
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/login/?next=/claims/caffeine/evidence/new/%3Fstance%3Dsupports"
    )


def test_the_form_has_every_labelled_field(member_client, claim):
    html = member_client.get(URL + "?stance=supports").content.decode()
    for label in (
        "DOI",
        "Stance",
        "Note",
        "Title",
        "Year",
        "Journal",
        "Study design",
        "Sample size",
    ):
        assert f">{label}" in html, label
    assert "Submit evidence" in html
    assert (
        'value="supports" id="id_stance_0" checked' in html
        or "checked" in html.split('value="supports"')[1][:40]
    )


def test_the_htmx_branch_returns_only_the_form(member_client, claim):
    html = member_client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert "<form" in html and "<html" not in html


def test_a_draft_claim_takes_no_submissions(member_client, db):
    make_claim(slug="draft")
    assert member_client.get("/claims/draft/evidence/new/").status_code == 404


def test_a_submission_is_stored_pending_with_a_normalised_doi(member_client, member, claim):
    response = post(member_client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/submissions/"
    submission = Submission.objects.get()
    assert (submission.doi, submission.status, submission.submitter) == (
        "10.5555/new.1",
        "pending",
        member,
    )
    assertInHTML("<strong>no</strong>", submission.note_html)
    page = member_client.get("/accounts/submissions/").content.decode()
    assert "Your submission is pending review" in page
    assert "10.5555/new.1" in page and "Pending review" in page


def test_an_htmx_submission_answers_in_place(member_client, claim):
    response = post(member_client, htmx=True)
    assert response.status_code == 201
    html = response.content.decode()
    assert "Your submission is pending review" in html and "<html" not in html


def test_a_known_doi_needs_no_study_facts(member_client, claim):
    make_study(doi="10.5555/known")
    response = post(member_client, doi="10.5555/KNOWN", title="", year="", journal="", design="")
    assert response.status_code == 302
    assert Submission.objects.get().title == ""


def test_a_new_doi_needs_no_journal_as_preprints_have_none(member_client, claim):
    response = post(member_client, journal="")
    assert response.status_code == 302
    assert Submission.objects.get().journal == ""


@pytest.mark.parametrize(
    "pasted",
    [
        "10.5555/known.",
        "https://doi.org/10.5555/KNOWN.",
        "<https://www.doi.org/10.5555/known>.",
        "https://www.tandfonline.com/doi/abs/10.5555/known?journalCode=rjsp20",
    ],
)
def test_a_known_doi_pasted_with_a_full_stop_or_a_url_reuses_the_study(
    member_client, claim, editor, pasted
):
    study = make_study(doi="10.5555/known")
    response = post(member_client, doi=pasted, title="", year="", journal="", design="")
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.doi == "10.5555/known"
    approve(submission, by=editor)
    assert list(Study.objects.all()) == [study]
    assert claim.evidence.get().study == study


def test_a_new_doi_pasted_twice_in_two_forms_is_one_study(member, member_client, editor, claim):
    post(member_client, doi="10.5555/new.1.")
    approve(Submission.objects.get(), by=editor)
    other = make_published_claim(slug="beetroot")
    response = member_client.post(
        "/claims/beetroot/evidence/new/",
        {"doi": "https://doi.org/10.5555/NEW.1", "stance": "supports", "note": "Same study."},
    )
    assert response.status_code == 302
    approve(Submission.objects.get(claim=other), by=editor)
    assert Study.objects.filter(doi__startswith="10.5555/new").count() == 1


def test_a_long_publisher_link_with_tracking_gives_its_doi(member_client, claim):
    link = "https://www.tandfonline.com/doi/abs/10.5555/long.link?journalCode=rjsp20&" + "&".join(
        f"utm_{n}=campaign-{n}-abcdefghij" for n in range(12)
    )
    assert len(link) > 255
    response = post(member_client, doi=link)
    assert response.status_code == 302
    assert Submission.objects.get().doi == "10.5555/long.link"


def test_a_doi_longer_than_the_site_keeps_is_refused_beside_the_field(member_client, claim):
    response = post(member_client, doi="10.5555/" + "x" * 300)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 255 characters" in html[html.index('id="id_doi-error"') :][:300]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_a_doi_hiding_a_nul_is_refused_beside_the_field(member_client, claim, htmx):
    response = post(member_client, htmx=htmx, doi="10.1234/a%00b")
    assert response.status_code == 400
    html = response.content.decode()
    assert "control character" in html[html.index('id="id_doi-error"') :][:300]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"doi": "10.12/bad"}, "doi", "is not a DOI"),
        ({"note": ""}, "note", "This field is required."),
        ({"note": "x" * 5001}, "note", "at most 5000 characters"),
        ({"title": ""}, "title", "does not know this DOI yet"),
        ({"year": ""}, "year", "does not know this DOI yet"),
        ({"design": ""}, "design", "does not know this DOI yet"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_a_400_with_the_message_beside_the_field(
    member_client, claim, fields, field, message, htmx
):
    response = post(member_client, htmx=htmx, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index(f'id="id_{field}-error"') :][:400]
    assert message in error
    assert "A new trial" in html or fields.get("title") == ""  # the member's input is kept
    assert ("<html" in html) is not htmx
    assert not Submission.objects.exists()


def test_the_field_with_an_error_points_to_its_message(member_client, claim):
    html = post(member_client, doi="nonsense").content.decode()
    doi_input = html[html.index('name="doi"') - 200 : html.index('name="doi"') + 600]
    assert 'aria-invalid="true"' in doi_input
    assert "id_doi-error" in doi_input.split("aria-describedby=")[1].split('"')[1]


def test_a_doi_already_evidence_on_the_claim_is_refused_with_a_link(member_client, claim):
    study = make_study(doi="10.5555/already")
    make_evidence(claim, study)
    response = post(member_client, doi="doi:10.5555/ALREADY")
    assert response.status_code == 400
    html = response.content.decode()
    assert "already evidence on this claim" in html
    assertInHTML(f'<a href="/studies/10.5555/already/">{study}</a>', html)


def test_the_same_doi_pending_from_the_same_member_is_refused(member_client, member, claim):
    make_submission(claim, member, doi="10.5555/new.1")
    response = post(member_client)
    assert response.status_code == 400
    assert "already have this DOI pending" in response.content.decode()
    assert Submission.objects.count() == 1


def test_the_pending_limit_is_a_429(member_client, member, claim, settings):
    settings.SUBMISSIONS_MAX_PENDING = 2
    make_submission(claim, member)
    make_submission(claim, member)
    response = post(member_client)
    assert response.status_code == 429
    assert "waiting for review" in response.content.decode()
    assert "A new trial" in response.content.decode()
    assert Submission.objects.count() == 2


def test_the_daily_limit_is_a_429(member_client, member, claim, settings, editor):
    settings.SUBMISSIONS_MAX_PER_DAY = 2
    for _ in range(2):
        reject(make_submission(claim, member), by=editor, reason="Off topic")
    response = post(member_client)
    assert response.status_code == 429
    assert "last 24 hours" in response.content.decode()


def test_csrf_is_enforced_on_the_form_and_its_htmx_branch(member, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    for htmx in (False, True):
        response = post(client, htmx=htmx)
        assert response.status_code == 403
        assert b"CSRF" in response.content
    assert not Submission.objects.exists()
    # The same request with the token from the form goes through.
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL,
        {
            "doi": "10.5555/with.token",
            "stance": "supports",
            "note": "Fine.",
            "title": "T",
            "authors": "Doe J",
            "year": "2024",
            "journal": "J",
            "design": "rct",
        },
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 201


def test_the_form_refuses_other_methods(member_client, claim):
    assert member_client.put(URL).status_code == 405


def test_pending_and_rejected_submissions_are_never_shown_to_others(client, member, editor, claim):
    make_submission(claim, member, note="Pending words nobody else sees.")
    reject(make_submission(claim, member, note="Rejected words."), by=editor, reason="Off topic")
    other = Client()
    from django.contrib.auth.models import User

    other.force_login(User.objects.create_user("other", password="x"))
    for reader in (client, other):
        html = reader.get(claim.get_absolute_url()).content.decode()
        assert "Pending words" not in html and "Rejected words" not in html
    mine = other.get("/accounts/submissions/").content.decode()
    assert "Pending words" not in mine and "Rejected words" not in mine


def test_a_member_sees_every_status_with_its_outcome(member_client, member, editor, claim):
    make_submission(claim, member, note="Waiting.")
    reject(make_submission(claim, member, note="No."), by=editor, reason="The study is about mice.")
    approved = make_submission(claim, member, note="Yes.")
    version = approve(approved, by=editor)
    html = member_client.get("/accounts/submissions/").content.decode()
    assert "Pending review" in html
    assert "The study is about mice." in html
    assertInHTML(
        f'<a href="/claims/caffeine/v/{version.number}/">analysis v{version.number}</a>', html
    )


def test_my_submissions_needs_a_login(client, db):
    response = client.get("/accounts/submissions/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/submissions/"


def test_the_claim_page_links_each_column_to_the_form(member_client, claim):
    html = member_client.get(claim.get_absolute_url()).content.decode()
    for stance, action in (
        ("supports", "Submit a supporting study"),
        ("contradicts", "Submit a contradicting study"),
    ):
        url = f"/claims/caffeine/evidence/new/?stance={stance}"
        assertInHTML(
            f'<a class="contribute__link" href="{url}" data-hx-get="{url}" '
            f'data-hx-target="#contribute-{stance}">'
            '<span class="contribute__welcome">Community contributions welcome</span> '
            f'<span class="contribute__action">{action}</span></a>',
            html,
        )


def test_anonymous_readers_are_sent_to_sign_up_and_back_to_the_form(client, claim):
    html = client.get(claim.get_absolute_url()).content.decode()
    assertInHTML(
        '<a class="contribute__link" '
        'href="/accounts/signup/?next=%2Fclaims%2Fcaffeine%2Fevidence%2Fnew%2F%3Fstance%3Dsupports">'
        '<span class="contribute__welcome">Community contributions welcome</span> '
        '<span class="contribute__action">Submit a supporting study</span></a>',
        html,
    )
    assert 'data-hx-get="/claims/caffeine/evidence/new/' not in html


def test_the_study_facts_part_follows_the_doi(member_client, claim):
    make_study(doi="10.5555/known.one", title="A study the site knows")
    url = "/claims/caffeine/evidence/new/study-facts/"
    known = member_client.get(url, {"doi": "https://doi.org/10.5555/KNOWN.ONE"}).content.decode()
    assert "The site already knows this study" in known and "A study the site knows" in known
    assert 'name="title"' not in known
    # Back from a known DOI to a new one: the facts come back.
    unknown = member_client.get(url, {"doi": "10.5555/new"}).content.decode()
    assert 'name="title"' in unknown and "<html" not in unknown
    # A DOI pasted with a full stop is the same known study.
    pasted = member_client.get(url, {"doi": "10.5555/known.one."}).content.decode()
    assert "The site already knows this study" in pasted
    # Facts already on screen are left alone (no swap), so nothing typed meanwhile is lost.
    response = member_client.get(url, {"doi": "10.5555/other", "title": "Typed already"})
    assert response.status_code == 204


def test_a_known_doi_shows_no_facts_when_the_form_comes_back(member_client, claim):
    make_study(doi="10.5555/known.two")
    html = post(member_client, doi="10.5555/known.two", note="").content.decode()
    assert "The site already knows this study" in html
    assert 'name="title"' not in html


def test_the_doi_field_asks_about_the_study_with_htmx(member_client, claim):
    html = member_client.get(URL).content.decode()
    assert 'data-hx-get="/claims/caffeine/evidence/new/study-facts/"' in html


def headings(html):
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_the_form_page_goes_from_its_h1_to_an_h2(member_client, claim):
    html = member_client.get(URL).content.decode()
    levels = headings(html)
    assert levels[:2] == [1, 2]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_inline_form_sits_one_level_below_its_column_heading(member_client, claim):
    page = member_client.get(claim.get_absolute_url()).content.decode()
    assert re.search(r'<h3 id="evidence-supports-heading"', page)
    fragment = member_client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert headings(fragment) == [4]


def tag(html, name):
    """The opening tag of the field called `name`."""
    return re.search(rf'<(?:input|textarea|select)\b[^>]*name="{name}"[^>]*>', html).group(0)


def label(html, field_id):
    return re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S).group(1)


@pytest.mark.parametrize("htmx", [False, True])
def test_required_fields_are_marked_before_the_member_submits(member_client, claim, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = member_client.get(URL, headers=headers).content.decode()
    for name in ("doi", "note", "title", "year", "design"):
        assert re.search(r"\srequired\b", tag(html, name)), name
        assert "(required)" in label(html, f"id_{name}"), name
    assert re.search(r"\srequired\b", tag(html, "stance"))
    assert re.search(r"<legend>Stance <span[^>]*>\(required\)</span></legend>", html)
    for name in ("journal", "sample_size"):
        assert not re.search(r"\srequired\b", tag(html, name)), name
        assert "(optional)" in label(html, f"id_{name}"), name


def test_a_doi_already_evidence_is_refused_as_it_is_typed(member_client, claim):
    study = make_study(doi="10.5555/already", title="The study already counted")
    make_evidence(claim, study)
    url = "/claims/caffeine/evidence/new/study-facts/"
    html = member_client.get(url, {"doi": "https://doi.org/10.5555/ALREADY"}).content.decode()
    check = html[html.index('<div class="doi-check"') :]
    assert 'data-hx-swap-oob="true"' in html[html.index('<div class="doi-check"') :][:80]
    assert "This study is already evidence on this claim" in check
    assertInHTML(f'<a href="/studies/10.5555/already/">{study}</a>', check)


def test_a_known_doi_that_is_not_evidence_here_clears_the_refusal(member_client, claim):
    make_study(doi="10.5555/elsewhere")
    url = "/claims/caffeine/evidence/new/study-facts/"
    html = member_client.get(url, {"doi": "10.5555/elsewhere"}).content.decode()
    assertInHTML(
        '<div class="doi-check" id="doi-check" data-hx-swap-oob="true" role="status"></div>', html
    )


def test_the_form_quotes_the_claim_and_marks_the_doi_check_beside_the_doi(member_client, claim):
    html = member_client.get(URL + "?stance=supports").content.decode()
    assert '<figure class="claim-quote">' in html
    assert claim.statement in html[html.index('<figure class="claim-quote">') :][:400]
    assert html.index('name="doi"') < html.index('id="doi-check"') < html.index('name="stance"')
    assert 'data-hx-trigger="input changed delay:600ms, change"' in html


def test_my_submissions_name_the_study_claim_stance_status_reason_and_version(
    member_client, member, editor, claim
):
    known = make_study(doi="10.5555/known.title", title="A trial the site already knows")
    make_submission(claim, member, doi=known.doi, title="")
    approved = make_submission(claim, member, title="An approved cohort")
    version = approve(approved, by=editor)
    rejected = make_submission(claim, member, title="A rejected case report")
    reject(rejected, by=editor, reason="A single case.")
    html = member_client.get("/accounts/submissions/").content.decode()
    assertInHTML(f'<a href="{known.get_absolute_url()}">A trial the site already knows</a>', html)
    assert "An approved cohort" in html and "A rejected case report" in html
    assert "A single case." in html
    assert html.count(claim.published_statement) == 3
    assertInHTML(
        f'<a href="/claims/caffeine/v/{version.number}/">analysis v{version.number}</a>', html
    )
    assert html.count("Contradicts") == 3


def test_a_note_of_nested_brackets_is_refused_beside_the_field_quickly(member_client, claim):
    started = time.perf_counter()
    response = post(member_client, note="[" * 1612 + "]" * 1611)
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["note"] == [
        "This text has 1,612 square brackets; Markdown here allows at most 500. Remove some, "
        "or write them as ( )."
    ]
    assert not Submission.objects.exists()


def test_a_note_with_an_invisible_character_in_a_doi_is_stored_with_the_doi_unlinked(
    member_client, claim
):
    response = post(member_client, note="It replicates 10.1234/x\u200b\u2026 exactly.")
    assert response.status_code == 302
    assert "<a" not in Submission.objects.get().note_html
