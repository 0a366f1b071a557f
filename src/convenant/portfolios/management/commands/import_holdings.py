"""`convenant import_holdings PATH --fund CODE --as-of YYYY-MM-DD [--by EMAIL]`: the same
import as the upload page, from the command line, with a progress bar. Everything it says
about one import is in one language: ``--language``, else the active one (the site's)."""

import datetime
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.parties.models import Membership, Party
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.actions.imports import (
    SmallerThanBefore,
    check_currency,
    smaller_message,
)
from convenant.portfolios.importing.columns import FIELDS
from convenant.portfolios.importing.mapping import (
    ColumnsNeeded,
    check_columns,
    field_label,
    fields_help,
)
from convenant.portfolios.importing.report import RowsRejected


class Command(BaseCommand):
    help = "Import a fund's holdings file (CSV, XLSX, ODS or JSON) as its snapshot for a date."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--fund", required=True, help="the fund's code, e.g. PF001")
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--by",
            help="e-mail of the fund editor on whose behalf to import "
            "(default: the fund's first administrator or editor)",
        )
        fields = "; ".join(f"{key} ({label})" for key, (label, _h) in FIELDS.items())
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="say which field a column holds (repeatable): the column's heading and the "
            "field, by its key or its name in English or Dutch, either way round, e.g. "
            "--map 'Waarde in EUR=market_value' or --map 'Marktwaarde=Waarde in EUR'. "
            f"Fields: {fields.replace('%', '%%')}",
        )
        parser.add_argument(
            "--currency",
            metavar="CCY",
            default="",
            help="the currency of the file's values (ISO 4217, e.g. EUR), used only when "
            "neither a heading nor a currency column says it",
        )
        size = parser.add_mutually_exclusive_group()
        size.add_argument(
            "--complete",
            action="store_true",
            help="the file holds all the fund's holdings, even if it is much smaller than "
            "the previous snapshot",
        )
        size.add_argument(
            "--partial",
            action="store_true",
            help="the file holds only part of the holdings: keep it as a partial snapshot, "
            "never the fund's current one",
        )
        parser.add_argument(
            "--import-valid-rows",
            action="store_true",
            help="import the valid rows when some rows are rejected",
        )
        parser.add_argument("--rejected", type=Path, help="where to write the rejected rows")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of every message (default: the active language)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        fund = Party.objects.filter(code=options["fund"].upper()).first()
        if fund is None:
            raise CommandError(_("No party with code %(code)s.") % {"code": options["fund"]})
        try:
            as_of = datetime.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(_("--as-of must be a date as YYYY-MM-DD.")) from None
        by = self._person(fund, options["by"])
        pairs = [item.split("=", 1) for item in options["map"]]
        bad = [item for item, pair in zip(options["map"], pairs, strict=True) if len(pair) != 2]
        if bad:
            raise CommandError(_("--map takes HEADING=FIELD, not “%(value)s”.") % {"value": bad[0]})
        try:
            columns = check_columns({left.strip(): right.strip() for left, right in pairs})
            report = import_holdings(
                by=by,
                fund=fund,
                as_of=as_of,
                path=path,
                filename=path.name,
                columns=columns,
                import_valid_rows=options["import_valid_rows"],
                currency=check_currency(options["currency"]),
                size_confirmed=options["complete"],
                partial=options["partial"],
                progress=self._bar,
            )
        except ColumnsNeeded as error:
            recognised = "; ".join(
                f"“{heading}” → {field_label(field)}" for heading, field in error.mapping.items()
            )
            raise CommandError(
                " ".join(
                    (
                        error.messages[0],
                        _("Columns in the file: %(headings)s.")
                        % {"headings": ", ".join(error.headings)},
                        _("Recognised: %(recognised)s.") % {"recognised": recognised or "—"},
                        _("Use --map HEADING=FIELD with one of these fields: %(fields)s.")
                        % {"fields": fields_help()},
                    )
                )
            ) from None
        except SmallerThanBefore as error:
            raise CommandError(
                " ".join(
                    (
                        smaller_message(error),
                        _(
                            "Nothing was imported. Run again with --complete if the file "
                            "holds all the holdings, or --partial if it holds only part of them."
                        ),
                    )
                )
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
        if options["partial"]:
            self.stdout.write(
                _("Kept as a partial snapshot: it does not become the fund's current holdings.")
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
            raise CommandError(
                _("Nobody (matching --by) may import holdings for %(fund)s.") % {"fund": fund.code}
            )
        return membership.user

    def _bar(self, stage: str, share: float) -> None:
        if not sys.stderr.isatty():
            return
        filled = int(share * 30)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {stage:<8}")
        if share >= 1:
            sys.stderr.write("\n")
