"""Crossref in the browser: a submission filled from its DOI, and a retracted study flagged."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from evidence.models import Submission
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish

pytestmark = pytest.mark.browser

REFERENCE_DOI = "10.1080/02640414.2024.2321021"


def test_a_member_fills_a_submission_from_its_doi(
    live_server, page, crossref, transactional_db, screenshot
):
    claim = make_claim(
        slug="failure-training",
        statement="Training closer to failure builds more muscle in trained lifters.",
    )
    make_evidence(claim)
    publish(claim)
    User.objects.create_user("mia", "mia@example.org", "member-pass-123")
    page.goto(f"{live_server.url}/accounts/login/?next=/claims/{claim.slug}/evidence/new/")
    page.get_by_label("Username").fill("mia")
    page.get_by_label("Password").fill("member-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/claims/{claim.slug}/evidence/new/")

    page.get_by_label("DOI").fill(f"https://doi.org/{REFERENCE_DOI}")
    page.get_by_label("DOI").press("Tab")
    page.get_by_text("Found:").wait_for()
    assert page.get_by_label("Authors").input_value() == (
        "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    )
    assert page.get_by_label("Title").input_value().startswith("Similar muscle hypertrophy")
    assert page.get_by_label("Journal").input_value() == "Journal of Sports Sciences"
    assert page.get_by_label("Year").input_value() == "2024"
    page.get_by_label("Supports").check()
    page.get_by_label("Note").fill("Similar growth whether sets ended at failure or not.")
    page.get_by_label("Study design").select_option("rct")
    page.get_by_label("Sample size").fill("18")
    screenshot(page, "crossref-submission-found")

    page.get_by_role("button", name="Submit evidence").click()
    page.get_by_text("Your submission is pending review").wait_for()
    submission = Submission.objects.get()
    assert submission.authors == "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    assert submission.journal == "Journal of Sports Sciences"
    assert page.errors == []


def test_a_retracted_study_is_flagged_on_its_page_and_the_claims(
    live_server, page, crossref, transactional_db, screenshot
):
    study = make_study(
        doi="10.9999/retracted.2021.1",
        title="Fasted aerobic training and fat oxidation in trained men",
        authors="Kowalski AL, Okafor J",
        journal="Journal of Retracted Results",
        year=2021,
    )
    claim = make_claim(slug="fasted-cardio", statement="Fasted cardio burns more body fat.")
    make_evidence(claim, study)
    make_evidence(claim, make_study(title="A cohort of fasted runners", design="cohort"))
    make_mechanism(claim, steps=2, cite=[study])
    publish(claim)
    call_command("check_retractions", stdout=StringIO())

    page.goto(f"{live_server.url}{study.get_absolute_url()}")
    banner = page.get_by_role("note").first
    assert banner.inner_text().startswith("Retracted on 2 November 2023.")
    assert (
        page.get_by_role("link", name="Read the retraction notice").get_attribute("href")
        == "https://doi.org/10.9999/retraction.2023.7"
    )
    screenshot(page, "crossref-retracted-study")

    page.goto(f"{live_server.url}/claims/{claim.slug}/")
    card = page.locator(".study-card--retracted")
    assert card.get_by_text("Retracted 2 November 2023 — counts 0").is_visible()
    assert page.locator(".citations").first.get_by_text("Retracted 2 November 2023").is_visible()
    screenshot(page, "crossref-retracted-claim")
    assert page.errors == []


def test_an_editor_fetches_a_studys_facts_from_its_doi(
    live_server, page, crossref, transactional_db, screenshot
):
    from django.contrib.auth.models import Group

    editor = User.objects.create_user("edith", "edith@example.org", "editor-pass-123")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/evidence/study/add/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/evidence/study/add/")

    page.get_by_label("DOI").fill(REFERENCE_DOI)
    page.get_by_label("Sample size").fill("18")
    page.get_by_role("button", name="Fetch from DOI").click()
    page.get_by_text("Filled in from Crossref: check the facts, then save.").wait_for()
    assert page.get_by_label("Authors").input_value() == (
        "Refalo MC, Helms ER, Robinson ZP, Hamilton DL, Fyfe JJ"
    )
    assert page.get_by_label("Sample size").input_value() == "18"
    screenshot(page, "crossref-admin-fetch")
    page.get_by_label("Design:", exact=True).select_option("rct")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was added successfully").wait_for()
    assert missing == []
