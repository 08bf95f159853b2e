import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.management import call_command

from claimsite.editors import is_editor
from tests.factories import make_claim

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


def make_user(name, **fields):
    return User.objects.create_user(name, f"{name}@example.org", "pass-12345", **fields)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("editor", True),
        ("superuser", True),
        ("member", False),
        ("staff outside the group", False),
        ("inactive editor", False),
        ("anonymous", False),
    ],
)
def test_is_editor_answers_for_every_kind_of_user(db, editor, who, expected):
    users = {
        "editor": lambda: editor,
        "superuser": lambda: User.objects.create_superuser("root", "root@example.org", "x"),
        "member": lambda: make_user("mia"),
        "staff outside the group": lambda: make_user("sam", is_staff=True),
        "inactive editor": lambda: _deactivated(editor),
        "anonymous": AnonymousUser,
    }
    assert is_editor(users[who]()) is expected


def _deactivated(user):
    user.is_active = False
    user.save()
    return User.objects.get(pk=user.pk)


def test_only_editors_see_the_admin_and_moderation_links(client, editor):
    admin_link = '<a href="/admin/">Admin</a>'
    client.force_login(make_user("sam", is_staff=True))
    page = client.get("/").content.decode()
    assert admin_link not in page and "/moderation/" not in page
    client.force_login(editor)
    page = client.get("/").content.decode()
    assert admin_link in page and "/moderation/" in page


def test_staff_outside_the_editors_group_reach_no_editor_page(client, db):
    draft = make_claim(slug="draft-claim")
    client.force_login(make_user("sam", is_staff=True))
    assert client.get("/moderation/").status_code == 403
    assert client.get(f"/claims/{draft.slug}/preview/").status_code == 403
    assert client.get(f"/claims/{draft.slug}/").status_code == 404
