"""`convenant import_holdings PATH --fund CODE --as-of YYYY-MM-DD [--by EMAIL]`: the same
import as the upload page, from the command line, with a progress bar."""

import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Membership, Party
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.importing.mapping import ColumnsNeeded
from convenant.portfolios.importing.report import RowsRejected


class Command(BaseCommand):
    help = "Import a fund's holdings file (CSV, XLSX or ODS) as its snapshot for a date."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--fund", required=True, help="the fund's code, e.g. PF001")
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--by",
            help="e-mail of the fund editor on whose behalf to import "
            "(default: the fund's first administrator or editor)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="say which field a column holds (repeatable)",
        )
        parser.add_argument(
            "--import-valid-rows",
            action="store_true",
            help="import the valid rows when some rows are rejected",
        )
        parser.add_argument("--rejected", type=Path, help="where to write the rejected rows")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        fund = Party.objects.filter(code=options["fund"].upper()).first()
        if fund is None:
            raise CommandError(f"No party with code {options['fund']}.")
        try:
            as_of = datetime.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("--as-of must be a date as YYYY-MM-DD.") from None
        by = self._person(fund, options["by"])
        columns = dict(item.split("=", 1) for item in options["map"] if "=" in item)
        try:
            report = import_holdings(
                by=by,
                fund=fund,
                as_of=as_of,
                path=path,
                filename=path.name,
                columns=columns,
                import_valid_rows=options["import_valid_rows"],
                progress=self._bar,
            )
        except ColumnsNeeded as error:
            raise CommandError(
                f"{error.messages[0]} Columns in the file: "
                f"{', '.join(error.headings)}. Use --map HEADING=FIELD."
            ) from None
        except RowsRejected as error:
            for line, column, reason in error.report.errors[:30]:
                self.stderr.write(
                    "  "
                    + _("line %(line)s, column %(column)s: %(reason)s")
                    % {"line": line, "column": column, "reason": reason}
                )
            raise CommandError(error.messages[0]) from None
        except ActionError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(
            _(
                "%(fund)s %(date)s: %(imported)s positions imported (%(matched)s matched, "
                "%(review)s to review, %(new)s new issuers proposed); %(rejected)s rows rejected."
            )
            % {
                "fund": fund.code,
                "date": as_of,
                **{
                    key: number_format(getattr(report, key), force_grouping=True)
                    for key in ("imported", "matched", "review", "new", "rejected")
                },
            }
        )
        if report.rejected_csv and options["rejected"]:
            options["rejected"].write_bytes(report.rejected_csv)
            self.stdout.write(
                _("Rejected rows with their errors: %(path)s") % {"path": options["rejected"]}
            )

    def _person(self, fund: Party, email: str | None) -> User:
        memberships = Membership.objects.unrestricted(
            "import_holdings: an operator's command"
        ).filter(party=fund, role__in=["administrator", "editor"])
        if email:
            memberships = memberships.filter(user__email__iexact=email)
        membership = memberships.select_related("user").order_by("role", "pk").first()
        if membership is None:
            raise CommandError(f"Nobody (matching --by) may import holdings for {fund.code}.")
        return membership.user

    def _bar(self, stage: str, share: float) -> None:
        if not sys.stderr.isatty():
            return
        filled = int(share * 30)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {stage:<8}")
        if share >= 1:
            sys.stderr.write("\n")
