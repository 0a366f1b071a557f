"""`convenant export_personal_data EMAIL --output FILE`: a person's data as one JSON file, for
a secretariat that answers a request for access (GDPR art. 15/20) from the command line.
The same action as the page: the export is audited, with the reason."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convenant.core.actions_privacy import export_personal_data
from convenant.core.errors import ActionError
from convenant.core.models import User, normalize_email


def person_by_email(email: str) -> User:
    person = (
        User.objects.unrestricted("an operator names a person by address")
        .filter(email=normalize_email(email))
        .first()
    )
    if person is None:
        raise CommandError(f"No person with the address {email}.")
    return person


class Command(BaseCommand):
    help = "Export everything convenant holds about a person as one JSON file (UTF-8)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--output", required=True, help="the JSON file to write")
        parser.add_argument(
            "--reason", default="request by the person", help="why (recorded in the audit log)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = person_by_email(options["email"])
        try:
            document = export_personal_data(by=None, person=person, reason=options["reason"])
        except ActionError as error:
            raise CommandError(error.messages[0]) from None
        Path(options["output"]).write_text(document + "\n", encoding="utf-8")
        self.stdout.write(f"Written to {options['output']}.")
