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
