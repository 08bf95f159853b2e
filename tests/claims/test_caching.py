"""Reader pages are rendered once per published version and served from the cache afterwards."""

import io
import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.choices import Stance
from tests.factories import make_claim, make_evidence, make_mechanism, make_study, publish


@pytest.fixture
def claim(db):
    """A published claim with two versions, a cited study and a gold-standard design."""
    from tests.factories import make_gold_standard

    claim = make_claim(statement="Training near failure builds muscle.")
    study = make_study(doi="10.5555/cache.1", title="Cached trial")
    make_evidence(claim, study, stance=Stance.SUPPORTS)
    make_mechanism(claim, steps=2, cite=[study])
    make_gold_standard(claim, description="A decisive trial.")
    publish(claim, note="First.")
    make_evidence(claim, make_study(), stance=Stance.CONTRADICTS)
    publish(claim, note="Second.")
    return claim


def reader_urls(claim):
    return {
        "claim": reverse("claims:detail", args=[claim.slug]),
        "version": reverse("claims:version", args=[claim.slug, 1]),
        "compare": reverse("claims:compare", args=[claim.slug, 1, 2]),
        "study": "/studies/10.5555/cache.1/",
        "home": reverse("claims:list"),
    }


PAGES = ["claim", "version", "compare", "study", "home"]


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return response, len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_reader_gets_the_second_view_of_a_page_from_the_cache_in_one_query(client, claim, page):
    url = reader_urls(claim)[page]
    first, _ = queries(client, url)
    second, count = queries(client, url)
    assert second.status_code == 200
    assert count == 1
    assert second.content == first.content


@pytest.mark.parametrize("page", PAGES)
def test_reader_pages_carry_an_etag_a_date_and_a_lifetime_for_browsers_and_shared_caches(
    client, claim, page
):
    url = reader_urls(claim)[page]
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        assert set(response["Cache-Control"].split(", ")) == {
            "public",
            "max-age=60",
            "s-maxage=60",
            "stale-while-revalidate=300",
        }


@pytest.mark.parametrize("page", PAGES)
def test_reader_pages_vary_on_what_changes_them_and_not_on_cookies(client, claim, page):
    url = reader_urls(claim)[page]
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        assert "Cookie" not in response["Vary"]
        assert "HX-Request" in response["Vary"].split(", ")


@pytest.mark.parametrize("page", PAGES)
def test_a_conditional_request_is_answered_not_modified_in_one_query(
    client, claim, page, django_assert_max_num_queries
):
    url = reader_urls(claim)[page]
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(1):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_page_unchanged_since_the_readers_copy_is_not_sent_again(client, claim):
    url = reader_urls(claim)["claim"]
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304


@pytest.mark.parametrize("page", PAGES)
def test_reader_pages_set_no_cookie(client, claim, page):
    response = client.get(reader_urls(claim)[page])
    assert response.status_code == 200
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "X-CSRFToken" not in response.content.decode()


def test_publishing_serves_the_new_version_on_the_next_request(client, claim):
    url = reader_urls(claim)["claim"]
    before = client.get(url)
    assert "Analysis v2" in before.content.decode()
    make_evidence(claim, make_study(title="A brand new trial"), stance=Stance.SUPPORTS)
    publish(claim, note="Third.")
    after = client.get(url)
    assert "Analysis v3" in after.content.decode()
    assert "A brand new trial" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    # The reader's old copy is no longer current.
    assert client.get(url, headers={"if-none-match": before["ETag"]}).status_code == 200


def test_a_version_page_says_which_version_is_current_after_a_new_one(client, claim):
    url = reader_urls(claim)["version"]
    assert "v1 of 2" in client.get(url).content.decode()
    make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
    publish(claim, note="Third.")
    assert "v1 of 3" in client.get(url).content.decode()


def test_the_study_page_shows_an_edit_of_the_study_on_the_next_request(client, claim):
    from evidence.models import Study

    url = reader_urls(claim)["study"]
    assert "Cached trial" in client.get(url).content.decode()
    study = Study.objects.get(doi="10.5555/cache.1")
    study.retracted = True
    study.save()
    assert "Retracted." in client.get(url).content.decode()


def test_the_list_of_claims_shows_a_newly_published_claim_on_the_next_request(client, claim):
    url = reader_urls(claim)["home"]
    client.get(url)
    publish(make_claim(statement="A claim published just now."))
    assert "A claim published just now." in client.get(url).content.decode()


