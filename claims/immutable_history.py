"""The database's own guard on published history.

Triggers on `claims_analysisversion` refuse every UPDATE and DELETE, so no code path (the ORM,
raw SQL, a fixture, a SQL console) can rewrite a published analysis version. On SQLite a
BEFORE INSERT trigger also refuses a row whose id or (claim, number) is taken, because
`INSERT OR REPLACE` / `REPLACE` would otherwise delete the published row without firing the
delete trigger; on PostgreSQL a BEFORE TRUNCATE trigger refuses `TRUNCATE` (with or without
CASCADE from another table), which row triggers do not see. The model refuses too, with a
clearer message; the triggers are the backstop for everything that bypasses it.

New versions are made only by `AnalysisVersionQuerySet.create_next()` (publishing). A fixture
(`loaddata`) cannot add one, so no back-dated version can be slipped into a claim's history;
`loaddemo` and `restore`, which load a whole site's history into an empty database, say so
with `loading_history()`.

`flush` is the one deliberate exception to the triggers: it empties the whole database,
history included (restores and transactional tests rely on it). The `flush` command of this
app (claims/management/commands/flush.py) lets exactly its own statement through (see
`allow_flush`): on SQLite the DELETE runs with the delete trigger dropped and re-created
around it in the same transaction; on PostgreSQL the TRUNCATE runs with the transaction-local
setting `claims.allow_history_wipe` on, which the truncate trigger accepts. That setting is
not a secret: anyone who can run SQL as the table's owner can also drop a trigger. The
triggers stop mistakes and every path through the site, not the database's owner.
"""

import contextvars
import re
from contextlib import contextmanager

TABLE = "claims_analysisversion"
MIGRATION_SUFFIX = "_analysis_version_history_triggers"

# The messages say which table refuses, so an error in a SQL console explains itself.
CHANGE_REFUSED = (
    "Published analysis versions cannot be changed: claims_analysisversion is append-only."
)
DELETE_REFUSED = (
    "Published analysis versions cannot be deleted: claims_analysisversion is append-only."
)
REPLACE_REFUSED = (
    "Published analysis versions cannot be replaced: claims_analysisversion is append-only."
)
TRUNCATE_REFUSED = (
    "Published analysis versions cannot be truncated: claims_analysisversion is append-only."
)
WIPE_SETTING = "claims.allow_history_wipe"

SQLITE_TRIGGERS = {
    "claims_analysisversion_refuse_update": (
        f"CREATE TRIGGER IF NOT EXISTS claims_analysisversion_refuse_update "
        f"BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{CHANGE_REFUSED}'); END"
    ),
    "claims_analysisversion_refuse_delete": (
        f"CREATE TRIGGER IF NOT EXISTS claims_analysisversion_refuse_delete "
        f"BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{DELETE_REFUSED}'); END"
    ),
    # Fires before REPLACE's conflict resolution would silently delete the existing row.
    "claims_analysisversion_refuse_replace": (
        f"CREATE TRIGGER IF NOT EXISTS claims_analysisversion_refuse_replace "  # noqa: S608 (constants only)
        f"BEFORE INSERT ON {TABLE} WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id "
        f"OR (claim_id = NEW.claim_id AND number = NEW.number)) "
        f"BEGIN SELECT RAISE(ABORT, '{REPLACE_REFUSED}'); END"
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
    # TRUNCATE skips row triggers; a statement trigger sees it, also when it cascades from
    # another table. Only `flush` (allow_flush) turns the setting on, for its own statement.
    f"""
    CREATE OR REPLACE FUNCTION claims_analysisversion_refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('{WIPE_SETTING}', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION USING MESSAGE = '{TRUNCATE_REFUSED}', ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS claims_analysisversion_refuse_truncate ON {TABLE}",
    f"""
    CREATE TRIGGER claims_analysisversion_refuse_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION claims_analysisversion_refuse_truncate()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS claims_analysisversion_refuse_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS claims_analysisversion_refuse_change()",
    f"DROP TRIGGER IF EXISTS claims_analysisversion_refuse_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS claims_analysisversion_refuse_truncate()",
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
_TRUNCATE_STATEMENT = re.compile(rf'^\s*TRUNCATE\b.*"?{TABLE}"?', re.IGNORECASE | re.DOTALL)


def allow_flush(execute, sql, params, many, context):
    """Execute wrapper for `flush`: its one statement that empties every version runs past the
    guard, inside the flush's own transaction, so no other connection ever sees the table
    unguarded.

    SQLite: the delete trigger is dropped and re-created around the DELETE (SQLite's DDL is
    transactional). PostgreSQL: the TRUNCATE runs with `claims.allow_history_wipe` on for this
    transaction only, and off again right after it.
    """
    vendor = context["connection"].vendor
    cursor = context["cursor"]
    if vendor == "sqlite" and _FLUSH_STATEMENT.match(sql):
        cursor.execute("DROP TRIGGER IF EXISTS claims_analysisversion_refuse_delete")
        result = execute(sql, params, many, context)
        cursor.execute(SQLITE_TRIGGERS["claims_analysisversion_refuse_delete"])
        return result
    if vendor == "postgresql" and _TRUNCATE_STATEMENT.match(sql):
        cursor.execute("SELECT set_config(%s, 'on', true)", [WIPE_SETTING])
        try:
            return execute(sql, params, many, context)
        finally:
            cursor.execute("SELECT set_config(%s, 'off', true)", [WIPE_SETTING])
    return execute(sql, params, many, context)


_loading_history = contextvars.ContextVar("loading_history", default=False)


@contextmanager
def loading_history():
    """Let fixtures add analysis versions: for `loaddemo` and `restore`, which load a whole
    site's history (every version of every claim, in order) into an empty database."""
    token = _loading_history.set(True)
    try:
        yield
    finally:
        _loading_history.reset(token)


def refuse_fixture_overwrite(sender, instance, raw, using, **kwargs):
    """pre_save: a fixture (`loaddata`) may neither replace an analysis version nor add one.

    loaddata saves with raw=True through Model.save_base, bypassing AnalysisVersion.save(): a
    signal is the only hook on that path. Replacing would UPDATE (the trigger refuses that
    too; this says why in the fixture's terms); adding would put a version with any date and
    any publisher into a claim's history, so versions are made only by publishing
    (`create_next`), except by `loaddemo` and `restore` (see `loading_history`).
    """
    from claims.models import ImmutableVersionError

    if not raw:
        return
    existing = None
    if instance.pk is not None:
        existing = sender._base_manager.using(using).filter(pk=instance.pk).first()
    if existing is not None:
        raise ImmutableVersionError(
            f"The fixture would overwrite analysis version id {instance.pk} "
            f"(v{existing.number} of claim id {existing.claim_id}, published "
            f"{existing.published_at:%Y-%m-%d %H:%M}): published history cannot be rewritten. "
            "Load it into an empty database, or leave published versions out of the fixture."
        )
    if not _loading_history.get():
        raise ImmutableVersionError(
            f"The fixture would add analysis version v{instance.number} of claim id "
            f"{instance.claim_id}: published history cannot be rewritten, and versions are "
            "made only by publishing. Leave analysis versions out of the fixture (a whole "
            "site comes back with `restore`, the demo with `loaddemo`)."
        )
