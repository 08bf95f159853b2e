"""`restore` checks a backup before it touches the database, and backups stay private."""

import json
import sqlite3
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import DataError, connections, transaction

from claims.models import Claim
from evidence.models import Notice
from tests.claims.test_backups import fresh_database
from tests.conftest import require
from tests.factories import make_published_claim, make_study

# What the attacker put into a backup: after one failed sign-in, `member` is a
# superuser.
BACKDOOR_SQLITE = """
CREATE TRIGGER promote_member AFTER INSERT ON accounts_loginfailure BEGIN
    UPDATE auth_user SET is_superuser = 1, is_staff = 1 WHERE username = 'member';
END
"""


def vendor():
    return connections["default"].vendor


def needs(kind):
    if vendor() != kind:
        if kind == "postgresql":
            require("REQUIRE_POSTGRES", "a native PostgreSQL backup needs a PostgreSQL server")
        pytest.skip(f"a native {kind} backup")


def refused(backup_file, match):
    """Restore `backup_file`, expect a refusal, and check that the site is still there."""
    claims = sorted(Claim.objects.values_list("slug", flat=True))
    assert claims
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(backup_file), interactive=False, verbosity=0)
    assert sorted(Claim.objects.values_list("slug", flat=True)) == claims


def native_backup(tmp_path):
    # Tests taking a native backup use transactional_db: SQLite's backup waits for the
    # write transaction a plain `db` test keeps open.
    backup_file = tmp_path / "site.backup"
    call_command("backup", str(backup_file), verbosity=0)
    return backup_file


def test_an_empty_file_is_refused_and_the_site_stays(db, tmp_path):
    make_published_claim()
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    refused(empty, "is empty")


def test_a_foreign_sqlite_file_is_refused_and_the_site_stays(db, tmp_path):
    needs("sqlite")
    make_published_claim()
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as database:
        database.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        database.execute("INSERT INTO notes (text) VALUES ('hello')")
    database.close()
    refused(foreign, "not a backup of this site")


def tampered_sqlite_backup(tmp_path, *statements):
    backup_file = native_backup(tmp_path)
    database = sqlite3.connect(backup_file)
    for sql in statements:
        database.execute(sql)
    database.commit()
    database.close()
    return backup_file


def test_a_sqlite_backup_carrying_an_extra_trigger_is_refused(transactional_db, tmp_path):
    needs("sqlite")
    make_published_claim()
    backup_file = tampered_sqlite_backup(tmp_path, BACKDOOR_SQLITE)
    refused(backup_file, "Not made by the migrations: trigger promote_member")


@pytest.mark.parametrize(
    "statement, name",
    [
        ("CREATE VIEW everyone AS SELECT username, password FROM auth_user", "view everyone"),
        ("CREATE INDEX claim_statement ON claims_claim (statement)", "index claim_statement"),
        ("CREATE TABLE extra (id INTEGER PRIMARY KEY)", "table extra"),
    ],
)
def test_a_sqlite_backup_with_anything_the_migrations_do_not_make_is_refused(
    transactional_db, tmp_path, statement, name
):
    needs("sqlite")
    make_published_claim()
    refused(tampered_sqlite_backup(tmp_path, statement), f"Not made by the migrations: {name}")


def test_a_sqlite_backup_whose_history_guard_was_changed_is_refused(transactional_db, tmp_path):
    needs("sqlite")
    make_published_claim()
    backup_file = tampered_sqlite_backup(
        tmp_path,
        "DROP TRIGGER claims_analysisversion_refuse_delete",
        "CREATE TRIGGER claims_analysisversion_refuse_delete BEFORE DELETE ON "
        "claims_analysisversion BEGIN SELECT 1; END",
    )
    refused(backup_file, "Different: trigger claims_analysisversion_refuse_delete")


def test_a_sqlite_backup_with_a_different_column_is_refused(transactional_db, tmp_path):
    needs("sqlite")
    make_published_claim()
    backup_file = tampered_sqlite_backup(
        tmp_path, "ALTER TABLE claims_claim ADD COLUMN backdoor TEXT"
    )
    refused(backup_file, "Different: table claims_claim")


def test_a_sqlite_backup_made_at_other_migrations_is_refused(transactional_db, tmp_path):
    needs("sqlite")
    make_published_claim()
    backup_file = tampered_sqlite_backup(
        tmp_path, "DELETE FROM django_migrations WHERE app = 'claims' AND name LIKE '0010%'"
    )
    refused(backup_file, "Not in the backup: claims.0010")


