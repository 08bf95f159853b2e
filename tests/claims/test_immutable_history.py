"""The database itself refuses to rewrite published analysis versions, whatever the path."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction

from claims.models import AnalysisVersion
from tests.conftest import require
from tests.factories import make_claim, make_evidence, make_study, publish


def note_of(version):
    with connection.cursor() as cursor:
        cursor.execute("SELECT change_note FROM claims_analysisversion WHERE id = %s", [version.pk])
        return cursor.fetchone()[0]


def test_an_orm_update_that_bypasses_the_model_is_refused_by_the_database(db):
    version = publish(make_claim(), "The real note")
    # The plain QuerySet.update, as any code skipping AnalysisVersionQuerySet's guard would.
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        models.QuerySet.update(AnalysisVersion.objects.all(), change_note="Rewritten")
    assert note_of(version) == "The real note"


def test_a_raw_sql_update_is_refused_by_the_database(db):
    version = publish(make_claim(), "The real note")
    refused = pytest.raises(IntegrityError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_analysisversion SET against_tally = 999, change_note = 'F'")
    assert note_of(version) == "The real note"
    assert AnalysisVersion.objects.get().against_tally == version.against_tally


def test_a_raw_sql_delete_is_refused_by_the_database(db):
    version = publish(make_claim())
    refused = pytest.raises(IntegrityError, match="cannot be deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_analysisversion WHERE id = %s", [version.pk])
    assert AnalysisVersion.objects.filter(pk=version.pk).exists()


def test_loaddata_cannot_overwrite_a_published_version(db, tmp_path):
    claim = make_claim()
    make_evidence(claim, make_study())
    version = publish(claim, "The real note")
    fixture = tmp_path / "forged.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "claims.analysisversion",
                    "pk": version.pk,
                    "fields": {
                        "claim": claim.pk,
                        "number": 1,
                        "snapshot": {**version.snapshot, "against": 999},
                        "verdict": "strong_against",
                        "pro_tally": 0,
                        "against_tally": 999,
                        "published_by": version.published_by_id,
                        "published_at": "2020-01-01T00:00:00Z",
                        "change_note": "Forged",
                    },
                }
            ]
        )
    )
    with pytest.raises(CommandError, match="published history cannot be rewritten"):
        call_command("loaddata", str(fixture), verbosity=0)
    stored = AnalysisVersion.objects.get(pk=version.pk)
    assert (stored.change_note, stored.against_tally) == ("The real note", 0)
    assert stored.published_at == version.published_at


def forged_fixture(tmp_path, version, **fields):
    output = tmp_path / "forged.json"
    call_command("dumpdata", "claims.analysisversion", output=str(output), verbosity=0)
    data = json.loads(output.read_text())
    data[0]["pk"] = version.pk + 100
    data[0]["fields"].update(fields)
    output.write_text(json.dumps(data))
    return output


def test_loaddata_cannot_add_a_back_dated_version(db, tmp_path):
    claim = make_claim()
    first = publish(claim, "First")
    fixture = forged_fixture(
        tmp_path, first, number=2, published_at="2001-01-01T00:00:00Z", change_note="Forged"
    )
    with pytest.raises(CommandError, match="versions are made only by publishing"):
        call_command("loaddata", str(fixture), verbosity=0)
    assert list(claim.versions.values_list("number", flat=True)) == [1]


def test_loaddata_refusal_is_one_clear_line_not_a_traceback(db, tmp_path):
    first = publish(make_claim(), "First")
    fixture = forged_fixture(tmp_path, first, number=2, change_note="Forged")
    environment = {**os.environ, "DEBUG": "1"}
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"

    def manage(*arguments):
        command = [sys.executable, "manage.py", *arguments]
        return subprocess.run(
            command, capture_output=True, text=True, env=environment, cwd=settings.BASE_DIR
        )

    assert manage("migrate", "--verbosity=0").returncode == 0
    result = manage("loaddata", str(fixture))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "versions are made only by publishing" in lines[0]


def test_loaddemo_still_loads_the_demo_history(db):
    call_command("loaddemo", verbosity=0)
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "demo.json").read_text())
    versions = [row for row in fixture if row["model"] == "claims.analysisversion"]
    assert len(versions) > 1
    assert AnalysisVersion.objects.count() == len(versions)


def test_sqlite_insert_or_replace_cannot_rewrite_a_version(db):
    if connection.vendor != "sqlite":
        pytest.skip("REPLACE is SQLite's")
    version = publish(make_claim(), "The real note")
    columns = "id, claim_id, number, snapshot, verdict, certainty, pro_tally, against_tally, "
    columns += "published_by_id, published_at, change_note"
    values = [version.pk, version.claim_id, 1, "{}", "strong_support", "", 999, 0]
    values += [version.published_by_id, "2001-01-01 00:00:00", "Forged"]
    for statement in ("INSERT OR REPLACE INTO", "REPLACE INTO"):
        refused = pytest.raises(IntegrityError, match="cannot be replaced")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            sql = (
                f"{statement} claims_analysisversion ({columns}) VALUES ({', '.join(['%s'] * 11)})"
            )
            cursor.execute(sql, values)
    # A new id with the same claim and number would replace through the unique constraint.
    values[0] = version.pk + 100
    refused = pytest.raises(IntegrityError, match="cannot be replaced")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        sql = f"REPLACE INTO claims_analysisversion ({columns}) VALUES ({', '.join(['%s'] * 11)})"
        cursor.execute(sql, values)
    assert note_of(version) == "The real note"
    assert AnalysisVersion.objects.get().pro_tally == version.pro_tally


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE claims_analysisversion CASCADE",
        "TRUNCATE claims_claim CASCADE",
        "TRUNCATE auth_user CASCADE",
    ],
)
def test_postgresql_truncate_cannot_wipe_versions(transactional_db, statement):
    # In a transaction of its own: inside a test's transaction the inserts leave deferred
    # foreign-key checks pending, and PostgreSQL refuses any TRUNCATE for that alone.
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "TRUNCATE is PostgreSQL's")
    version = publish(make_claim(), "The real note")
    refused = pytest.raises(IntegrityError, match="cannot be truncated")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert note_of(version) == "The real note"


def test_postgresql_truncate_is_refused_even_after_a_flush_in_the_same_session(
    transactional_db,
):
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "TRUNCATE is PostgreSQL's")
    call_command("flush", interactive=False, verbosity=0)
    version = publish(make_claim(), "After the flush")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_analysisversion CASCADE")
    assert note_of(version) == "After the flush"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_history_with_the_rest_and_leaves_the_guard_in_place():
    publish(make_claim())
    call_command("flush", interactive=False, verbosity=0)
    assert not AnalysisVersion.objects.exists()
    version = publish(make_claim(), "After the flush")
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_analysisversion")
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_analysisversion SET change_note = 'Forged'")
    assert note_of(version) == "After the flush"


def test_migrate_puts_back_triggers_that_a_table_rebuild_dropped(db):
    from claims.immutable_history import drop_triggers

    version = publish(make_claim(), "The real note")
    drop_triggers(connection)  # what a rebuild of the table by a later migration does
    call_command("migrate", verbosity=0)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_analysisversion SET change_note = 'Forged'")
    assert note_of(version) == "The real note"
