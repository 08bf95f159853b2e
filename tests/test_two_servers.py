"""Two production servers on one PostgreSQL database, each with its own in-process cache."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection

from evidence.choices import Stance
from tests.conftest import require
from tests.factories import make_claim, make_evidence, make_study, publish
from tests.serving.servers import (
    csrf_of,
    fetch,
    production_env,
    running_server,
    signed_in_opener,
)


def database_url() -> str:
    """The URL of the database this test writes to (pytest-django's test database)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_servers_serve_a_new_version_on_their_next_request_after_either_publishes():
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "two servers share one database only on PostgreSQL")
    editor = User.objects.create_user("edith", is_staff=True)
    # The servers hash as production does, not with the suite's fast test hasher.
    editor.password = make_password("editor-pass-123", hasher="pbkdf2_sha256")
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    claim = make_claim(statement="Two servers agree on this claim.")
    make_evidence(claim, make_study(title="The first trial"), stance=Stance.SUPPORTS)
    publish(claim, note="First.")
    page = f"/claims/{claim.slug}/"

    env = production_env(database_url())
    with running_server(env) as a, running_server(env) as b:
        for server in (a, b):  # each now holds v1 in its own cache
            assert "Analysis v1" in fetch(server + page).text
            assert "Analysis v1" in fetch(server + page).text

        # An editor publishes v2 through server A's admin.
        make_evidence(claim, make_study(title="A second trial"), stance=Stance.SUPPORTS)
        admin = signed_in_opener(a, "edith", "editor-pass-123")
        publish_url = f"{a}/admin/claims/claim/{claim.pk}/publish/"
        form = fetch(publish_url, opener=admin)
        reply = fetch(
            publish_url,
            opener=admin,
            data={"change_note": "Adds a second trial.", "csrfmiddlewaretoken": csrf_of(form)},
            headers={"Referer": publish_url},
        )
        assert reply.status == 302, reply.text

        for server in (b, a):
            html = fetch(server + page).text
            assert "Analysis v2" in html
            assert "A second trial" in html
