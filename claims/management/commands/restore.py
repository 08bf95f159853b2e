from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from claims.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup in FILE (made by `backup`; "
        "its kind is read from the file). A JSON backup needs a database migrated to the "
        "backup's migrations: run `migrate` first on a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--truncate",
            action="store_true",
            help="JSON only: cut text longer than this database's column to fit, listing each "
            "cut (without it, such a backup is refused before anything changes).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, database, interactive, truncate, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {name} with {file}.\n"
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                self.stdout.write("Restore cancelled.")
                return
        cuts = []
        try:
            kind = restore(file, using=database, truncate=truncate, report=cuts)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for line in cuts:
            self.stdout.write(f"Cut: {line}")
        self.stdout.write(f"Restored {name} from {file} ({kind}).")
