"""`convenant restore FILE`: check an archive of `convenant backup` whole, then replace the
database and the upload folders with it, and compare the row counts with its manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.backup import BackupError, restore
from convenant.core.management.commands.backup import passphrase_from


class Command(BaseCommand):
    help = (
        "Restore a backup of `convenant backup`: checks it first, then replaces the database "
        "and the uploaded files. Stop the web servers and workers first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, metavar="FILE")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--passphrase-env",
            metavar="VAR",
            help="The environment variable holding the backup's passphrase.",
        )
        secret.add_argument(
            "--identity",
            type=Path,
            metavar="FILE",
            help="A file with the age secret key (AGE-SECRET-KEY-1…) the backup was made for.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already holds data.",
        )
        parser.add_argument(
            "--work-dir",
            type=Path,
            help="Where the archive is unpacked and checked (default: the system's temp).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(
                options["archive"],
                passphrase=passphrase_from(options["passphrase_env"]),
                identity_file=options["identity"],
                replace=options["yes"],
                work_dir=options["work_dir"],
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {result.created_at}: {result.tables} tables, "
            f"{result.rows:,} rows, {result.files} files."
        )
        if result.mismatches:
            lines = "\n".join(
                f"  {table}: {expected} in the backup, {actual} now"
                for table, (expected, actual) in sorted(result.mismatches.items())
            )
            raise CommandError(f"Row counts differ from the backup's manifest:\n{lines}")
        self.stdout.write("Every table has the row count of the backup's manifest.")
        if result.pending_migrations:
            self.stdout.write(
                f"This code has {len(result.pending_migrations)} migrations the backup does "
                "not: run `convenant migrate` now."
            )
