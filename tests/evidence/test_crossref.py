"""The Crossref client against a real local HTTP server serving recorded answers."""

from datetime import date

import pytest
from django.core.cache import cache

from evidence import crossref as client
from evidence.crossref import Found, Malformed, NotFound, Unreachable
from tests.fake_crossref import FakeCrossref

REFERENCE_DOI = "10.1080/02640414.2024.2321021"


def test_it_maps_the_reference_study_to_its_facts(crossref):
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Found)
    work = result.work
    assert work.title.startswith("Similar muscle hypertrophy following eight weeks")
    assert work.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert work.journal == "Journal of Sports Sciences"
    assert (work.year, work.volume, work.issue, work.pages) == (2024, "42", "1", "85-101")
    assert work.type == "journal-article"
    assert work.notices == ()


def test_it_names_the_site_and_asks_for_the_polite_pool_when_a_mailto_is_set(crossref, settings):
    settings.CROSSREF_MAILTO = "editors@example.org"
    client.lookup(REFERENCE_DOI)
    path, headers = crossref.requests[0]
    assert path == "/works/10.1080%2F02640414.2024.2321021?mailto=editors%40example.org"
    assert headers["User-Agent"].startswith("EvidenceClaims/")
    assert "mailto:editors@example.org" in headers["User-Agent"]


def test_it_leaves_mailto_out_when_none_is_set(crossref, settings):
    settings.CROSSREF_MAILTO = ""
    client.lookup(REFERENCE_DOI)
    assert "mailto" not in crossref.requests[0][0]


def test_it_strips_markup_from_titles_and_makes_initials_from_given_names(crossref):
    work = client.lookup("10.9999/retracted.2021.1").work
    assert work.title == "Fasted aerobic training & fat oxidation in trained men"
    assert work.authors == "Kowalski AL, Okafor J"
    assert work.year == 2021


def test_it_keeps_an_organisation_as_an_author_and_falls_back_to_the_print_date(crossref):
    work = client.lookup("10.9999/concern.2020.5").work
    assert work.authors == "Raman P, The Sprint Consortium"
    assert work.year == 2020


def test_it_reads_notices_from_updated_by_once_each(crossref):
    work = client.lookup("10.9999/retracted.2021.1").work
    kinds = [(n.kind, n.doi, n.date) for n in work.notices]
    # Retraction Watch and the publisher record the same retraction: listed once.
    assert kinds == [
        ("retraction", "10.9999/retraction.2023.7", date(2023, 11, 2)),
        ("correction", "10.9999/correction.2022.2", date(2022, 1, 20)),
    ]
    assert work.notices[0].source == "retraction-watch"


def test_it_asks_for_notices_pointing_at_a_work_without_updated_by(crossref):
    work = client.lookup("10.9999/quietly.retracted").work
    assert [(n.kind, n.doi, n.date) for n in work.notices] == [
        ("withdrawal", "10.9999/notice.2025.3", date(2025, 4, 30))
    ]
    assert "/works?filter=updates%3A10.9999%2Fquietly.retracted&rows=20" in [
        path for path, _ in crossref.requests
    ]


def test_it_answers_not_found_for_an_unknown_doi_without_retrying(crossref):
    result = client.lookup("10.9999/nobody.knows")
    assert isinstance(result, NotFound)
    assert result.message == "Crossref does not know this DOI."
    assert len(crossref.requests) == 1


def test_it_caches_a_found_work_and_a_not_found_doi(crossref):
    client.lookup(REFERENCE_DOI)
    client.lookup(REFERENCE_DOI)
    client.lookup("10.9999/nobody.knows")
    client.lookup("10.9999/nobody.knows")
    assert crossref.work_requests() == [
        "/works/10.1080%2F02640414.2024.2321021",
        "/works/10.9999%2Fnobody.knows",
    ]


def test_it_gives_up_on_a_server_that_hangs_after_one_retry(crossref):
    crossref.mode = "hang"
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Unreachable)
    assert "no answer within 0.3 seconds" in result.message
    assert len(crossref.requests) == 2


def test_it_reports_a_server_error_after_one_retry_and_rests_for_a_minute(crossref):
    crossref.mode = "500"
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Unreachable)
    assert result.message == "Crossref could not be reached (it answered HTTP 500)."
    assert len(crossref.requests) == 2
    crossref.mode = "ok"
    # Pages do not wait on a Crossref that just failed them…
    assert isinstance(client.lookup("10.9999/concern.2020.5"), Unreachable)
    assert len(crossref.requests) == 2
    # …and ask again once the minute is over (the failure itself was never cached).
    cache.delete(client.DOWN_KEY)
    assert isinstance(client.lookup(REFERENCE_DOI), Found)


def test_it_calls_an_html_page_a_malformed_answer(crossref):
    crossref.mode = "html"
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Malformed)
    assert "not JSON" in result.message
    assert len(crossref.requests) == 1


def test_it_calls_a_record_that_is_not_a_work_malformed(crossref):
    assert isinstance(client.lookup("10.9999/broken.record"), Malformed)


def test_it_reports_a_closed_port_as_unreachable():
    # The default in tests: nothing listens, so nothing leaves the machine.
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Unreachable)
    assert result.message.startswith("Crossref could not be reached")


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ([{"given": "Jean-Paul", "family": "Sartre"}], "Sartre JP"),
        ([{"given": "D. Lee", "family": "Hamilton"}], "Hamilton DL"),
        ([{"family": "Plato"}], "Plato"),
        ([], ""),
    ],
)
def test_it_formats_authors_in_vancouver_style(authors, expected):
    assert client.format_authors(authors) == expected


def test_it_follows_no_redirect_to_another_host_and_shows_nothing_it_sent(settings):
    with FakeCrossref() as ours, FakeCrossref() as elsewhere:
        settings.CROSSREF_API_URL = ours.url
        ours.mode, ours.redirect_to = "redirect", elsewhere.url
        elsewhere.works[REFERENCE_DOI] = (
            b'{"status":"ok","message":{"title":["<b>Phishing</b>: sign in at evil.example"]}}'
        )
        result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Unreachable)
    assert result.message == "Crossref could not be reached (it redirected to another host)."
    assert elsewhere.requests == []
    assert len(ours.requests) == 1  # refused at once: asking again would be redirected again


def test_it_follows_a_redirect_within_crossrefs_own_host(crossref):
    crossref.mode, crossref.redirect_to = "redirect", crossref.url
    result = client.lookup(REFERENCE_DOI)
    assert isinstance(result, Found)
    assert len(crossref.work_requests()) == 2


def test_lookups_past_the_limit_per_key_are_not_asked_and_cached_ones_are_free(crossref, settings):
    settings.CROSSREF_LOOKUPS_PER_MINUTE = 2
    keys = ("member:1", "address:192.0.2.1")
    first = client.lookup(REFERENCE_DOI, limit_keys=keys)
    second = client.lookup("10.9999/unknown.1", limit_keys=keys)
    third = client.lookup("10.9999/unknown.2", limit_keys=keys)
    again = client.lookup(REFERENCE_DOI, limit_keys=keys)
    assert (type(first), type(second), type(third), type(again)) == (
        Found,
        NotFound,
        client.Limited,
        Found,
    )
    assert "wait a minute" in third.message
    other_member = client.lookup("10.9999/unknown.3", limit_keys=("member:2", "address:192.0.2.1"))
    assert isinstance(other_member, client.Limited)  # the address is spent too
    assert isinstance(client.lookup("10.9999/unknown.4", limit_keys=("member:3", None)), NotFound)
