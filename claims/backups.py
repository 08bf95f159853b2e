"""Backups of the whole site, and restoring them.

Two kinds:
- native: a consistent copy taken while the site runs, restored onto the same kind of
  database. SQLite's online backup API copies the database page by page in one step;
  PostgreSQL's `pg_dump --format=custom` reads one snapshot and `pg_restore` replays it.
- json: every row of every table, values exact (microseconds included), readable by either
  database, so a site can move from SQLite to PostgreSQL and back.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder

from claims import search
from claims.immutable_history import loading_history
from claims.models import PublishedClaim
from claimsite.serializers import ExactJSONEncoder

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
EXPORT_FORMAT = "evidence-claims-export"
EXPORT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


def file_format(path: Path) -> str:
    """Which kind of backup `path` holds: "sqlite", "postgresql" or "json"."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC)).lstrip()
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    if head.startswith(b"{"):
        return "json"
    raise BackupError(f"{path} is not a backup of this site (neither SQLite, pg_dump nor JSON).")


def backup(path: Path, *, using: str = "default", format: str = "native") -> None:
    """Write a backup of database `using` to `path`, replacing it only once complete."""
    connection = connections[using]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if format == "json":
            with open(partial, "w", encoding="utf-8") as stream:
                export_json(stream, using=using)
        elif connection.vendor == "sqlite":
            _backup_sqlite(connection, partial)
        elif connection.vendor == "postgresql":
            _backup_postgresql(connection, partial)
        else:
            raise BackupError(f"No native backup for {connection.vendor}: use --format=json.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore(path: Path, *, using: str = "default") -> str:
    """Replace everything in database `using` with the backup in `path`; returns its format."""
    connection = connections[using]
    kind = file_format(path)
    if kind == "json":
        with open(path, encoding="utf-8") as stream:
            import_json(stream, using=using)
    elif kind != connection.vendor:
        raise BackupError(
            f"{path} is a native {kind} backup and this site uses {connection.vendor}: "
            "move between databases with a JSON backup (backup --format=json)."
        )
    elif kind == "sqlite":
        _restore_sqlite(connection, path)
    else:
        _restore_postgresql(connection, path)
    return kind


# SQLite ------------------------------------------------------------------------------------


def _backup_sqlite(connection, path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # pages=-1 (the default) copies everything in one step under one read lock: a
        # consistent snapshot, while writers go on in the WAL.
        connection.connection.backup(target)
    finally:
        target.close()


def _restore_sqlite(connection, path):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{path} is damaged ({verdict}); nothing was restored.")
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction.")
        # The copy replaces the whole database in one write transaction: other connections
        # see the old site or the restored one, never a mixture.
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


# PostgreSQL --------------------------------------------------------------------------------


def _pg_environment(connection):
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def pg_tool(connection, name: str) -> str:
    """The path of `name` (pg_dump or pg_restore) able to handle this server's version.

    pg_dump refuses servers newer than itself, and an older pg_restore cannot read a newer
    dump; Debian installs each major version's tools in /usr/lib/postgresql/<major>/bin.
    """
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)]
    for candidate in filter(None, candidates):
        if not os.access(candidate, os.X_OK):
            continue
        version = [candidate, "--version"]
        output = subprocess.run(version, capture_output=True, text=True).stdout  # noqa: S603
        match = re.search(r"(\d+)(?:\.\d+)?", output)
        if match and int(match.group(1)) >= server_major:
            return candidate
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer was found: install "
        f"postgresql-client-{server_major} (found: {shutil.which(name) or 'none'})."
    )


def _run(command, env):
    # An argument list, no shell: the database name and paths cannot be read as options
    # or commands.
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _backup_postgresql(connection, path):
    # pg_dump reads everything in one snapshot (a repeatable-read transaction) while the
    # site keeps running.
    command = [pg_tool(connection, "pg_dump"), "--format=custom", f"--file={path}"]
    _run(command, _pg_environment(connection))


def _restore_postgresql(connection, path):
    connection.close()
    command = [
        pg_tool(connection, "pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path.resolve()),
    ]
    _run(command, _pg_environment(connection))


# JSON --------------------------------------------------------------------------------------


def site_models(using):
    """Every table's model, many-to-many tables included, that lives in database `using`."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def applied_migrations(connection):
    """The migrations applied to `connection`'s database, as sorted "app.name" strings."""
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def export_json(stream, *, using="default"):
    """Write every row of the site to `stream` as JSON, from one consistent snapshot."""
    connection = connections[using]
    # Open a cursor first: with CONN_HEALTH_CHECKS the first cursor runs a check query, which
    # must not be the transaction's first statement (SET TRANSACTION has to be).
    connection.cursor().close()
    # Inside a caller's transaction (a test's), that transaction is the snapshot.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # On SQLite the transaction itself is the snapshot (IMMEDIATE: writers wait for it).
        objects = []
        for model in site_models(using):
            # Many-to-many rows are exported as their own table, with their own ids.
            fields = [field.name for field in model._meta.local_fields if not field.primary_key]
            rows = model._base_manager.using(using).order_by(model._meta.pk.name)
            objects += serializers.serialize("python", rows, fields=fields)
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "migrations": applied_migrations(connection),
            "objects": objects,
        }
    json.dump(document, stream, cls=ExactJSONEncoder, ensure_ascii=False, indent=1)


def import_json(stream, *, using="default"):
    """Replace every row of database `using` with those of an export, in one transaction.

    The database must be migrated to exactly the export's migrations (run `migrate` first
    on a new database). Its rows, those the migrations made included, are replaced, so ids
    and every value come back as they were.
    """
    try:
        document = json.load(stream)
    except ValueError as error:
        raise BackupError(f"Not a JSON backup: {error}") from error
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise BackupError("Not a JSON backup of this site (made by `backup --format=json`).")
    if document.get("version") != EXPORT_VERSION:
        raise BackupError(f"Unknown export version {document.get('version')!r}.")
    migrations, objects = document.get("migrations"), document.get("objects")
    if not (isinstance(migrations, list) and all(isinstance(name, str) for name in migrations)):
        raise BackupError("The backup's list of migrations is damaged; nothing was restored.")
    if not isinstance(objects, list):
        raise BackupError("The backup's rows are missing; nothing was restored.")
    connection = connections[using]
    here = applied_migrations(connection)
    if here != migrations:
        missing = [name for name in migrations if name not in here]
        extra = [name for name in here if name not in migrations]
        raise BackupError(
            "The database's schema differs from the backup's. "
            + (f"Not applied here: {', '.join(missing[:5])}. " if missing else "")
            + (f"Applied here only: {', '.join(extra[:5])}. " if extra else "")
            + "Run `migrate` (with the code version that made the backup) first."
        )
    models = site_models(using)
    with transaction.atomic(using=using):
        # Empty everything, the rows migrations made included (content types, permissions,
        # groups): the export has them all, with their ids.
        call_command(
            "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
        )
        with connection.constraint_checks_disabled(), loading_history():
            for item in serializers.deserialize("python", objects, using=using):
                # A raw save, as loaddata does: no model save() logic, no auto_now, values
                # stored exactly as exported.
                item.save(using=using)
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
        # The full-text index is no model's table: write it from the restored listings.
        search.reindex_all(PublishedClaim, using=using)
        sequences = connection.ops.sequence_reset_sql(no_style(), models)
        if sequences:
            with connection.cursor() as cursor:
                for sql in sequences:
                    cursor.execute(sql)
    return len(objects)
