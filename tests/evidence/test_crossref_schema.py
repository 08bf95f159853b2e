"""Malformed Crossref answers: the one schema reads what fits and says why it dropped the rest,
and no page or command that asks Crossref fails on them (local fake Crossref)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from editorial import retractions
from evidence.crossref import Malformed, lookup
from evidence.crossref_schema import (
    AUTHORS_MAX,
    JOURNAL_MAX,
    NOTICE_DOI_MAX,
    NOTICE_SOURCE_MAX,
    SHORT_MAX,
    TITLE_MAX,
    parse_work,
)
from evidence.models import Notice, Study, Submission
from tests.factories import make_evidence, make_published_claim, make_study, make_submission
from tests.test_admin import study_form

DOI = "10.9999/malformed.1"
FACTS_URL = "/claims/caffeine/evidence/new/study-facts/"
ADD = "/admin/evidence/study/add/"


def answer(message) -> bytes:
    return json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()


GOOD = {
    "title": ["A good trial"],
    "container-title": ["J Good"],
    "issued": {"date-parts": [[2021]]},
}
# Each of these made some path raise before the schema.
MALFORMED = {
    "date parts that are not integers": {**GOOD, "issued": {"date-parts": [["2021", "x"]]}},
    "a notice dated in the year 10^12": {
        **GOOD,
        "updated-by": [
            {"type": "retraction", "DOI": "10.9999/r.1", "updated": {"date-parts": [[10**12]]}}
        ],
    },
    "a notice without a DOI and a 154-character source": {
        **GOOD,
        "updated-by": [{"type": "retraction", "DOI": None, "source": "s" * 154}],
    },
    "a NUL and a lone surrogate in the title": {**GOOD, "title": ["A\x00 trial \ud800"]},
    "a title that is an object": {**GOOD, "title": [{"nested": "x"}]},
    "a list of authors that is a number": {**GOOD, "author": 7},
    "a 5,000-character volume": {**GOOD, "volume": "9" * 5000},
}


def test_the_schemas_limits_are_the_columns_limits():
    field = Study._meta.get_field
    assert (
        field("title").max_length,
        field("authors").max_length,
        field("journal").max_length,
        field("volume").max_length,
    ) == (TITLE_MAX, AUTHORS_MAX, JOURNAL_MAX, SHORT_MAX)
    assert (
        Notice._meta.get_field("notice_doi").max_length,
        Notice._meta.get_field("source").max_length,
    ) == (NOTICE_DOI_MAX, NOTICE_SOURCE_MAX)


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_record_keeps_what_fits_and_records_why_it_dropped_the_rest(case):
    work = parse_work(MALFORMED[case], doi=DOI)
    assert work.journal == "J Good"
    assert work.problems, "the parse must say what it dropped"
    for name, limit in (("title", TITLE_MAX), ("volume", SHORT_MAX)):
        assert len(getattr(work, name)) <= limit
    for value in (work.title, work.authors, work.volume):
        assert "\x00" not in value and "\ud800" not in value
    for notice in work.notices:
        assert len(notice.source) <= NOTICE_SOURCE_MAX and notice.doi in ("", "10.9999/r.1")


def test_a_notice_without_a_doi_is_kept_with_no_doi_rather_than_the_word_none():
    work = parse_work(MALFORMED["a notice without a DOI and a 154-character source"], doi=DOI)
    (notice,) = work.notices
    assert (notice.kind, notice.doi, len(notice.source)) == ("retraction", "", 100)
    assert "updated-by[0].source: longer than 100 characters, cut" in work.problems


@pytest.mark.parametrize(
    "body",
    [
        b'{"status":"ok","message":["not","a","work"]}',
        b'{"status":"ok","message":"a string"}',
        b"[1,2,3]",
        b"\xff\xfe not utf-8",
        b"[" * 100_000,
    ],
)
def test_an_answer_that_is_no_work_is_malformed_with_a_fixed_reason(crossref, body):
    crossref.works[DOI] = body
    result = lookup(DOI)
    assert isinstance(result, Malformed)
    assert result.reason in {"not JSON", "no ‘ok’ status", "its message is not an object"}


@pytest.fixture
def claim(db):
    return make_published_claim(slug="caffeine")


@pytest.mark.parametrize("case", MALFORMED)
def test_a_members_doi_lookup_survives_a_malformed_answer(crossref, member_client, claim, case):
    crossref.works[DOI] = answer(MALFORMED[case])
    response = member_client.get(FACTS_URL, {"doi": DOI})
    assert response.status_code == 200
    assert "Found:</strong> " in response.content.decode()
    assert "<em>J Good</em>" in response.content.decode()


@pytest.mark.parametrize("case", MALFORMED)
def test_the_moderation_queue_survives_a_malformed_answer_for_a_waiting_submission(
    crossref, editor_client, member, claim, case
):
    crossref.works[DOI] = answer(MALFORMED[case])
    make_submission(claim, member, doi=DOI)
    response = editor_client.get("/moderation/")
    assert response.status_code == 200
    assert "J Good" in response.content.decode()


@pytest.mark.parametrize("case", MALFORMED)
def test_the_admin_saves_and_fetches_a_study_whose_record_is_malformed(
    crossref, editor_client, case
):
    crossref.works[DOI] = answer(MALFORMED[case])
    form = study_form(doi=DOI, title="", authors="", journal="", year="2020")
    if not parse_work(MALFORMED[case], doi=DOI).title:
        form["title"] = "Typed by the editor"
    fetched = editor_client.post(ADD, {**form, "_fetch_crossref": "1"})
    assert fetched.status_code == 200
    saved = editor_client.post(ADD, form)
    assert saved.status_code == 302
    study = Study.objects.get(doi=DOI)
    assert study.journal == "J Good" and "\x00" not in study.title


def run(command, *dois):
    out, err = StringIO(), StringIO()
    call_command(command, *[f"--doi={doi}" for doi in dois], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", MALFORMED)
def test_check_retractions_records_what_fits_of_a_malformed_answer(crossref, claim, case):
    crossref.works[DOI] = answer(MALFORMED[case])
    make_evidence(claim, make_study(doi=DOI, is_example=False))
    out, _ = run("check_retractions", DOI)
    assert "Checked 1 of 1 studies." in out
    for notice in Notice.objects.all():
        assert len(notice.source) <= NOTICE_SOURCE_MAX
        assert notice.notice_doi in ("", "10.9999/r.1")


def test_check_retractions_skips_a_study_that_fails_and_checks_every_later_one(
    crossref, claim, monkeypatch
):
    bad, good = "10.9999/aaa.bad", "10.9999/retracted.2021.1"
    crossref.works[bad] = answer(GOOD)
    make_evidence(claim, make_study(doi=bad, is_example=False))
    make_evidence(claim, make_study(doi=good, is_example=False))
    original = retractions.record_notices

    def record(*, study, notices):
        if study.doi == bad:
            raise ValueError("a record the database refused")
        return original(study=study, notices=notices)

    monkeypatch.setattr(retractions, "record_notices", record)
    out, err = run("check_retractions", bad, good)
    assert "skipped: ValueError: a record the database refused" in err
    assert Study.objects.get(doi=good).retracted
    assert "Checked 1 of 2 studies." in out


@pytest.mark.parametrize("case", MALFORMED)
def test_refresh_studies_fills_what_fits_of_a_malformed_answer(crossref, db, case):
    crossref.works[DOI] = answer(MALFORMED[case])
    make_study(doi=DOI, journal="", volume="", is_example=False)
    out, _ = run("refresh_studies", DOI)
    assert "Filled in 1 of 1 studies." in out
    study = Study.objects.get(doi=DOI)
    assert study.journal == "J Good" and len(study.volume) <= SHORT_MAX


def test_approving_a_submission_whose_record_is_malformed_publishes_it(
    crossref, editor_client, member, claim
):
    crossref.works[DOI] = answer(MALFORMED["a 5,000-character volume"])
    submission = make_submission(claim, member, doi=DOI)
    prefix = f"approve-{submission.pk}-"
    data = {"title": "A trial", "authors": "Doe J", "year": "2021", "design": "rct"}
    response = editor_client.post(
        f"/moderation/{submission.pk}/approve/", {prefix + k: v for k, v in data.items()}
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == "approved"
    assert len(Study.objects.get(doi=DOI).volume) <= SHORT_MAX
