"""The database itself refuses to rewrite published analysis versions, whatever the path."""

import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from claims.models import AnalysisVersion, ImmutableVersionError
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
    with pytest.raises(ImmutableVersionError, match="published history cannot be rewritten"):
        call_command("loaddata", str(fixture), verbosity=0)
    stored = AnalysisVersion.objects.get(pk=version.pk)
    assert (stored.change_note, stored.against_tally) == ("The real note", 0)
    assert stored.published_at == version.published_at


def test_loaddata_still_adds_new_versions(db, tmp_path):
    claim = make_claim()
    first = publish(claim, "First")
    output = tmp_path / "first.json"
    call_command("dumpdata", "claims.analysisversion", output=str(output), verbosity=0)
    data = json.loads(output.read_text())
    data[0]["pk"] = first.pk + 100
    data[0]["fields"]["number"] = 2
    output.write_text(json.dumps(data))
    call_command("loaddata", str(output), verbosity=0)
    assert sorted(claim.versions.values_list("number", flat=True)) == [1, 2]


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
