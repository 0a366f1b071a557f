"""`convenant load_gleif --lei FILE [--isin FILE]`: load issuer reference data from GLEIF's
golden copy (CSV or .zip) and its ISIN-to-LEI relationship file; `--delta FILE` applies one
of GLEIF's delta files (the records that changed in a day, a week or eight hours)."""

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.portfolios.actions.register import load_isin_mapping, load_lei_records


class Command(BaseCommand):
    help = (
        "Load or refresh issuers from GLEIF files (LEI-CDF golden copy, its delta files, "
        "ISIN-to-LEI map). Only records that changed are written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--lei", type=Path, help="LEI-CDF golden copy, .csv or .zip")
        parser.add_argument(
            "--delta", type=Path, help="a golden-copy delta file (same layout), .csv or .zip"
        )
        parser.add_argument("--isin", type=Path, help="ISIN-to-LEI relationship file, .csv or .zip")
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(
        self,
        *args: Any,
        lei: Path | None,
        delta: Path | None,
        isin: Path | None,
        batch_size: int,
        **options: Any,
    ) -> None:
        if not lei and not delta and not isin:
            raise CommandError("Give --lei FILE, --delta FILE, --isin FILE or several.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        loads = (
            (lei, load_lei_records, True),
            (delta, partial(load_lei_records, delta=True), True),
            (isin, load_isin_mapping, False),
        )
        for path, load, entities in loads:
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
                f"{report.updated:,} updated, {report.unchanged:,} unchanged, "
                f"{report.skipped:,} skipped."
            )
            if entities:
                self.stdout.write(
                    f"  other names: {report.aliases_added:,} added, "
                    f"{report.aliases_removed:,} removed; {report.ended:,} registrations "
                    f"ended (retired, annulled, merged), {report.merged:,} linked to their "
                    "successor."
                )
            for line, column, reason in report.problems[:20]:
                self.stdout.write(f"  line {line}, column {column}: {reason}")
