import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

EXPECTED = {
    "add_claim",
    "change_claim",
    "publish_claim",
    "view_analysisversion",
    "add_study",
    "change_evidence",
    "moderate_submission",
    "view_submission",
    "change_causalstep",
}


def codenames():
    return set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))


def test_the_editors_group_has_what_editors_need(db):
    assert codenames() >= EXPECTED
    assert (
        not {"change_analysisversion", "delete_analysisversion", "delete_submission"} & codenames()
    )


@pytest.mark.django_db(transaction=True)
def test_the_editors_group_survives_a_database_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert codenames() >= EXPECTED
