from django.core.management import call_command

from claims.models import Claim
from evidence.models import Evidence


def test_the_demo_loads_into_an_empty_database(db):
    call_command("loaddemo", verbosity=0)
    assert Claim.objects.count() >= 6


def test_loading_again_keeps_what_happened_since(db, editor):
    call_command("loaddemo", verbosity=0)
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    evidence = claim.evidence.get()
    evidence.weight_override = 70
    evidence.save()
    call_command("loaddemo", verbosity=0)
    assert Evidence.objects.get(pk=evidence.pk).weight == 70
    assert Claim.objects.get(pk=claim.pk).pro_tally == 70


def test_the_demo_is_listed_and_searchable(client, db):
    call_command("loaddemo", verbosity=0)
    html = client.get("/").content.decode()
    assert html.count('class="claim-card"') == Claim.objects.count()
    html = client.get("/", {"q": "quadriceps failure"}).content.decode()
    assert "quadriceps-proximity-to-failure" in html and "<mark>" in html


def test_rebuilding_the_listings_is_safe_to_repeat(client, db):
    call_command("loaddemo", verbosity=0)
    first = client.get("/", {"q": "muscle"}).content.decode()
    assert first.count('class="claim-card"') >= 2
    call_command("rebuild_listings", verbosity=0)
    assert client.get("/", {"q": "muscle"}).content.decode().count('class="claim-card"') == (
        first.count('class="claim-card"')
    )
