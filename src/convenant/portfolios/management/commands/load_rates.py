"""`convenant load_rates FILE [--by EMAIL]`: load exchange rates from the ECB's euro
reference-rate history (eurofxref-hist.csv or its .zip, exactly as published) or from lines
of date,currency,rate. One transaction: a bad cell is named and nothing is written."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.portfolios.actions.rates import RatesRejected, load_exchange_rates


class Command(BaseCommand):
    help = (
        "Load exchange rates (units per euro) from the ECB's reference-rate history "
        "(eurofxref-hist.csv or .zip) or a date,currency,rate file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="eurofxref-hist.csv, its .zip, or a CSV")
        parser.add_argument(
            "--by",
            help="e-mail of the secretariat member on whose behalf to load "
            "(default: convenant itself, recorded as system)",
        )

    def handle(self, *args: Any, path: Path, by: str | None, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        person = None
        if by:
            person = (
                User.objects.unrestricted("the command names who loads the rates")
                .filter(email__iexact=by.strip())
                .first()
            )
            if person is None:
                raise CommandError(f"No person with e-mail {by}.")
        try:
            report = load_exchange_rates(by=person, data=path.read_bytes(), filename=path.name)
        except RatesRejected as error:
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{path.name}: nothing was loaded.") from None
        except ActionError as error:
            raise CommandError(error.messages[0]) from None
        except PermissionDenied:
            raise CommandError(
                f"{by} may not keep the exchange rates (the secretariat does)."
            ) from None
        self.stdout.write(
            f"{path.name}: {report.read:,} rates of {len(report.currencies)} currencies "
            f"from {report.first_date} to {report.last_date}: {report.added:,} added, "
            f"{report.corrected:,} corrected, {report.unchanged:,} unchanged."
        )
