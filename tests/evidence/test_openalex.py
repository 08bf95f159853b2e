"""The OpenAlex client against the local fake OpenAlex: typed results, never an exception."""

from datetime import date

import pytest

from evidence import openalex as client


def test_it_finds_a_work_by_doi_with_its_facts(openalex):
    result = client.work_by_doi("10.1080/02640414.2024.2321021")
    assert isinstance(result, client.Found)
    work = result.work
    assert work.openalex_id == "W4392000001"
    assert work.doi == "10.1080/02640414.2024.2321021"
    assert work.authors == "Refalo MC, Helms ER"
    assert work.year == 2024
    assert work.journal == "Journal of Sports Sciences"


def test_an_unknown_doi_is_not_found(openalex):
    assert isinstance(client.work_by_doi("10.5555/unknown"), client.NotFound)


def test_it_sends_a_user_agent_and_the_polite_pool_address(openalex, settings):
    settings.OPENALEX_MAILTO = "editors@example.org"
    client.work_by_doi("10.5555/study.two")
    path, headers = openalex.requests[-1]
    assert "mailto=editors%40example.org" in path
    assert headers["User-Agent"].startswith("EvidenceClaims/1.0")
    assert "mailto:editors@example.org" in headers["User-Agent"]


def test_citing_works_follow_the_cursor_pages_and_skip_a_malformed_work(openalex, caplog):
    result = client.citing_works(["W4392000001", "W4392000002"], since=date(2026, 1, 1))
    assert isinstance(result, client.Works)
    assert [w.doi for w in result.works] == [
        "10.7777/meta.2026.1",
        "10.7777/trial.2026.2",
        "10.9999/retracted.2021.1",
        "10.7777/cohort.2026.5",
    ]
    assert result.skipped == 1
    assert "skipped a malformed work" in caplog.text
    first = openalex.paths()[0]
    assert "cites%3AW4392000001%7CW4392000002" in first
    assert "from_publication_date%3A2026-01-01" in first
    assert any("cursor=page2" in path for path in openalex.paths())


def test_the_cap_stops_the_paging(openalex):
    result = client.citing_works(["W4392000001"], limit=2)
    assert len(result.works) == 2
    assert result.capped
    assert len(openalex.requests) == 1


def test_it_rebuilds_the_abstract_from_the_inverted_index(openalex):
    result = client.citing_works(["W4392000001"])
    trial = next(w for w in result.works if w.doi == "10.7777/trial.2026.2")
    assert trial.abstract.startswith("Forty untrained adults trained one leg to failure")
    assert trial.references == {"W4392000001"}


def test_a_search_finds_matching_works(openalex):
    result = client.matching_works("proximity to failure quadriceps")
    assert [w.doi for w in result.works] == ["10.7777/trial.2026.2", "10.7777/search.2026.6"]
    assert "search=proximity+to+failure+quadriceps" in openalex.paths()[0]


@pytest.mark.parametrize(
    ("mode", "outcome"),
    [
        ("hang", client.Unreachable),
        ("500", client.Unreachable),
        ("redirect", client.Unreachable),
        ("html", client.Malformed),
        ("malformed", client.Malformed),
    ],
)
def test_a_bad_answer_is_a_result_not_an_exception(openalex, mode, outcome):
    openalex.mode = mode
    assert isinstance(client.citing_works(["W4392000001"]), outcome)


def test_it_retries_once_when_there_is_no_answer(openalex):
    openalex.mode = "500"
    result = client.work_by_doi("10.5555/study.two")
    assert isinstance(result, client.Unreachable)
    assert "HTTP 500" in result.message
    assert len(openalex.requests) == 2


def test_a_redirect_to_another_host_is_not_followed(openalex):
    openalex.mode = "redirect"
    result = client.work_by_doi("10.5555/study.two")
    assert isinstance(result, client.Unreachable)
    assert "another host" in result.message


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ({"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1234/a", "title": "T"}, True),
        ({"id": "https://openalex.org/W1", "doi": None, "title": "T"}, False),
        ({"id": "https://openalex.org/W1", "doi": "not a doi", "title": "T"}, False),
        ({"id": None, "doi": "https://doi.org/10.1234/a", "title": "T"}, False),
        ({"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1234/a", "title": ""}, False),
        ("a string", False),
        (
            {
                "id": "W1",
                "doi": "10.1234/a",
                "title": "T",
                "authorships": "x",
                "publication_year": "x",
            },
            True,
        ),
    ],
)
def test_the_parse_keeps_only_works_it_can_read(item, kept):
    assert (client.parse_work(item) is not None) is kept
