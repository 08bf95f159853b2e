from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertInHTML

from claims.models import AnalysisVersion
from claims.publishing import working_snapshot
from tests.factories import make_claim, make_evidence, make_study, publish, publisher


def test_the_history_lists_versions_newest_first_with_their_facts(client, db):
    claim = make_claim()
    publish(claim, "First look at the evidence.")
    make_evidence(claim, make_study(sample_size=18))
    publish(claim, "Added the Doe trial.")
    html = client.get(f"/claims/{claim.slug}/history/").content.decode()
    assert html.index("Analysis v2") < html.index("Analysis v1")
    for text in (
        "Added the Doe trial.",
        "First look at the evidence.",
        "by publisher",
        "Moderate Support",
        "Insufficient Evidence",
        "<strong>55</strong> Pro",
        f'href="/claims/{claim.slug}/v/1/"',
        f'href="/claims/{claim.slug}/compare/1/2/"',
        'name="a"',
        'name="b"',
    ):
        assert text in html, text


def test_the_claim_page_badge_links_to_the_history(client, db):
    claim = make_claim()
    publish(claim)
    html = client.get(claim.get_absolute_url()).content.decode()
    assertInHTML(f'<a class="history-link" href="/claims/{claim.slug}/history/">History</a>', html)
    assert "Analysis v1" in html


def test_an_unknown_version_is_404(client, db):
    claim = make_claim()
    publish(claim)
    assert client.get(f"/claims/{claim.slug}/v/2/").status_code == 404


def test_the_history_page_queries_stay_constant_with_100_versions(
    client, db, django_assert_max_num_queries
):
    claim = make_claim()
    publish(claim)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(f"/claims/{claim.slug}/history/").status_code == 200
    by = publisher()
    snapshot = working_snapshot(claim)
    for number in range(2, 101):
        AnalysisVersion.objects.create_next(
            claim=claim,
            snapshot={**snapshot, "pro": number},
            published_by=by,
            change_note=f"Note {number}",
        )
    with django_assert_max_num_queries(len(baseline)):
        html = client.get(f"/claims/{claim.slug}/history/").content.decode()
    assert html.count('class="version-item"') == 100
