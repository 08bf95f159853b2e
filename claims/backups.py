"""Backups of the whole site, and restoring them.

Two kinds:
- native: a consistent copy taken while the site runs, restored onto the same kind of
  database. SQLite's online backup API copies the database page by page in one step;
  PostgreSQL's `pg_dump --format=custom` reads one snapshot and `pg_restore` replays it.
- json: every row of every table, values exact (microseconds included), readable by either
  database, so a site can move from SQLite to PostgreSQL and back.
"""

import functools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import CharField

from claims import caching, search
from claims.immutable_history import loading_history
from claims.models import PublishedClaim
from claimsite.routers import is_full_text_index
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
    if not head:
        raise BackupError(f"{path} is empty: it is not a backup; nothing was restored.")
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
        # A backup holds every account's password hash and email: only its owner may read
        # it, whatever the umask. The file is made 0600 before anything is written to it
        # (pg_dump and SQLite write into the existing file and keep its mode).
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        os.chmod(partial, 0o600)
        if format == "json":
            with open(partial, "w", encoding="utf-8") as stream:
                export_json(stream, using=using)
        elif connection.vendor == "sqlite":
            _backup_sqlite(connection, partial)
        elif connection.vendor == "postgresql":
            _backup_postgresql(connection, partial)
        else:
            raise BackupError(f"No native backup for {connection.vendor}: use --format=json.")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore(
    path: Path, *, using: str = "default", truncate: bool = False, report: list | None = None
) -> str:
    """Replace everything in database `using` with the backup in `path`; returns its format.

    The backup is checked before the database is touched: its kind, its schema against the
    code's migrations and that it holds this site's data. Anything else is refused with a
    BackupError and the database stays as it was.
    """
    connection = connections[using]
    kind = file_format(path)
    if kind == "json":
        with open(path, encoding="utf-8") as stream:
            import_json(stream, using=using, truncate=truncate, report=report)
    elif kind != connection.vendor:
        raise BackupError(
            f"{path} is a native {kind} backup and this site uses {connection.vendor}: "
            "move between databases with a JSON backup (backup --format=json)."
        )
    elif kind == "sqlite":
        check_sqlite_backup(path)
        _restore_sqlite(connection, path)
    else:
        check_postgresql_backup(connection, path)
        _restore_postgresql(connection, path)
    # Every stamp a cache keeps may name what the restore took away.
    caching.forget_stamps()
    return kind


def expected_migrations() -> set[str]:
    """Every migration of the code, as "app.name": what a backup of this site has applied."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.graph.nodes}


def _check_migrations(path, applied: set[str]):
    if not applied:
        raise BackupError(
            f"{path} holds no data of this site (no migrations recorded); nothing was restored."
        )
    expected = expected_migrations()
    if applied != expected:
        missing = sorted(expected - applied)
        extra = sorted(applied - expected)
        raise BackupError(
            f"{path} was made at other migrations than this code's; nothing was restored. "
            + (f"Not in the backup: {', '.join(missing[:5])}. " if missing else "")
            + (f"Only in the backup: {', '.join(extra[:5])}. " if extra else "")
            + "Restore it with the code version that made it (then `migrate`)."
        )


def _schema_differences(found: dict, expected: dict, path) -> None:
    extra = sorted(set(found) - set(expected))
    missing = sorted(set(expected) - set(found))
    changed = sorted(key for key in set(found) & set(expected) if found[key] != expected[key])
    if extra or missing or changed:

        def names(keys):
            return ", ".join(f"{kind} {name}" for kind, name in keys[:5])

        raise BackupError(
            f"{path} does not have this site's schema; nothing was restored. "
            + (f"Not made by the migrations: {names(extra)}. " if extra else "")
            + (f"Missing: {names(missing)}. " if missing else "")
            + (f"Different: {names(changed)}. " if changed else "")
        )


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


def _normalise_sql(sql):
    return re.sub(r"\s+", " ", sql or "").strip()


def sqlite_schema(database) -> dict:
    """Every entry of `database`'s sqlite_master (a sqlite3 connection), described so that two
    databases made by the same migrations compare equal: tables by their columns (whose order
    and CREATE text depend on how a table was altered), everything else by its SQL."""
    schema = {}
    rows = database.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if name.startswith("sqlite_stat"):
            continue  # ANALYZE's statistics: no code, no data of the site
        if kind == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL"):
            quoted = name.replace('"', '""')
            columns = database.execute(f'PRAGMA table_info("{quoted}")').fetchall()
            described = tuple(sorted(tuple(column[1:]) for column in columns))
        else:
            described = (table, _normalise_sql(sql))
        schema[(kind, name)] = described
    return schema


@functools.cache
def reference_sqlite_schema() -> dict:
    """The schema the code's migrations make on SQLite: a scratch database migrated once per
    process, then compared entry by entry with a backup."""
    from django.db.utils import load_backend

    from claimsite.env import sqlite_config

    alias = "backup_reference"
    with tempfile.TemporaryDirectory() as folder:
        settings = sqlite_config(Path(folder) / "reference.sqlite3")
        settings = connections.configure_settings({**connections.settings, alias: settings})
        wrapper = load_backend(settings[alias]["ENGINE"]).DatabaseWrapper(settings[alias], alias)
        setattr(connections._connections, alias, wrapper)
        try:
            call_command("migrate", database=alias, interactive=False, verbosity=0)
        finally:
            wrapper.close()
            delattr(connections._connections, alias)
        reference = sqlite3.connect(Path(folder) / "reference.sqlite3")
        try:
            return sqlite_schema(reference)
        finally:
            reference.close()


def check_sqlite_backup(path):
    """Refuse a SQLite file that is damaged, holds no data of this site, or whose schema is
    not exactly what the migrations make: an extra trigger, view or index in a backup would
    run in the site's database after the restore."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened ({error}); nothing was restored.") from error
    try:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{path} is damaged ({verdict}); nothing was restored.")
        schema = sqlite_schema(source)
        if ("table", "django_migrations") not in schema:
            raise BackupError(
                f"{path} is a SQLite database, but not a backup of this site (it has no "
                "migrations table); nothing was restored."
            )
        applied = {
            f"{app}.{name}"
            for app, name in source.execute("SELECT app, name FROM django_migrations")
        }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database ({error}).") from error
    finally:
        source.close()
    _check_migrations(path, applied)
    _schema_differences(schema, reference_sqlite_schema(), path)


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


