"""`convenant bootstrap --covenant-name … --covenant-short-name … --start-date YYYY-MM-DD
[--end-date YYYY-MM-DD] --secretariat-name … --admin-email … --admin-name … [--language nl|en]`:
a new installation's covenant, its secretariat and an invitation for the secretariat's first
administrator, who sets a password (and, as the secretariat must, two-factor authentication)
on accepting it. No password on the command line. Refused once the secretariat has an active
administrator."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.parties.actions_bootstrap import bootstrap


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Set up a new installation: the covenant (if there is none), the secretariat and an "
        "invitation for its first administrator."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--covenant-name", required=True)
        parser.add_argument("--covenant-short-name", required=True, help="at most 40 characters")
        parser.add_argument("--start-date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--end-date", help="YYYY-MM-DD (default: five years after the start)")
        parser.add_argument("--secretariat-name", required=True)
        parser.add_argument(
            "--secretariat-code",
            default="SECRETARIAT",
            help="short unique code (default: %(default)s)",
        )
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)
        parser.add_argument(
            "--language", choices=["nl", "en"], default="nl", help="of the invitation e-mail"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start_date"])
        end = _date(options["end_date"]) if options["end_date"] else None
        try:
            done, _token = bootstrap(
                covenant_name=options["covenant_name"],
                covenant_short_name=options["covenant_short_name"],
                start_date=start,
                end_date=end,
                secretariat_name=options["secretariat_name"],
                secretariat_code=options["secretariat_code"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                language=options["language"],
            )
        except ActionError as error:
            raise CommandError(f"{error.messages[0]} Nothing was changed.") from None
        covenant, secretariat = done.covenant, done.secretariat
        if done.covenant_created:
            self.stdout.write(
                f"Covenant {covenant.short_name} created ({covenant.start_date} to "
                f"{covenant.end_date})."
            )
        else:
            self.stdout.write(f"Covenant {covenant.short_name} exists already: kept as it is.")
        if done.secretariat_created:
            self.stdout.write(f"Secretariat {secretariat.name} ({secretariat.code}) created.")
        else:
            self.stdout.write(f"Secretariat {secretariat.name} exists already: kept as it is.")
        if done.withdrawn:
            self.stdout.write(
                f"{done.withdrawn} earlier invitation(s) withdrawn; their links no longer work."
            )
        invitation = done.invitation
        self.stdout.write(
            f"Invitation for {invitation.full_name} <{invitation.email}>, administrator of "
            f"{secretariat.name}, e-mailed (by the worker) and valid until "
            f"{invitation.expires_at:%Y-%m-%d %H:%M %Z}. The link, should the e-mail not "
            f"arrive (give it to that person only; it works once):\n  {done.url}"
        )
        self.stdout.write(
            "Next: convenant load_reference_data loads the reference data shipped with convenant."
        )
