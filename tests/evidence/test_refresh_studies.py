"""refresh_studies fills missing facts from the local fake Crossref."""

from io import StringIO

from django.core.management import call_command

from evidence.models import Study
from tests.factories import make_study

REFERENCE_DOI = "10.1080/02640414.2024.2321021"


def run(*args):
    out = StringIO()
    call_command("refresh_studies", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_fills_missing_facts_and_keeps_the_editors(crossref, db):
    make_study(doi=REFERENCE_DOI, title="Editor's title", authors="", journal="", volume="")
    out = run()
    study = Study.objects.get(doi=REFERENCE_DOI)
    assert study.title == "Editor's title"
    assert study.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert (study.journal, study.volume, study.issue, study.pages) == (
        "Journal of Sports Sciences",
        "42",
        "1",
        "85-101",
    )
    assert f"[1/1] {REFERENCE_DOI}: filled authors, journal, volume, issue, pages" in out


def test_a_second_run_finds_nothing_to_add(crossref, db):
    make_study(doi=REFERENCE_DOI, authors="")
    run()
    assert "nothing Crossref could add" in run("--doi", REFERENCE_DOI)


def test_it_never_looks_up_example_studies(crossref, db):
    make_study(doi="10.5555/demo.7", authors="", is_example=True)
    assert "Filled in 0 of 0 studies." in run()
    assert crossref.requests == []