# What pg_dump writes for the site's schema. Anything else in a dump (a rule, a view, a
# policy, an extension, an event trigger, a function or trigger that is not ours) could run
# code in the site's database after the restore, and is refused.
PG_ALLOWED_ENTRIES = {
    "TABLE",
    "TABLE DATA",
    "SEQUENCE",
    "SEQUENCE OWNED BY",
    "SEQUENCE SET",
    "DEFAULT",
    "CONSTRAINT",
    "FK CONSTRAINT",
    "INDEX",
    "FUNCTION",
    "TRIGGER",
}
_PG_ENTRY = re.compile(r"^\d+; \d+ \d+ (?P<rest>.*)$")


def _pg_entries(listing: str):
    """(type, schema, name) of each entry of `pg_restore --list`."""
    types = sorted(
        PG_ALLOWED_ENTRIES | {"RULE", "VIEW", "POLICY", "EXTENSION", "EVENT TRIGGER"},
        key=len,
        reverse=True,
    )
    for line in listing.splitlines():
        match = _PG_ENTRY.match(line)
        if not match:
            continue
        rest = match["rest"]
        kind = next((t for t in types if rest.startswith(t + " ")), rest.split(" ")[0])
        words = rest[len(kind) :].split()
        # SCHEMA NAME… OWNER: a trigger's name is "table trigger"; "-" when no schema.
        yield kind, words[0] if words else "", " ".join(words[1:-1])


def _expected_pg_columns(alias) -> dict:
    expected = {"django_migrations": {"id", "app", "name", "applied"}}
    for model in site_models(alias):
        expected[model._meta.db_table] = {f.column for f in model._meta.local_concrete_fields}
    return expected


def _function_body(sql):
    match = re.search(r"\$\$(.*?)\$\$", sql, re.DOTALL)
    return _normalise_sql(match.group(1)) if match else None


