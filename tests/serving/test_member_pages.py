"""A member's claim page is kept per published version and follow state, with placeholders
for the member's CSRF token and name (claims/caching.py): what each member is served is what
a render for them alone gives, with a token that works, and nobody else's name or state."""

import os
import re

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client, override_settings

from claims import caching
from claims.models import Follow
from evidence.choices import Stance
from tests.factories import make_evidence, make_study, publish
from tests.serving.test_one_round_trip import redis_reads

KEPT = ["locmem", "redis"]
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def signed_in(username):
    user = User.objects.create_user(username, f"{username}@example.org", "member-pass-123")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return user, client


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def fresh(client, url):
    """The page rendered for this member with nothing cached, not even the analysis part."""
    with override_settings(CACHES=NO_CACHE):
        caching._in_process.clear()
        return client.get(url)


def token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("stamps_in", ["database", *KEPT], indirect=True)
def test_each_member_is_served_their_own_page(claim, django_capture_on_commit_callbacks):
    url = f"/claims/{claim.slug}/"
    ann, ann_client = signed_in("ann<&>")
    bob, bob_client = signed_in("bob")
    with django_capture_on_commit_callbacks(execute=True):
        Follow.objects.create(user=ann, claim=claim)
    for _ in range(2):  # rendered, then kept
        for client, name, state in (
            (ann_client, "ann&lt;&amp;&gt;", "You follow this claim"),
            (bob_client, "bob", "Follow this claim</button>"),
        ):
            served = client.get(url)
            html = served.content.decode()
            assert served.status_code == 200
            assert f'<span class="visually-hidden">{name}</span>' in html
            assert state in html
            assert without_tokens(html) == without_tokens(fresh(client, url).content.decode())
            assert "private" in served["Cache-Control"]
            assert "Cookie" in served["Vary"]
    assert "bob" not in ann_client.get(url).content.decode().split("<main")[0]


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_kept_members_page_costs_one_query_and_carries_a_token_that_works(
    claim, calls, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = f"/claims/{claim.slug}/"
    _, client = signed_in("cleo")
    client.get(url)
    caching._in_process.clear()  # as another server: the page from the shared cache
    with django_assert_num_queries(1):  # the user; the session, stamps and page are cached
        first = client.get(url)
    calls.clear()
    with django_assert_num_queries(1):
        second = client.get(url)
    # The session, then the stamps with what the member follows: two round trips.
    assert [name for name, _ in calls] == ["get", "get_many"]
    tokens = {token(first.content.decode()), token(second.content.decode())}
    assert len(tokens) == 2, "each page carries a freshly masked token"
    with django_capture_on_commit_callbacks(execute=True):
        followed = client.post(
            f"/claims/{claim.slug}/follow/", {"csrfmiddlewaretoken": tokens.pop()}, follow=True
        )
    assert followed.status_code == 200
    assert "You follow this claim" in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", ["redis"], indirect=True)
def test_a_kept_members_page_asks_redis_for_the_session_alone(
    claim, django_capture_on_commit_callbacks
):
    """What the member follows is copied in the process with the stamps, and Redis tells it of
    each follow (claimsite/mirror.py): one Redis read a page, the session's."""
    url = f"/claims/{claim.slug}/"
    _, client = signed_in("fay")
    client.get(url)
    client.get(url)
    other = redis.Redis.from_url(os.environ["REDIS_URL"])
    before = redis_reads(other)
    for _ in range(3):
        assert "Follow this claim</button>" in client.get(url).content.decode()
    after = redis_reads(other)
    assert (after["get"] - before["get"], after["mget"] - before["mget"]) == (3, 0)
    html = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/claims/{claim.slug}/follow/", {"csrfmiddlewaretoken": token(html)})
    assert "You follow this claim" in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_member_sees_a_new_version_at_once(claim, django_capture_on_commit_callbacks):
    url = f"/claims/{claim.slug}/"
    _, client = signed_in("dan")
    assert "A trial just added" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_evidence(claim, make_study(title="A trial just added"), stance=Stance.CONTRADICTS)
        publish(claim, note="Second.")
    assert "A trial just added" in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_member_with_a_message_waiting_gets_it_on_the_page(
    claim, django_capture_on_commit_callbacks
):
    url = f"/claims/{claim.slug}/"
    _, client = signed_in("eve")
    page = client.get(url).content.decode()
    client.get(url)  # kept
    # Following without JavaScript: the answer is the claim page, with a message saying so.
    with django_capture_on_commit_callbacks(execute=True):
        followed = client.post(
            f"/claims/{claim.slug}/follow/", {"csrfmiddlewaretoken": token(page)}, follow=True
        )
    html = followed.content.decode()
    assert 'class="message message--success"' in html
    assert "You follow this claim" in html
    # Shown once: the next view is the kept page again, without it.
    assert 'class="message' not in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_an_editor_gets_the_page_rendered_for_them(claim, editor_client):
    url = f"/claims/{claim.slug}/"
    make_evidence(claim, make_study(title="Not published yet"))
    html = editor_client.get(url).content.decode()
    assert "Unpublished changes since v1" in html
    assert 'href="/admin/"' in html