def test_a_clean_sqlite_backup_passes_the_checks(transactional_db, tmp_path):
    needs("sqlite")
    from claims.backups import check_sqlite_backup

    make_published_claim()
    check_sqlite_backup(native_backup(tmp_path))  # raises when it refuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statements, match",
    [
        (
            [
                "CREATE FUNCTION promote() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "UPDATE auth_user SET is_superuser = true WHERE username = 'member'; "
                "RETURN NEW; END $$",
                "CREATE TRIGGER promote AFTER INSERT ON accounts_loginfailure "
                "FOR EACH ROW EXECUTE FUNCTION promote()",
            ],
            "never make: FUNCTION promote",
        ),
        (
            [
                "CREATE RULE promote AS ON INSERT TO accounts_loginfailure DO ALSO "
                "UPDATE auth_user SET is_superuser = true WHERE username = 'member'"
            ],
            "never make: RULE",
        ),
        (
            [
                "CREATE OR REPLACE FUNCTION claims_analysisversion_refuse_change() "
                "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
            ],
            "changed claims_analysisversion_refuse_change",
        ),
        (["ALTER TABLE claims_claim ADD COLUMN backdoor text"], "Different: table claims_claim"),
        (["CREATE TABLE extra (id integer)"], "Not made by the migrations: table extra"),
        (
            ["DELETE FROM django_migrations WHERE app = 'claims' AND name LIKE '0010%'"],
            "Not in the backup: claims.0010",
        ),
    ],
)
def test_a_postgresql_dump_with_anything_the_migrations_do_not_make_is_refused(
    tmp_path, statements, match
):
    needs("postgresql")
    make_published_claim()
    clean = native_backup(tmp_path)
    with fresh_database("postgresql", tmp_path) as alias:
        call_command("restore", str(clean), database=alias, interactive=False, verbosity=0)
        with connections[alias].cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        tampered = tmp_path / "tampered.backup"
        call_command("backup", str(tampered), database=alias, verbosity=0)
    refused(tampered, match)


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_of_another_database_is_refused(tmp_path):
    needs("postgresql")
    make_published_claim()
    with fresh_database("postgresql", tmp_path) as alias:
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE notes (id integer, text text)")
        foreign = tmp_path / "foreign.backup"
        call_command("backup", str(foreign), database=alias, verbosity=0)
    refused(foreign, "not a backup of this site")


@pytest.mark.parametrize("kind", ["native", "json"])
def test_backup_files_are_readable_by_their_owner_only(transactional_db, tmp_path, kind):
    make_published_claim()
    backup_file = tmp_path / f"site.{kind}"
    call_command("backup", str(backup_file), format=kind, verbosity=0)
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600


def json_backup_with_a_long_notice_source(tmp_path):
    """A JSON backup holding what SQLite used to store: a 154-character notice source."""
    study = make_study()
    notice = Notice.objects.create(study=study, kind="retraction", source="publisher")
    make_published_claim()
    exported = tmp_path / "site.json"
    call_command("backup", str(exported), format="json", verbosity=0)
    document = json.loads(exported.read_text())
    for item in document["objects"]:
        if item["model"] == "evidence.notice" and item["pk"] == notice.pk:
            item["fields"]["source"] = "s" * 154
    exported.write_text(json.dumps(document))
    return exported, notice


def test_a_json_restore_reports_values_that_do_not_fit_before_changing_anything(db, tmp_path):
    exported, notice = json_backup_with_a_long_notice_source(tmp_path)
    Notice.objects.filter(pk=notice.pk).update(source="kept")
    refused(exported, f"evidence.notice id {notice.pk}: source has 154 characters")
    assert Notice.objects.get(pk=notice.pk).source == "kept"


@pytest.mark.django_db(transaction=True)
def test_a_json_restore_with_truncate_cuts_what_does_not_fit_and_says_so(tmp_path, capsys):
    exported, notice = json_backup_with_a_long_notice_source(tmp_path)
    call_command("restore", str(exported), interactive=False, truncate=True)
    assert Notice.objects.get(pk=notice.pk).source == "s" * 100
    out = capsys.readouterr().out
    assert f"Cut: evidence.notice id {notice.pk}: source has 154 characters, cut to 100." in out


def test_text_longer_than_its_column_is_refused_on_write_on_both_databases(db):
    study = make_study()
    with pytest.raises(DataError), transaction.atomic():
        Notice.objects.create(study=study, kind="retraction", source="s" * 154)
    assert not Notice.objects.exists()
