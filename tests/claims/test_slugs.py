"""A claim's address from its statement, in any language: never empty, never taken twice."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from claims.models import Claim
from claims.slugs import slug_from_statement, unique_slug
from tests.test_admin_claim_editing import ADD, claim_data


@pytest.mark.parametrize(
    "statement, slug",
    [
        ("Caffeine helps endurance.", "caffeine-helps-endurance"),
        ("Кофеин улучшает выносливость", "kofein-uluchshaet-vynoslivost"),
        ("Їжак і ґанок", "yizhak-i-ganok"),
        ("Η καφεΐνη βοηθά", "i-kafeini-voitha"),
        ("Café au lait", "cafe-au-lait"),
        ("咖啡因有助于耐力", "claim"),
        ("???", "claim"),
        ("", "claim"),
        ("\u200b\u202e", "claim"),
    ],
)
def test_every_statement_gives_a_slug_that_is_never_empty(statement, slug):
    assert slug_from_statement(statement) == slug


def test_a_taken_slug_is_numbered_within_the_limit():
    taken = {"claim", "claim-2", "a" * 60}
    assert unique_slug("claim", taken.__contains__) == "claim-3"
    assert unique_slug("a" * 60, taken.__contains__) == "a" * 58 + "-2"
    assert unique_slug("free", taken.__contains__) == "free"


def test_an_editor_adds_non_latin_claims_and_every_editor_page_works(editor_client):
    for statement in ("Кофеин улучшает выносливость", "咖啡因有助于耐力", "？？？", "???"):
        response = editor_client.post(ADD, claim_data(statement=statement))
        assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Claim.objects.values_list("slug", flat=True)) == [
        "claim",
        "claim-2",
        "claim-3",
        "kofein-uluchshaet-vynoslivost",
    ]
    assert editor_client.get("/editors/").status_code == 200
    for claim in Claim.objects.all():
        assert editor_client.get(f"/admin/claims/claim/{claim.pk}/change/").status_code == 200
        assert editor_client.get(f"/admin/claims/claim/{claim.pk}/publish/").status_code == 200
        assert editor_client.get(f"/claims/{claim.slug}/preview/").status_code == 200


def test_a_claim_saved_in_code_without_a_slug_gets_one_and_the_database_refuses_an_empty_one(db):
    first = Claim.objects.create(statement="咖啡因", claim_type="causal")
    second = Claim.objects.create(statement="咖啡因", claim_type="causal")
    assert (first.slug, second.slug) == ("claim", "claim-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=first.pk).update(slug="")


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_claims_saved_with_an_empty_slug_one():
    before, after = (
        [("claims", "0013_following")],
        [("claims", "0014_claim_slug_never_empty")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("claims", "Claim")
    old.objects.create(statement="Already here", slug="claim", claim_type="causal")
    old.objects.create(statement="咖啡因", slug="", claim_type="causal")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert Claim.objects.get(statement="咖啡因").slug == "claim-2"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
