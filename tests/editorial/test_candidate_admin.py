"""The candidate admin shows what the screening decided and lets nobody undo it by deleting."""

import pytest
from django.contrib.auth.models import User

from editorial.models import Candidate, Screening
from tests.factories import make_claim

pytestmark = pytest.mark.django_db


def test_a_superuser_sees_screened_out_candidates_with_their_reason(client):
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    Candidate.objects.create(
        claim=make_claim(),
        doi="10.7777/out.1",
        title="Screened out study",
        found_by="matches the search",
        status=Screening.NOT_RELEVANT,
        reason="off_topic",
    )
    page = client.get("/admin/editorial/candidate/?status=not_relevant").content.decode()
    assert "10.7777/out.1" in page
    assert "Off topic" in page
    candidate = Candidate.objects.get()
    delete = client.get(f"/admin/editorial/candidate/{candidate.pk}/delete/")
    assert delete.status_code == 403