def check_postgresql_backup(connection, path):
    """Refuse a pg_dump file that holds no data of this site or whose schema is not what the
    migrations make: its tables and their columns, and no code but the site's own history
    guard (claims/immutable_history.py)."""
    from claims import immutable_history

    restore_tool = pg_tool(connection, "pg_restore")
    env = _pg_environment(connection)

    def read(*arguments):
        command = [restore_tool, *arguments, str(path.resolve())]
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise BackupError(f"{path} cannot be read by pg_restore: {result.stderr.strip()}")
        return result.stdout

    entries = list(_pg_entries(read("--list")))
    ours = {
        "function": {
            name: _function_body(sql)
            for sql in immutable_history.POSTGRES_CREATE
            for name in re.findall(r"CREATE OR REPLACE FUNCTION (\w+)\(", sql)
        },
        "trigger": set(
            re.findall(r"CREATE TRIGGER (\w+)", " ".join(immutable_history.POSTGRES_CREATE))
        ),
    }
    strangers = []
    for kind, schema, name in entries:
        if kind not in PG_ALLOWED_ENTRIES or schema not in ("public", "-"):
            strangers.append(f"{kind} {schema}.{name}")
        elif kind == "FUNCTION" and name.removesuffix("()") not in ours["function"]:
            strangers.append(f"FUNCTION {name}")
        elif kind == "TRIGGER" and name.split(" ")[-1] not in ours["trigger"]:
            strangers.append(f"TRIGGER {name}")
    if strangers:
        raise BackupError(
            f"{path} holds what the site's migrations never make: {', '.join(strangers[:5])}; "
            "nothing was restored."
        )
    schema_sql = read("--schema-only", "--no-owner", "--no-privileges", "--file=-")
    for name, body in ours["function"].items():
        found = re.search(
            rf"CREATE FUNCTION public\.{name}\(\).*?\$\$.*?\$\$", schema_sql, re.DOTALL
        )
        if found and _function_body(found.group(0)) != body:
            raise BackupError(f"{path} holds a changed {name}() function; nothing was restored.")
    tables = {
        match.group(1): {
            line.strip().split(" ")[0].strip('"')
            for line in match.group(2).splitlines()
            if line.strip() and not line.strip().startswith("CONSTRAINT")
        }
        for match in re.finditer(
            r"^CREATE TABLE public\.(\w+) \(\n(.*?)\n\);", schema_sql, re.DOTALL | re.MULTILINE
        )
    }
    if "django_migrations" not in tables:
        raise BackupError(
            f"{path} is a PostgreSQL dump, but not a backup of this site (it has no "
            "migrations table); nothing was restored."
        )
    expected = _expected_pg_columns(connection.alias)
    found = {("table", name): tuple(sorted(columns)) for name, columns in tables.items()}
    wanted = {("table", name): tuple(sorted(columns)) for name, columns in expected.items()}
    data = read("--data-only", "--table=django_migrations", "--file=-")
    copy = re.search(r"^COPY public\.django_migrations .*?\n(.*?)^\\\.$", data, re.S | re.M)
    applied = set()
    for line in (copy.group(1) if copy else "").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3:
            applied.add(f"{fields[1]}.{fields[2]}")
    _check_migrations(path, applied)
    _schema_differences(found, wanted, path)


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
            if is_full_text_index(model):
                continue  # written again from the listings by a restore
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


def values_beyond_limits(objects, *, truncate: bool) -> list[str]:
    """What in deserialized `objects` does not fit its column (SQLite stores any length,
    PostgreSQL refuses): one line per value. With `truncate`, such values are cut to fit."""
    lines = []
    for item in objects:
        row = item.object
        for field in row._meta.local_concrete_fields:
            limit = getattr(field, "max_length", None)
            value = getattr(row, field.attname)
            if not (limit and isinstance(field, CharField) and isinstance(value, str)):
                continue
            if len(value) > limit:
                what = f"{row._meta.label_lower} id {row.pk}: {field.name} has {len(value)}"
                if truncate:
                    setattr(row, field.attname, value[:limit])
                    lines.append(f"{what} characters, cut to {limit}.")
                else:
                    lines.append(f"{what} characters, the column holds {limit}.")
    return lines


def import_json(stream, *, using="default", truncate=False, report=None):
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
    # Every row is read and checked before the database is touched: a row this database
    # cannot hold is reported, never found half-way through the restore.
    try:
        items = list(serializers.deserialize("python", objects, using=using))
    except (DeserializationError, LookupError, ValueError, TypeError) as error:
        message = f"A row of the backup is damaged ({error}); nothing was restored."
        raise BackupError(message) from error
    beyond = values_beyond_limits(items, truncate=truncate)
    if beyond and not truncate:
        raise BackupError(
            f"{len(beyond)} value(s) do not fit this database's columns; nothing was "
            "restored:\n  " + "\n  ".join(beyond[:50]) + "\nRestore with --truncate to cut "
            "them to fit (each cut is listed)."
        )
    if report is not None:
        report.extend(beyond)
    with transaction.atomic(using=using):
        # Empty everything, the rows migrations made included (content types, permissions,
        # groups): the export has them all, with their ids.
        call_command(
            "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
        )
        with connection.constraint_checks_disabled(), loading_history():
            for item in items:
                # A raw save, as loaddata does: no model save() logic, no auto_now, values
                # stored exactly as exported.
                item.save(using=using)
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
        # The full-text index is no backup's data: write it from the restored listings.
        search.reindex_all(PublishedClaim, using=using)
        sequences = connection.ops.sequence_reset_sql(no_style(), models)
        if sequences:
            with connection.cursor() as cursor:
                for sql in sequences:
                    cursor.execute(sql)
    return len(objects)
