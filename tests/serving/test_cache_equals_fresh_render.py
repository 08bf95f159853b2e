"""A cached page is always the page a fresh render gives, whatever was written before it.

Random sequences (seeded, so a failure can be replayed) of the site's real write paths —
saving and publishing in the admin, approving and rejecting submissions on the moderation
page, check_retractions with each kind of notice from the local fake Crossref,
refresh_studies, watch_literature with the local fake OpenAlex, screening a candidate out,
renaming a topic, editing a study in the admin, a member's submission, following and
unfollowing, a backup and a restore, and the cache losing kept stamps (evicted) — and after
each step every reader page and htmx fragment, served through the cache to a reader
(also with the ETag they had) and to a member, is compared with a render that uses no cache.

Each runs with the stamps read from the database and kept in the cache (in memory, and in
Redis under scripts/with-redis): a write's stamps are written again when it commits, which
the test makes happen after each write as the request or command would.
"""

import difflib
import random
import re
from html.parser import HTMLParser
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

import claims.caching
import claims.views
from claims import caching
from claims.models import Claim, Follow, PublishedTopic, Topic
from editorial import literature
from editorial.models import Candidate, NotRelevantReason
from evidence.choices import RiskOfBias, Stance, StudyDesign
from evidence.models import Study, Submission
from tests.factories import (
    make_claim,
    make_evidence,
    make_gold_standard,
    make_mechanism,
    make_study,
    make_submission,
    publish,
)
from tests.serving.conftest import STAMP_PLACES

SEEDS = [11, 20, 34]  # between them: every write, and a publish after a restore
STEPS = 12

# Notices the fake Crossref records (tests/data/crossref/): each kind once.
RETRACTED = "10.9999/retracted.2021.1"  # a retraction, and a correction
CONCERN = "10.9999/concern.2020.5"  # an expression of concern
QUIETLY_RETRACTED = "10.9999/quietly.retracted"  # found only through updates:{doi}
KNOWN = "10.1080/02640414.2024.2321021"  # a clean record, with facts to fill in

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


class FormReader(HTMLParser):
    """The fields of the form whose action ends with `action`, as a browser would post it."""

    def __init__(self, page, action):
        super().__init__()
        self.page, self.action, self.inside, self.data = page, action, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # An admin change form posts to its own page: action="".
            target = attrs.get("action") or self.page
            self.inside = target.endswith(self.action) and attrs.get("method") == "post"
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name and "__prefix__" not in name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = name
            self.data.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.data and self.data[-1][0] == self.textarea:
            # The first line break after <textarea> is not part of the value.
            self.data[-1] = (self.textarea, self.data[-1][1] + data)

    def as_post(self, **changes):
        post = {}
        for name, value in self.data:
            post.setdefault(name, []).append(value)
        for name, value in changes.items():
            post[name] = [value]
        return post


def form_of(client, page, action):
    response = client.get(page)
    assert response.status_code == 200, page
    reader = FormReader(page, action)
    reader.feed(response.content.decode())
    assert reader.data, f"no form posting to {action} on {page}"
    return reader


