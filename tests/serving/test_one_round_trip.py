"""A reader's cache hit costs one round trip to the shared cache (claims/caching.py): the
page is asked for in the same request as the stamps, and a page this process served last is
kept in its memory and served again while the stamp it was rendered for is current."""

import ast
import os
import subprocess
import sys

import pytest
import redis
from django.test import Client

from claims import caching
from evidence.choices import Stance
from tests.factories import make_evidence, make_study, publish

KEPT = ["locmem", "redis"]


def page_keys(keys):
    return [key for key in (keys if isinstance(keys, list) else [keys]) if "page:" in str(key)]


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_another_process_serves_the_shared_page_with_one_round_trip(
    claim, calls, django_assert_num_queries
):
    url = f"/claims/{claim.slug}/"
    first = Client().get(url)
    # As another server (or worker) would find it: the page in the shared cache only.
    caching._in_process.clear()
    calls.clear()
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.content == first.content
    assert len(calls) == 1
    name, keys = calls[0]
    assert name == "get_many"
    assert len(page_keys(keys)) == 1, "the page is asked for with the stamps"


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_page_this_process_served_is_served_from_its_memory(claim, calls):
    url = f"/claims/{claim.slug}/"
    first = Client().get(url)
    calls.clear()
    second = Client().get(url)
    assert second.content == first.content
    # The stamps alone cross to the shared cache; the page does not.
    assert [(name, page_keys(keys)) for name, keys in calls] == [("get_many", [])]


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_page_kept_in_memory_is_not_served_once_a_new_version_is_published(
    claim, django_capture_on_commit_callbacks
):
    url = f"/claims/{claim.slug}/"
    assert "A trial just added" not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_evidence(claim, make_study(title="A trial just added"), stance=Stance.SUPPORTS)
        publish(claim, note="Second.")
    assert "A trial just added" in Client().get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_page_kept_in_memory_counts_only_in_the_epoch_it_was_kept_in(claim):
    """A restore (or the shared cache emptied) starts a new epoch: what a process kept from
    before is not served, even for a stamp that reads the same."""
    url = f"/claims/{claim.slug}/"
    real = Client().get(url).content
    [(key, (version, content, size))] = caching._in_process._pages.items()
    caching._in_process.put(key, version, b"what this process kept before", 29)
    assert Client().get(url).content == b"what this process kept before"
    caching.forget_stamps()
    caching._forget()  # as once the restore's transaction commits
    assert Client().get(url).content == real


@pytest.mark.parametrize("stamps_in", ["database"], indirect=True)
def test_without_a_shared_cache_of_stamps_no_page_is_kept_in_process_memory(claim):
    # Nothing would tell this process of another's write: the cache alone keeps pages.
    Client().get(f"/claims/{claim.slug}/")
    assert caching._in_process._pages == {}


@pytest.mark.parametrize(
    ("budget", "puts", "kept"),
    [
        # Least recently used goes first once the pages outgrow the budget.
        (120, [("a", 30), ("b", 30), ("c", 30), ("d", 30), ("e", 30)], ["b", "c", "d", "e"]),
        # A page read since it was kept counts as recently used.
        (
            120,
            [("a", 30), ("b", 30), ("c", 30), ("d", 30), ("get", "a"), ("e", 30)],
            ["c", "d", "a", "e"],
        ),
        # The same page kept again replaces its old copy (and its size).
        (120, [("a", 20), ("a", 30), ("b", 30), ("c", 30), ("d", 30)], ["a", "b", "c", "d"]),
        # A page larger than a quarter of the budget is not kept at all.
        (120, [("a", 20), ("big", 31)], ["a"]),
        # No budget, no pages.
        (0, [("a", 1)], []),
    ],
)
def test_pages_in_process_keep_to_their_budget(settings, budget, puts, kept):
    settings.PAGES_IN_PROCESS_BYTES = budget
    pages = caching._InProcessPages()
    for key, size in puts:
        if key == "get":
            assert pages.get(size, "v") is not None
        else:
            pages.put(key, "v", b"x" * size, size)
    assert list(pages._pages) == kept
    assert pages._size == sum(len(pages.get(k, "v")) for k in kept)
    # A copy is served only for the stamp it was kept for.
    assert all(pages.get(k, "another stamp") is None for k in kept)


@pytest.mark.parametrize(
    ("asked", "page"),
    [
        ("2", "2"),
        ("1", ""),  # page 1 is the list without a page number
        ("0", ""),
        ("", ""),
        ("-3", ""),
        ("999999999", "999999999"),
        ("1000000000", ""),
        ("²", ""),  # a digit to str.isdigit(), not to int()
        ("①", ""),
        ("٣", ""),  # an Arabic-Indic three
        ("2 ", ""),
    ],
)
def test_a_page_number_is_read_as_the_list_reads_it(asked, page):
    assert caching.positive_page(asked) == page


def redis_reads(client) -> dict:
    stats = client.info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget")}


@pytest.mark.parametrize("path", ["claim", "/"])
@pytest.mark.parametrize("stamps_in", ["redis"], indirect=True)
def test_a_hit_in_a_process_that_served_the_page_asks_redis_nothing(
    claim, path, django_assert_num_queries
):
    """The stamps are copied in the process, and Redis tells it of each change
    (claimsite/mirror.py): a hit crosses to neither the database nor Redis."""
    url = f"/claims/{claim.slug}/" if path == "claim" else path
    first = Client().get(url)
    assert first.status_code == 200
    Client().get(url)
    other = redis.Redis.from_url(os.environ["REDIS_URL"])
    before = redis_reads(other)
    with django_assert_num_queries(0):
        for _ in range(3):
            assert Client().get(url).content == first.content
    assert redis_reads(other) == before


def test_every_stamp_key_is_under_a_prefix_settings_mirrors():
    # The settings a server reads for CACHE_URL=redis://…, in a process of their own.
    env = {**os.environ, "DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/0"}
    env.pop("CACHE_KEEPS_STAMPS", None)
    env.pop("CACHE_MIRRORS_STAMPS", None)
    code = "from claimsite import settings; print(settings.CACHES['default']['OPTIONS'])"
    options = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    prefixes = tuple(ast.literal_eval(options)["mirror_prefixes"])
    keys = [
        caching._SITE,
        caching._entry_key("claim", "a"),
        caching._entry_key("study", "10.1/x"),
        caching._follows_key(1),
    ]
    assert prefixes and all(key.startswith(prefixes) for key in keys)
