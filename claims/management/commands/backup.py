from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from claims.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole site to FILE while it runs: a native copy "
        "(SQLite's online backup, or pg_dump's custom format), or with --format=json a "
        "portable export either database can restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["native", "json"], default="native")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, format, database, **options):
        try:
            backup(file, using=database, format=format)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the site to {file} ({format}).")
