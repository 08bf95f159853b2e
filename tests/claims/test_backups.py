"""`backup` and `restore`: a site comes back exactly, on the same database and on the other."""

import datetime
import json
import re
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend
from django.test import Client, override_settings

from claims.backups import site_models
from claims.immutable_history import loading_history
from claims.models import AnalysisVersion, Claim
from claimsite.env import sqlite_config
from claimsite.routers import is_full_text_index
from tests.conftest import require
from tests.factories import make_evidence, make_study, make_submission, publish

CLAIM = "/claims/quadriceps-proximity-to-failure/"
# A moment with microseconds: dumpdata used to keep only the milliseconds.
MOMENT = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)


def build_site():
    """The demo site, then a third version, a pending submission and a few rows written at
    a moment with microseconds."""
    call_command("loaddemo", verbosity=0)
    claim = Claim.objects.get(slug="quadriceps-proximity-to-failure")
    member = User.objects.get(username="member")
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        make_evidence(claim, make_study(title="A later trial", sample_size=1234))
        publish(claim, "Added a later trial.")
        make_submission(claim, member, note="Look at *this* trial.")
    return claim


def page_paths(claim):
    study = claim.evidence.order_by("pk").first().study
    topic = claim.topics.order_by("pk").first()
    return [
        "/",
        "/?q=muscle",
        f"/?topic={topic.slug}",
        "/?page=2",
        CLAIM,
        CLAIM + "history/",
        CLAIM + "v/1/",
        CLAIM + "v/3/",
        CLAIM + "compare/1/3/",
        f"/studies/{study.doi}/",
        "/accounts/submissions/",
        "/moderation/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim.pk}/change/",
        "/admin/claims/analysisversion/",
        "/admin/evidence/submission/",
    ]


def without_tokens(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)


def render_pages(paths, alias="default"):
    """Every page as each persona sees it, served from database `alias`."""
    routed = override_settings(DATABASE_ROUTERS=[Everything(alias)])
    with routed:
        # Pages rendered from the other database must not be served from the cache.
        cache.clear()
        pages = {}
        for username in (None, "member", "editor"):
            client = Client()
            if username:
                client.force_login(User.objects.using(alias).get(username=username))
            for path in paths:
                response = client.get(path)
                pages[(username, path)] = (response.status_code, without_tokens(response.text))
    assert {status for status, _ in pages.values()} <= {200, 302, 403}
    assert sum(status == 200 for status, _ in pages.values()) >= 25
    return pages


class Everything:
    """A router that sends every query to one database, to render pages from a restored one."""

    def __init__(self, alias):
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    db_for_write = db_for_read

    def allow_relation(self, *args, **hints):
        return True


def all_rows(alias):
    return {
        model._meta.label: list(
            model._base_manager.using(alias).order_by(model._meta.pk.name).values_list()
        )
        for model in site_models("default")
        if not is_full_text_index(model)  # each database's own, written from the listings
    }


@contextmanager
def fresh_database(vendor, tmp_path):
    """A new, empty database of `vendor` under a new alias."""
    alias = f"fresh_{uuid.uuid4().hex[:10]}"
    if vendor == "sqlite":
        settings = sqlite_config(tmp_path / f"{alias}.sqlite3")
    else:
        settings = {**connections["default"].settings_dict, "NAME": alias, "CONN_MAX_AGE": 0}
        _postgres_admin(f'CREATE DATABASE "{alias}"')
    # configure_settings fills in Django's defaults (and insists on a "default" entry). The
    # connection is registered but not configured, as Django's own dynamically created
    # connections are, so the test's database isolation checks let it through.
    settings = connections.configure_settings({**connections.settings, alias: settings})[alias]
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
    setattr(connections._connections, alias, wrapper)
    try:
        yield alias
    finally:
        wrapper.close()
        delattr(connections._connections, alias)
        if vendor == "postgresql":
            _postgres_admin(f'DROP DATABASE "{alias}" WITH (FORCE)')


def _postgres_admin(sql):
    import psycopg

    settings = connections["default"].settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(sql)


def restore_into(alias, backup_file, *, migrate):
    if migrate:
        call_command("migrate", database=alias, verbosity=0)
    call_command("restore", str(backup_file), database=alias, interactive=False, verbosity=0)


