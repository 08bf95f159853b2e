"""A cache hit asks the database nothing (claims/caching.py): the stamps that key cached
pages are kept in a shared cache, written again once each write commits, and read from the
database whenever the cache does not have them (evicted, expired, or from before a restore)."""

import io
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from claims import caching
from claims.models import Claim, Topic
from editorial import literature
from evidence.choices import Stance
from evidence.models import Notice, Study
from tests.factories import make_claim, make_evidence, make_study, publish

KEPT = ["locmem", "redis"]


@pytest.fixture
def claim(db, stamps_in, django_capture_on_commit_callbacks):
    """A published claim in a topic, with two versions and a cited study."""
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(statement="Stamps are kept in the cache.")
        claim.topics.add(Topic.objects.create(name="Strength", slug="strength"))
        make_evidence(claim, make_study(doi="10.5555/stamps.1", title="A kept trial"))
        publish(claim, note="First.")
        make_evidence(claim, make_study(), stance=Stance.CONTRADICTS)
        publish(claim, note="Second.")
    return claim


def reader_urls(claim):
    return {
        "claim": f"/claims/{claim.slug}/",
        "home": "/",
        "topic": "/?topic=strength",
        "study": "/studies/10.5555/stamps.1/",
        "version": f"/claims/{claim.slug}/v/1/",
        "compare": f"/claims/{claim.slug}/compare/1/2/",
        "feed": "/feeds/versions/",
    }


def fresh(url, client=None):
    """The page as it is rendered with nothing cached."""
    cache.clear()
    return (client or Client()).get(url)


def committed(capture, write):
    """Run `write` and then what its transaction runs once it commits."""
    with capture(execute=True):
        write()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
@pytest.mark.parametrize("page", list(reader_urls(Claim(slug="x"))))
def test_a_readers_cache_hit_asks_the_database_nothing(
    client, claim, page, django_assert_num_queries
):
    url = reader_urls(claim)[page]
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert second.content == first.content
    assert not_modified.status_code == 304