class Site:
    """The world the writes act on, and the people who write and read."""

    def __init__(self, rng, editor, member, editor_client, member_client, backups):
        self.rng = rng
        self.backups, self.backup_file = backups, None
        self.editor, self.member = editor, member
        self.editor_client, self.member_client = editor_client, member_client
        self.reader = Client()
        self.seen = {}  # url -> (etag, content) a reader was last given
        strength = Topic.objects.create(name="Strength", slug="strength")
        endurance = Topic.objects.create(name="Endurance", slug="endurance")

        self.first = make_claim(
            statement="Training close to failure builds more muscle.",
            literature_query="proximity to failure quadriceps",
        )
        self.first.topics.add(strength)
        make_evidence(self.first, make_study(doi=RETRACTED, title="A retracted trial"))
        make_evidence(
            self.first,
            make_study(
                design=StudyDesign.COHORT, sample_size=800, risk_of_bias=RiskOfBias.SOME_CONCERNS
            ),
        )
        make_evidence(
            self.first, make_study(design=StudyDesign.CASE_CONTROL), stance=Stance.CONTRADICTS
        )
        concern = make_study(doi=CONCERN, title="A trial under concern", design=StudyDesign.ANIMAL)
        make_mechanism(self.first, steps=2, cite=[concern])
        make_gold_standard(self.first)
        publish(self.first, "First.")

        self.second = make_claim(statement="Endurance work blunts strength gains.")
        self.second.topics.add(strength, endurance)
        known = make_study(doi=KNOWN, title="Known", authors="", journal="", is_example=False)
        make_evidence(self.second, known)
        make_evidence(self.second, make_study(doi=QUIETLY_RETRACTED, title="Quietly retracted"))
        publish(self.second, "First.")
        self.second.summary = "Several trials, one of them large."
        self.second.save()
        publish(self.second, "Second.")
        for claim in (self.first, self.second):
            make_submission(claim, member)

    # The writes.

    def claims(self):
        return list(Claim.objects.order_by("pk"))

    def admin_save(self, publish=False):
        claim = self.rng.choice(self.claims())
        page = f"/admin/claims/claim/{claim.pk}/change/"
        form = form_of(self.editor_client, page, page)
        changes = {"summary": f"Edited in the admin ({self.rng.randrange(10**6)})."}
        if publish:
            changes.update({"_publish": "Save and publish", "change_note": "Edited and published."})
        response = self.editor_client.post(page, form.as_post(**changes))
        assert response.status_code == 302, response.content.decode()[:2000]

    def admin_save_and_publish(self):
        self.admin_save(publish=True)

    def admin_publish(self):
        claim = self.rng.choice(self.claims())
        self.editor_client.post(
            f"/admin/claims/claim/{claim.pk}/publish/", {"change_note": "Published as it stands."}
        )

    def submit(self):
        make_submission(self.rng.choice(self.claims()), self.member)

    def _pending(self):
        pending = list(Submission.objects.pending().order_by("pk"))
        return self.rng.choice(pending) if pending else None

    def approve(self):
        submission = self._pending()
        if submission is None:
            return self.submit()
        form = form_of(
            self.editor_client,
            f"/moderation/{submission.pk}/",
            f"/moderation/{submission.pk}/approve/",
        )
        post = form.as_post()
        authors = f"approve-{submission.pk}-authors"
        if authors in post and not post[authors][0]:
            post[authors] = ["Doe J, Roe R"]  # the fact an editor types when none was given
        response = self.editor_client.post(f"/moderation/{submission.pk}/approve/", post)
        assert response.status_code == 302, response.content.decode()[:2000]

    def reject(self):
        submission = self._pending()
        if submission is None:
            return self.submit()
        self.editor_client.post(
            f"/moderation/{submission.pk}/reject/",
            {f"reject-{submission.pk}-reason": "Not about this claim."},
        )

    def check_retractions(self):
        doi = self.rng.choice([RETRACTED, CONCERN, QUIETLY_RETRACTED, None])
        args = ["--doi", doi] if doi else []
        call_command("check_retractions", *args, stdout=StringIO(), stderr=StringIO())

    def refresh_studies(self):
        call_command("refresh_studies", stdout=StringIO(), stderr=StringIO())

    def rename_topic(self):
        topic = self.rng.choice(list(Topic.objects.order_by("pk")))
        n = self.rng.randrange(10**6)
        topic.name, topic.slug = f"Topic {n}", f"topic-{n}"
        topic.save()

    def edit_study(self):
        study = self.rng.choice(list(Study.objects.order_by("pk")))
        page = f"/admin/evidence/study/{study.pk}/change/"
        form = form_of(self.editor_client, page, page)
        changes = self.rng.choice(
            [
                {"title": f"Retitled {self.rng.randrange(10**6)}"},
                {"sample_size": str(self.rng.choice([12, 150, 2000]))},
                {"risk_of_bias": self.rng.choice(["low", "some_concerns", "high"])},
            ]
        )
        response = self.editor_client.post(page, form.as_post(**changes))
        assert response.status_code == 302, response.content.decode()[:2000]

    def watch_literature(self):
        call_command("watch_literature", stdout=StringIO(), stderr=StringIO())

    def screen_out(self):
        candidate = Candidate.objects.filter(claim=self.first).waiting().order_by("pk").first()
        if candidate is None:
            return self.watch_literature()
        reason = self.rng.choice(NotRelevantReason.values)
        literature.dismiss(candidate, by=self.editor, reason=reason)

    def follow(self):
        claim = self.rng.choice(list(Claim.objects.published().order_by("pk")))
        action = "unfollow" if Follow.objects.filter(user=self.member, claim=claim) else "follow"
        # Followed to the claim page, which shows (and so uses up) the message saying so.
        response = self.member_client.post(f"/claims/{claim.slug}/{action}/", follow=True)
        assert response.status_code == 200, response.content.decode()[:2000]

    def evict_stamps(self):
        """The cache loses kept stamps (evicted, or Redis restarted): all, or one claim's."""
        if self.rng.random() < 0.5:
            cache.delete("stamps:site")
        else:
            claim = self.rng.choice(self.claims())
            cache.delete(caching._entry_key("claim", claim.slug))

    def backup(self):
        self.backup_file = self.backups / f"site-{self.rng.randrange(10**6)}.json"
        call_command("backup", "--format=json", str(self.backup_file), stdout=StringIO())

    def restore(self):
        """Back to the last backup: versions published since are gone, and the next version
        published takes the number (and id) of one a cache may still hold."""
        if self.backup_file is None:
            return self.backup()
        if connection.vendor == "postgresql":
            # The command runs in a transaction of its own; here the test's transaction still
            # holds the deferred foreign-key checks of earlier writes, which TRUNCATE refuses:
            # run them now, then defer again (as Django's TestCase does at its end).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        call_command("restore", str(self.backup_file), "--no-input", stdout=StringIO())

    WRITES = (
        "backup",
        "restore",
        "admin_save",
        "admin_save_and_publish",
        "admin_publish",
        "submit",
        "approve",
        "reject",
        "check_retractions",
        "refresh_studies",
        "rename_topic",
        "edit_study",
        "watch_literature",
        "screen_out",
        "follow",
        "evict_stamps",
    )

    # The reads.

    def pages(self):
        """Every reader page and fragment, as (url, headers, whether members' differs): a
        member's claim and version pages hold the cached analysis part; their other pages
        are not cached."""
        sensitivity = {"HX-Request": "true", "HX-Target": "sensitivity"}
        htmx = {"HX-Request": "true"}
        pages = [
            ("/", {}, False),
            ("/?certainty=low&utm_source=feed", {}, False),
            ("/", htmx, False),
        ]
        slugs = PublishedTopic.objects.values_list("slug", flat=True).distinct()
        pages += [(f"/?topic={slug}", {}, False) for slug in sorted(slugs)]
        for claim in Claim.objects.published().select_related("current_version"):
            base = f"/claims/{claim.slug}/"
            latest = claim.current_version.number
            pages += [
                (base, {}, True),
                (f"{base}?check=rct&utm_source=feed", {}, True),
                (f"{base}?check=rct", sensitivity, False),
                (f"{base}v/1/?check=n30", {}, True),
            ]
            if latest > 1:
                pages += [
                    (f"{base}v/{latest}/", {}, False),
                    (f"{base}compare/{latest - 1}/{latest}/", {}, False),
                    (f"{base}compare/1/{latest}/", htmx, False),
                ]
        pages += [(study.get_absolute_url(), {}, False) for study in Study.objects.order_by("pk")]
        return pages