def assert_same_site(source_rows, source_pages, paths, alias):
    assert all_rows(alias) == source_rows
    restored = render_pages(paths, alias)
    for key, page in source_pages.items():
        assert restored[key] == page, f"{key} differs after the restore"


@pytest.fixture
def site(transactional_db, tmp_path):
    claim = build_site()
    paths = page_paths(claim)
    pages = render_pages(paths)  # logs the personas in first: their sessions are rows too
    return {"paths": paths, "pages": pages, "rows": all_rows("default")}


@pytest.mark.parametrize("kind", ["native", "json"])
def test_a_backup_restores_into_a_fresh_database_of_the_same_kind_exactly(site, tmp_path, kind):
    backup_file = tmp_path / f"site.{kind}"
    call_command("backup", str(backup_file), format=kind, verbosity=0)
    with fresh_database(connections["default"].vendor, tmp_path) as alias:
        restore_into(alias, backup_file, migrate=kind == "json")
        assert_same_site(site["rows"], site["pages"], site["paths"], alias)


def test_a_json_backup_moves_the_site_to_the_other_database_and_back_exactly(site, tmp_path):
    if connections["default"].vendor != "postgresql":
        require("REQUIRE_POSTGRES", "moving between databases needs a PostgreSQL server")
    exported = tmp_path / "from-postgresql.json"
    call_command("backup", str(exported), format="json", verbosity=0)
    with fresh_database("sqlite", tmp_path) as sqlite_alias:
        restore_into(sqlite_alias, exported, migrate=True)
        assert all_rows(sqlite_alias) == site["rows"]
        # And from SQLite, the usual move, to a new PostgreSQL database (exported before the
        # pages are rendered here: signing in writes sessions).
        from_sqlite = tmp_path / "from-sqlite.json"
        call_command("backup", str(from_sqlite), format="json", database=sqlite_alias, verbosity=0)
        # Search ranks and marks its matches with each database's own engine, so its page is
        # compared only where the engine is the same: on the way back to PostgreSQL below.
        paths = [path for path in site["paths"] if "?q=" not in path]
        pages = {key: page for key, page in site["pages"].items() if key[1] in paths}
        assert_same_site(site["rows"], pages, paths, sqlite_alias)
    with fresh_database("postgresql", tmp_path) as postgres_alias:
        restore_into(postgres_alias, from_sqlite, migrate=True)
        assert_same_site(site["rows"], site["pages"], site["paths"], postgres_alias)


def test_dumpdata_then_loaddata_keeps_microseconds(transactional_db, tmp_path):
    claim = build_site()
    version = claim.versions.get(number=3)
    assert version.published_at == MOMENT
    dump = tmp_path / "dump.json"
    call_command("dumpdata", output=str(dump), verbosity=0)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    with loading_history():  # as `restore` does: a fixture alone may not add versions
        call_command("loaddata", str(dump), verbosity=0)
    assert AnalysisVersion.objects.get(pk=version.pk).published_at == MOMENT
    assert Claim.objects.get(pk=claim.pk).current_version_id == version.pk


def test_restore_refuses_a_native_backup_of_the_other_database(db, tmp_path):
    other = "postgresql" if connections["default"].vendor == "sqlite" else "sqlite"
    backup_file = tmp_path / "other.backup"
    backup_file.write_bytes(b"PGDMP\x01\x0e" if other == "postgresql" else b"SQLite format 3\0")
    with pytest.raises(CommandError, match="backup --format=json"):
        call_command("restore", str(backup_file), interactive=False)


def test_restore_refuses_a_json_backup_made_at_other_migrations(db, tmp_path):
    claim = publish_claim_for_a_test()
    exported = tmp_path / "site.json"
    call_command("backup", str(exported), format="json", verbosity=0)
    document = json.loads(exported.read_text())
    document["migrations"].append("claims.9999_from_the_future")
    exported.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="Not applied here: claims.9999_from_the_future"):
        call_command("restore", str(exported), interactive=False)
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="not a backup of this site"):
        call_command("restore", str(junk), interactive=False)


def publish_claim_for_a_test():
    from tests.factories import make_published_claim

    return make_published_claim()