def test_searches_are_answered_fresh_and_not_cached(client, claim):
    response = client.get(reader_urls(claim)["home"], {"q": "failure"})
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_drafts_page_is_still_not_found_for_readers(client, db):
    draft = make_claim()
    assert client.get(reverse("claims:detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("claims:version", args=[draft.slug, 1])).status_code == 404


@pytest.mark.parametrize("page", ["claim", "version", "compare", "study"])
def test_members_get_private_pages_with_their_own_header(member_client, member, claim, page):
    response = member_client.get(reader_urls(claim)[page])
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "ETag" not in response
    # A shared cache must keep it apart from the readers' page, whatever proxy is in front.
    assert "Cookie" in response["Vary"].split(", ")
    html = response.content.decode()
    assert member.username in html  # the "Log out" button names who is signed in
    assert "X-CSRFToken" in html  # members post forms with htmx


def test_members_share_one_rendering_of_the_analysis(claim, member, editor):
    from django.contrib.auth.models import User

    url = reader_urls(claim)["claim"]
    first = Client()
    first.force_login(member)
    rendered = first.get(url)
    assert "claims/_analysis.html" in [t.name for t in rendered.templates]
    other = Client()
    other.force_login(User.objects.create_user("otto", "otto@example.org", "pass-otto-123"))
    reused = other.get(url)
    assert "claims/_analysis.html" not in [t.name for t in reused.templates]
    html = reused.content.decode()
    # Still a member's page: the gold-standard designs, and otto's own header.
    assert "A decisive trial." in html
    assert "otto" in html and "mia" not in html


def test_readers_and_members_see_their_own_analysis(client, member_client, claim):
    url = reader_urls(claim)["claim"]
    client.get(url)
    assert "A decisive trial." in member_client.get(url).content.decode()
    assert "A decisive trial." not in client.get(url).content.decode()
    assert "Sign up to see full verdict" in client.get(url).content.decode()


def test_editors_still_see_unpublished_changes_on_a_cached_claim(client, editor_client, claim):
    url = reader_urls(claim)["claim"]
    client.get(url)
    make_evidence(claim, make_study(), stance=Stance.SUPPORTS)
    assert "Unpublished changes since v2" in editor_client.get(url).content.decode()
    assert "Unpublished changes" not in client.get(url).content.decode()


def test_a_reader_with_a_message_waiting_gets_a_fresh_page(client, claim):
    url = reader_urls(claim)["claim"]
    client.get(url)
    client.cookies["messages"] = "anything"
    response = client.get(url)
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_template_edited_in_development_makes_new_keys(settings, tmp_path):
    from claims.caching import release

    settings.DEBUG = True
    template = tmp_path / "page.html"
    template.write_text("first look")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    before = release()
    template.write_text("second look")
    os.utime(template, ns=(1, 2))
    assert release() != before


def fresh(client, url, **kwargs):
    """The page as a render with no cache gives it."""
    from django.core.cache import cache

    cache.clear()
    return client.get(url, **kwargs)


def test_the_study_page_shows_a_notice_recorded_after_it_was_cached(client, claim, crossref):
    from django.core.management import call_command

    from evidence.models import Study

    study = make_study(doi="10.9999/retracted.2021.1", title="Soon retracted")
    url = "/studies/10.9999/retracted.2021.1/"
    etag = client.get(url)["ETag"]

    # The notices and the retraction flag are written without a save() of the study.
    call_command("check_retractions", "--doi", study.doi, stdout=io.StringIO())
    assert Study.objects.get(pk=study.pk).retracted

    conditional = client.get(url, headers={"if-none-match": etag})
    assert conditional.status_code == 200
    page = client.get(url).content.decode()
    assert "Retracted" in page and "10.9999/retraction.2023.7" in page
    assert page == fresh(client, url).content.decode()


def test_the_topic_menu_of_the_cached_home_page_is_the_one_a_fresh_render_gives(client, claim):
    from claims.models import Topic

    topic = Topic.objects.create(name="Hypertrophy", slug="hypertrophy")
    claim.topics.add(topic)
    publish(claim, note="With a topic.")
    cached = client.get("/").content.decode()
    assert 'href="/?topic=hypertrophy"' in cached

    # Renamed in the admin, not yet published: readers still see the published topic.
    topic.name, topic.slug = "Muscle growth", "muscle-growth"
    topic.save()

    assert client.get("/").content.decode() == fresh(client, "/").content.decode()
    assert 'href="/?topic=hypertrophy"' in client.get("/").content.decode()
    assert "muscle-growth" not in client.get("/").content.decode()


def test_a_change_to_the_python_that_writes_page_text_makes_new_keys(monkeypatch, settings):
    from pathlib import Path

    from claims import caching

    settings.DEBUG = False
    caching._release.cache_clear()
    before = caching.release()
    source = Path(settings.BASE_DIR) / "claims" / "what_would_change.py"
    read = Path.read_bytes

    def deployed(path):
        data = read(path)
        return data + b"\n# a new sentence\n" if path == source else data

    monkeypatch.setattr(Path, "read_bytes", deployed)
    caching._release.cache_clear()
    try:
        assert caching.release() != before
    finally:
        monkeypatch.undo()
        caching._release.cache_clear()


@pytest.mark.parametrize("page", ["claim", "version", "home", "study", "compare"])
def test_unknown_query_parameters_are_served_the_cached_page_without_them(client, claim, page):
    url = reader_urls(claim)[page]
    plain = client.get(url).content
    for n in range(3):
        response, count = queries(client, f"{url}?utm_source=feed{n}&x={n}")
        assert count == 1  # the stamp only: no new entry was rendered
        assert response.content == plain


def test_unknown_values_of_known_parameters_are_the_page_without_them(client, claim):
    url = reader_urls(claim)["claim"]
    plain = client.get(url).content
    response, count = queries(client, f"{url}?check=nonsense")
    assert (count, response.content) == (1, plain)
    home = client.get("/").content
    response, count = queries(client, "/?certainty=sure&page=1")
    assert (count, response.content) == (1, home)


@pytest.mark.parametrize("who", ["reader", "member"])
def test_a_full_page_with_a_check_links_back_to_all_evidence(client, member_client, claim, who):
    browser = member_client if who == "member" else client
    url = reader_urls(claim)["claim"]
    for _ in range(2):  # rendered, then from the cache
        page = browser.get(f"{url}?check=rct").content.decode()
        assert f'<a href="{url}#sensitivity" data-hx-get="{url}"' in page
        assert 'data-hx-get=""' not in page
