"""`convenant backup --output FILE`: the database and every uploaded file in one archive,
optionally encrypted with age (see ``convenant.core.backup`` for what is inside)."""

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.backup import BackupError, backup


def passphrase_from(variable: str | None) -> str | None:
    """The passphrase from an environment variable: never an argument `ps` would show."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise CommandError(f"The environment variable {variable} is not set or empty.")
    return value


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and every uploaded file into one archive, "
        "optionally encrypted with a passphrase or to age public keys."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, required=True, help="The archive to write.")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--passphrase-env",
            metavar="VAR",
            help="Encrypt with the passphrase held in this environment variable.",
        )
        secret.add_argument(
            "--recipient",
            action="append",
            metavar="AGE_PUBLIC_KEY",
            help="Encrypt to this age public key (age1…); repeat for several.",
        )
        parser.add_argument(
            "--work-dir",
            type=Path,
            help="Where the database dump waits while the archive is written "
            "(default: the archive's folder).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(
                options["output"],
                passphrase=passphrase_from(options["passphrase_env"]),
                recipients=options["recipient"],
                work_dir=options["work_dir"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Wrote {result.path}\n"
            f"  size    {result.size:,} bytes\n"
            f"  sha256  {result.sha256}\n"
            f"  {result.tables} tables, {result.rows:,} rows, {result.files} files, "
            f"{result.seconds:.1f} s"
        )