@pytest.mark.parametrize("stamps_in", ["database"], indirect=True)
def test_with_a_cache_per_process_a_hit_asks_the_database_for_its_stamp(
    client, claim, django_assert_num_queries
):
    url = reader_urls(claim)["claim"]
    client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_the_health_check_asks_the_database_one_question_and_nothing_else(
    client, claim, django_assert_num_queries
):
    # Its purpose is to find out whether the database answers: that one query is the check.
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_members_claim_page_asks_only_for_the_user(
    member_client, claim, django_assert_num_queries
):
    url = reader_urls(claim)["claim"]
    member_client.get(url)
    # The session comes from the cache (cached_db), the stamps, the page kept for members and
    # the follow state too.
    with django_assert_num_queries(1):
        response = member_client.get(url)
    assert response.status_code == 200
    assert "Follow this claim" in response.content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_publication_is_served_on_the_next_request(
    client, claim, django_capture_on_commit_callbacks
):
    urls = reader_urls(claim)
    before = {page: client.get(url) for page, url in urls.items()}

    def write():
        make_evidence(claim, make_study(title="A trial just added"), stance=Stance.SUPPORTS)
        publish(claim, note="Third.")
        publish(make_claim(statement="A claim published just now."), note="First.")

    committed(django_capture_on_commit_callbacks, write)
    assert "Analysis v3" in client.get(urls["claim"]).content.decode()
    assert "A claim published just now." in client.get(urls["home"]).content.decode()
    assert "v1 of 3" in client.get(urls["version"]).content.decode()
    for page in ("claim", "home", "version", "compare", "study", "feed"):
        url = urls[page]
        served = client.get(url, headers={"if-none-match": before[page]["ETag"]})
        assert served.status_code == 200, page
        assert served.content == fresh(url).content, page


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_literature_check_is_shown_on_the_next_request(
    client, claim, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    url = reader_urls(claim)["claim"]
    assert "Literature not checked yet" in client.get(url).content.decode()

    def write():
        claim.literature_checked_at = timezone.now()
        literature.refresh_status(claim)

    committed(django_capture_on_commit_callbacks, write)
    served = client.get(url)
    assert "Literature checked" in served.content.decode()
    assert served.content == fresh(url).content


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_study_edit_and_a_notice_are_shown_on_the_next_request(
    client, claim, django_capture_on_commit_callbacks
):
    url = reader_urls(claim)["study"]
    client.get(url)
    study = Study.objects.get(doi="10.5555/stamps.1")

    def edit():
        study.title = "A retitled trial"
        study.save()

    committed(django_capture_on_commit_callbacks, edit)
    assert "A retitled trial" in client.get(url).content.decode()

    def notice():
        Notice.objects.create(study=study, kind="correction", notice_doi="10.5555/fix.1")

    committed(django_capture_on_commit_callbacks, notice)
    served = client.get(url)
    assert "10.5555/fix.1" in served.content.decode()
    assert served.content == fresh(url).content


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_new_slug_or_doi_leaves_nothing_served_at_the_old_address(
    client, claim, django_capture_on_commit_callbacks
):
    urls = reader_urls(claim)
    client.get(urls["claim"]), client.get(urls["study"])
    study = Study.objects.get(doi="10.5555/stamps.1")

    def rename():
        claim.slug = "stamps-renamed"
        claim.save()
        study.doi = "10.5555/stamps.renamed"
        study.save()

    committed(django_capture_on_commit_callbacks, rename)
    assert client.get(urls["claim"]).status_code == 404
    assert client.get(urls["study"]).status_code == 404
    assert client.get("/claims/stamps-renamed/").status_code == 200
    assert client.get("/studies/10.5555/stamps.renamed/").status_code == 200


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_following_and_unfollowing_show_on_the_members_next_page(
    member_client, claim, django_capture_on_commit_callbacks
):
    url = reader_urls(claim)["claim"]
    assert "Follow this claim" in member_client.get(url).content.decode()
    committed(django_capture_on_commit_callbacks, lambda: member_client.post(f"{url}follow/"))
    assert "Unfollow" in member_client.get(url).content.decode()
    committed(django_capture_on_commit_callbacks, lambda: member_client.post(f"{url}unfollow/"))
    assert "Unfollow" not in member_client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_nothing_is_rewritten_before_the_write_commits(
    client, claim, django_capture_on_commit_callbacks
):
    url = reader_urls(claim)["claim"]
    client.get(url)
    with django_capture_on_commit_callbacks() as callbacks:
        make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
        publish(claim, note="Third.")
        # Not committed yet: other servers cannot see the version, so neither may its stamp.
        assert "Analysis v2" in client.get(url).content.decode()
    for callback in callbacks:
        callback()
    assert "Analysis v3" in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_a_rolled_back_write_leaves_every_stamp_as_it_was(
    client, claim, django_capture_on_commit_callbacks
):
    url = reader_urls(claim)["claim"]
    before = client.get(url)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
        publish(claim, note="Third, never committed.")
        transaction.set_rollback(True)
    assert callbacks == []
    assert client.get(url).content == before.content


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
@pytest.mark.parametrize("site_kept", [True, False])
def test_a_reader_that_read_before_a_commit_cannot_put_its_older_stamp_back(
    client, claim, site_kept, django_capture_on_commit_callbacks
):
    url = reader_urls(claim)["claim"]
    client.get(url)
    cache.delete(caching._entry_key("claim", claim.slug))
    if not site_kept:
        cache.delete("stamps:site")
    before_commit = caching._claim_row(claim.slug)
    with django_capture_on_commit_callbacks() as callbacks:
        publish_third(claim)

    def slow_read(slug):
        # The reader missed the cache and read the database before the publication
        # committed; the writer's commit callbacks run before the reader gets to the cache.
        for callback in callbacks:
            callback()
        return before_commit

    caching._facts(("claim", claim.slug, slow_read))
    assert "Analysis v3" in client.get(url).content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
@pytest.mark.parametrize("lost", ["the claim's", "the site's", "every"])
def test_a_stamp_the_cache_lost_is_read_from_the_database_and_kept_again(
    client, claim, lost, django_assert_num_queries
):
    url = reader_urls(claim)["claim"]
    served = client.get(url)
    if lost == "the claim's":
        cache.delete(caching._entry_key("claim", claim.slug))
    elif lost == "the site's":
        cache.delete("stamps:site")
    else:
        cache.clear()
    again = client.get(url)
    assert again.content == served.content
    with django_assert_num_queries(0):
        assert client.get(url).content == served.content


@pytest.mark.parametrize("stamps_in", ["locmem"], indirect=True)
def test_a_write_no_writer_knew_of_is_served_at_most_a_stamps_life_late(client, claim, monkeypatch):
    url = reader_urls(claim)["claim"]
    client.get(url)
    # Written past every writer (as a hand-made UPDATE would be): the kept stamp stays.
    Claim.objects.filter(pk=claim.pk).update(literature_waiting=3)
    assert "3 new studies" not in client.get(url).content.decode()
    later = time.time() + caching.STAMP_SECONDS + 1
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    served = client.get(url)
    assert "3 new studies" in served.content.decode()


@pytest.mark.parametrize("stamps_in", KEPT, indirect=True)
def test_stamps_from_before_a_restore_are_not_used_after_it(
    client, claim, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    url = reader_urls(claim)["claim"]
    backup = tmp_path / "site.json"
    call_command("backup", "--format=json", str(backup), stdout=io.StringIO())
    client.get(url)
    committed(django_capture_on_commit_callbacks, lambda: publish_third(claim))
    assert "Analysis v3" in client.get(url).content.decode()
    if connection.vendor == "postgresql":
        # As in the property test: TRUNCATE refuses the test transaction's deferred checks.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    committed(
        django_capture_on_commit_callbacks,
        lambda: call_command("restore", str(backup), "--no-input", stdout=io.StringIO()),
    )
    assert "Analysis v2" in client.get(url).content.decode()


def publish_third(claim):
    make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
    publish(claim, note="Third.")


@pytest.mark.parametrize(
    ("cache_url", "kept"),
    [("locmem://", "False"), ("redis://127.0.0.1:6379/0", "True"), ("dummy://", "False")],
)
def test_stamps_are_kept_in_the_cache_only_when_every_process_shares_it(cache_url, kept):
    env = {**os.environ, "DEBUG": "1", "CACHE_URL": cache_url}
    env.pop("CACHE_KEEPS_STAMPS", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.CACHE_KEEPS_STAMPS)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "claimsite.settings"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == kept, result.stderr