def comparable(response):
    """The response as a person sees it; CSRF tokens differ on every render by design."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return response.status_code, re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def difference(served, rendered):
    lines = [comparable(r)[1].splitlines() for r in (served, rendered)]
    diff = difflib.unified_diff(*lines, "served", "fresh", n=1, lineterm="")
    return f"{served.status_code} / {rendered.status_code}\n" + "\n".join(list(diff)[:40])


def fresh(client, url, headers):
    """The page rendered now with no cache at all: not even the analysis part is kept, it is
    included in the page's template with the whole request, as an uncached page would be."""
    with (
        override_settings(CACHES=NO_CACHE),
        mock.patch.object(claims.views, "analysis_fragment", return_value=""),
        # Nor the list's count kept for the newest version: it is counted again.
        mock.patch.object(claims.caching, "_listing_facts", claims.caching._KeptPerVersion()),
        mock.patch.object(claims.caching, "_rankings", claims.caching._KeptPerVersion()),
    ):
        return client.get(url, headers=headers)


def assert_every_page_is_a_fresh_render(site, step):
    for url, headers, members in site.pages():
        clients = [("reader", site.reader)] + ([("member", site.member_client)] if members else [])
        for who, client in clients:
            served = client.get(url, headers=headers)
            rendered = fresh(client, url, headers)
            assert comparable(served) == comparable(rendered), (
                f"{step}: {who} {url} {headers} served from the cache differs from a fresh "
                f"render:\n{difference(served, rendered)}"
            )
            if who != "reader" or headers:
                continue
            if url in site.seen:
                etag, content = site.seen[url]
                conditional = site.reader.get(url, headers={"if-none-match": etag})
                # "Not modified" only if what the reader kept is what a fresh render gives now.
                assert conditional.status_code == 200 or content == rendered.content, (
                    f"{step}: {url} answered 304 but the page changed"
                )
            site.seen[url] = (served.get("ETag"), served.content)


@pytest.mark.parametrize("stamps_in", STAMP_PLACES, indirect=True)
@pytest.mark.parametrize("seed", SEEDS)
def test_after_any_writes_every_cached_page_is_the_page_a_fresh_render_gives(
    seed,
    stamps_in,
    editor,
    member,
    editor_client,
    member_client,
    crossref,
    openalex,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.CROSSREF_PAUSE = 0
    rng = random.Random(seed)
    with django_capture_on_commit_callbacks(execute=True):
        site = Site(rng, editor, member, editor_client, member_client, tmp_path)
    cache.clear()
    assert_every_page_is_a_fresh_render(site, "start")
    done = []
    for _ in range(STEPS):
        write = rng.choice(Site.WRITES)
        done.append(write)
        # What the write's transaction runs once it commits (the stamps it changed).
        with django_capture_on_commit_callbacks(execute=True):
            getattr(site, write)()
        assert_every_page_is_a_fresh_render(
            site, f"seed {seed}, stamps in {stamps_in}, after {' → '.join(done)}"
        )
