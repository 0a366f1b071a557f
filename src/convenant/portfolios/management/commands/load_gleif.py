"""`convenant load_gleif --lei FILE [--isin FILE]`: load issuer reference data from GLEIF's
golden copy (CSV or .zip) and its ISIN-to-LEI relationship file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.portfolios.actions.register import load_isin_mapping, load_lei_records


class Command(BaseCommand):
    help = "Load or refresh issuers from GLEIF files (LEI-CDF golden copy, ISIN-to-LEI map)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--lei", type=Path, help="LEI-CDF golden copy, .csv or .zip")
        parser.add_argument("--isin", type=Path, help="ISIN-to-LEI relationship file, .csv or .zip")
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(
        self, *args: Any, lei: Path | None, isin: Path | None, batch_size: int, **options: Any
    ) -> None:
        if not lei and not isin:
            raise CommandError("Give --lei FILE, --isin FILE or both.")
        for path, load in ((lei, load_lei_records), (isin, load_isin_mapping)):
            if path is None:
                continue
            if not path.exists():
                raise CommandError(f"{path}: no such file.")
            try:
                report = load(
                    path,
                    batch_size=batch_size,
                    progress=lambda n: self.stderr.write(f"\r{n:,} rows read", ending=""),
                )
            except ActionError as error:
                raise CommandError(error.messages[0]) from None
            self.stderr.write("")
            self.stdout.write(
                f"{path.name}: {report.read:,} rows read, {report.inserted:,} added, "
                f"{report.updated:,} updated, {report.skipped:,} skipped."
            )
            for line, column, reason in report.problems[:20]:
                self.stdout.write(f"  line {line}, column {column}: {reason}")
