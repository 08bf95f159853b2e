"""Mutated recorded Crossref answers through every path that asks Crossref: never a 5xx, never
an aborted run, nothing stored that does not fit its column.

The recorded answers in tests/data/crossref/ are mutated with a fixed seed (values replaced by
wrong types, huge numbers, long, control and invisible text; keys removed; bodies cut short)
and served by the local fake Crossref, one DOI per mutation, so the real client runs over
HTTP for each.
"""

import copy
import json
import logging
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.crossref import Found, lookup
from evidence.crossref_schema import SHORT_MAX, TITLE_MAX
from evidence.models import Notice, Study, Submission
from tests.factories import make_evidence, make_published_claim, make_study
from tests.test_admin import study_form

SEED = 16
MUTATIONS = 240
RECORDED = Path(__file__).resolve().parent.parent / "data" / "crossref"
# A recorded work without notices, so the client also asks for the list of updates.
NO_NOTICES = (RECORDED / "works" / "10.1080_02640414.2024.2321021.json").read_bytes()

HOSTILE_VALUES = [
    None,
    "",
    0,
    -1,
    10**20,
    -(10**20),
    3.5,
    True,
    [],
    {},
    [[]],
    [None],
    ["2021", "x"],
    [["2021", "x"]],
    {"date-parts": "2021"},
    {"date-parts": [[10**12, 1, 1]]},
    {"date-parts": [[2021, 13, 40]]},
    {"date-parts": [["x"]]},
    "x" * 5000,
    "\x00",
    "a\ud800b",
    "<script>alert(1)</script>",
    "10.1234/x\u200b\u202e",
    "s" * 154,
    [{"a": 1}],
    list(range(600)),
    {"DOI": None, "type": None},
    [{"type": "retraction"}],
    [{"type": "retraction", "DOI": "10.9999/n.1", "source": "r" * 300, "updated": "2021"}],
]


def recorded_answers():
    answers = []
    for folder in ("works", "updates"):
        for file in sorted((RECORDED / folder).glob("*.json")):
            answers.append((folder, json.loads(file.read_text())))
    return answers


def positions(node, path=()):
    """Every (container, key) in a JSON tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from positions(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield node, index
            yield from positions(value, (*path, index))


def mutate(data, rng) -> bytes:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        spots = list(positions(data))
        container, key = rng.choice(spots)
        operation = rng.random()
        if operation < 0.7:
            container[key] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
        elif operation < 0.85 and isinstance(container, dict):
            del container[key]
        else:
            data["message"] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
    body = json.dumps(data).encode()
    if rng.random() < 0.05:
        body = body[: rng.randint(0, len(body))]  # cut short
    return body


def mutations():
    rng = random.Random(SEED)
    answers = recorded_answers()
    for number in range(MUTATIONS):
        folder, data = rng.choice(answers)
        yield number, folder, mutate(data, rng)


def serve(fake, doi, folder, body):
    if folder == "works":
        fake.works[doi] = body
    else:
        fake.works[doi] = NO_NOTICES
        fake.updates[doi] = body


@pytest.fixture
def no_errors_logged(caplog):
    """Fail when the client's last-resort handler, rather than the schema, caught something."""
    caplog.set_level(logging.ERROR, logger="evidence.crossref")
    yield
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_mutations_are_many_and_varied():
    bodies = {body for _, _, body in mutations()}
    assert len(bodies) > MUTATIONS * 0.9


def test_no_mutated_answer_makes_a_lookup_raise_or_return_what_does_not_fit(
    crossref, db, no_errors_logged
):
    found = 0
    for number, folder, body in mutations():
        doi = f"10.9999/fuzz.{number}"
        serve(crossref, doi, folder, body)
        result = lookup(doi)
        if isinstance(result, Found):
            found += 1
            work = result.work
            assert len(work.title) <= TITLE_MAX and len(work.pages) <= SHORT_MAX
            assert work.year is None or 1600 <= work.year <= 2100
            for text in (work.title, work.authors, work.journal, work.volume):
                assert "\x00" not in text and "\ud800" not in text
            for notice in work.notices:
                Notice(kind="retraction", notice_doi=notice.doi, source=notice.source).full_clean(
                    exclude=["study", "kind"]
                )
        else:
            assert result.message  # a fixed sentence, never the body
            assert "<script>" not in result.message
    assert found > MUTATIONS / 3  # most mutations leave a work to read


@pytest.fixture
def claim(db):
    return make_published_claim(slug="caffeine")


def test_member_lookups_and_submissions_survive_every_mutated_answer(
    crossref, member_client, claim, settings, no_errors_logged
):
    settings.CROSSREF_LOOKUPS_PER_MINUTE = 10_000
    settings.SUBMISSIONS_MAX_PENDING = settings.SUBMISSIONS_MAX_PER_DAY = 10_000
    failures = []
    for number, folder, body in mutations():
        doi = f"10.9999/fuzz.member.{number}"
        serve(crossref, doi, folder, body)
        facts = member_client.get("/claims/caffeine/evidence/new/study-facts/", {"doi": doi})
        form = {"doi": doi, "stance": "supports", "note": "Read it.", "design": "rct"}
        submitted = member_client.post("/claims/caffeine/evidence/new/", form)
        for response in (facts, submitted):
            if response.status_code >= 500:
                failures.append(f"{number}: {response.status_code}")
    assert failures == []


def test_moderation_and_the_admin_survive_every_mutated_answer(
    crossref, editor_client, member, claim, no_errors_logged
):
    failures = []
    for number, folder, body in mutations():
        doi = f"10.9999/fuzz.editor.{number}"
        serve(crossref, doi, folder, body)
        waiting = Submission.objects.create(
            claim=claim, submitter=member, doi=doi, stance="supports", note="n", design="rct"
        )
        responses = [editor_client.get("/moderation/")]
        waiting.delete()
        if number % 3 == 0:  # the admin's pages are slow to render: a third of the answers
            form = study_form(doi=doi, title="", authors="", journal="", year="")
            add = "/admin/evidence/study/add/"
            responses.append(editor_client.post(add, {**form, "_fetch_crossref": "1"}))
            responses.append(editor_client.post(add, form))
        for response in responses:
            if response.status_code >= 500:
                failures.append(f"{number}: {response.status_code}")
    assert failures == []
    for study in Study.objects.all():
        study.full_clean()


def test_check_retractions_and_refresh_studies_finish_on_every_mutated_answer(
    crossref, claim, no_errors_logged
):
    studies = []
    for number, folder, body in mutations():
        doi = f"10.9999/fuzz.batch.{number}"
        serve(crossref, doi, folder, body)
        study = make_study(doi=doi, journal="", volume="", is_example=False)
        if number % 20 == 0:  # some of them cited, so notices re-grade a published claim
            make_evidence(claim, study)
        studies.append(doi)
    for command in ("check_retractions", "refresh_studies"):
        out = StringIO()
        call_command(command, *[f"--doi={doi}" for doi in studies], stdout=out, stderr=StringIO())
        assert f"of {MUTATIONS} studies." in out.getvalue()
    for study in Study.objects.all():
        study.full_clean()
    for notice in Notice.objects.all():
        notice.full_clean()
