"""The database's own guard on published history.

Triggers on `claims_analysisversion` refuse every UPDATE and DELETE, so no code path (the ORM,
raw SQL, a fixture, a SQL console) can rewrite a published analysis version. The model refuses
too, with a clearer message; the triggers are the backstop for everything that bypasses it.

`flush` is the one deliberate exception: it empties the whole database, history included. On
PostgreSQL it uses TRUNCATE, which row triggers do not see; on SQLite it uses DELETE, so the
`flush` command of this app (claims/management/commands/flush.py) lets exactly that statement
through (see `allow_flush`).
"""

import re

TABLE = "claims_analysisversion"
MIGRATION_SUFFIX = "_analysis_version_history_triggers"

# The messages say which table refuses, so an error in a SQL console explains itself.
CHANGE_REFUSED = (
    "Published analysis versions cannot be changed: claims_analysisversion is append-only."
)
DELETE_REFUSED = (
    "Published analysis versions cannot be deleted: claims_analysisversion is append-only."
)

SQLITE_TRIGGERS = {
    "claims_analysisversion_refuse_update": (
        f"CREATE TRIGGER IF NOT EXISTS claims_analysisversion_refuse_update "
        f"BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{CHANGE_REFUSED}'); END"
    ),
    "claims_analysisversion_refuse_delete": (
        f"CREATE TRIGGER IF NOT EXISTS claims_analysisversion_refuse_delete "
        f"BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{DELETE_REFUSED}'); END"
    ),
}

# restrict_violation (SQLSTATE 23001) is an integrity error, so Django raises IntegrityError on
# PostgreSQL as it does for SQLite's RAISE(ABORT): callers see one exception on both databases.
POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION claims_analysisversion_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION USING MESSAGE = '{DELETE_REFUSED}', ERRCODE = 'restrict_violation';
        END IF;
        RAISE EXCEPTION USING MESSAGE = '{CHANGE_REFUSED}', ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS claims_analysisversion_refuse_change ON {TABLE}",
    f"""
    CREATE TRIGGER claims_analysisversion_refuse_change
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION claims_analysisversion_refuse_change()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS claims_analysisversion_refuse_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS claims_analysisversion_refuse_change()",
]


def create_triggers(connection):
    """Install the triggers on `connection` (idempotent)."""
    statements = _statements(connection, create=True)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection):
    statements = _statements(connection, create=False)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _statements(connection, *, create):
    if connection.vendor == "sqlite":
        if create:
            return list(SQLITE_TRIGGERS.values())
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if connection.vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    # Other databases are not supported by the site; they keep the model-level guard only.
    return []


def repair_triggers(sender, using, **kwargs):
    """post_migrate: put the triggers back if a migration rebuilt the table.

    SQLite cannot alter most columns in place, so Django rebuilds the table (create a copy,
    copy the rows, drop the original) and the original's triggers go with it. PostgreSQL
    alters tables in place and keeps them; installing again there is harmless.
    """
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    # Only where the migration that installs them is applied (not after migrating back).
    applied = MigrationRecorder(connection).applied_migrations()
    if any(app == "claims" and name.endswith(MIGRATION_SUFFIX) for app, name in applied):
        create_triggers(connection)


_FLUSH_STATEMENT = re.compile(rf'^\s*DELETE\s+FROM\s+"?{TABLE}"?\s*;?\s*$', re.IGNORECASE)


def allow_flush(execute, sql, params, many, context):
    """Execute wrapper for `flush` on SQLite: its DELETE of every version runs without the
    delete trigger, which is dropped and re-created around that one statement, inside the
    flush's own transaction (SQLite's DDL is transactional), so no other connection ever sees
    the table unguarded."""
    if not _FLUSH_STATEMENT.match(sql) or context["connection"].vendor != "sqlite":
        return execute(sql, params, many, context)
    cursor = context["cursor"]
    cursor.execute("DROP TRIGGER IF EXISTS claims_analysisversion_refuse_delete")
    result = execute(sql, params, many, context)
    cursor.execute(SQLITE_TRIGGERS["claims_analysisversion_refuse_delete"])
    return result


def refuse_fixture_overwrite(sender, instance, raw, using, **kwargs):
    """pre_save: a fixture (`loaddata`) may add analysis versions, never replace one.

    loaddata saves with raw=True through Model.save_base, bypassing AnalysisVersion.save(),
    and would UPDATE a version with the same primary key: a signal is the only hook on that
    path. The trigger would refuse the UPDATE as well; this says why in the fixture's terms.
    """
    from claims.models import ImmutableVersionError

    if not raw or instance.pk is None:
        return
    existing = sender._base_manager.using(using).filter(pk=instance.pk).first()
    if existing is None:
        return
    raise ImmutableVersionError(
        f"The fixture would overwrite analysis version id {instance.pk} "
        f"(v{existing.number} of claim id {existing.claim_id}, published "
        f"{existing.published_at:%Y-%m-%d %H:%M}): published history cannot be rewritten. "
        "Load it into an empty database, or leave published versions out of the fixture."
    )
