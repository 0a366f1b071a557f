"""`convenant erase_person EMAIL --reason TEXT`: erase a person on request (GDPR art. 17), for
a secretariat that works from the command line. The same action as the page: the account
gets a pseudonym, the audit events stay, pseudonymised. Asks for the address again unless
``--yes``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from convenant.core.actions_privacy import erase_person
from convenant.core.errors import ActionError
from convenant.core.management.commands.export_personal_data import person_by_email


class Command(BaseCommand):
    help = "Erase a person's name and address everywhere; their audit events stay, pseudonymised."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--reason", required=True, help="why (recorded in the audit log)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        person = person_by_email(options["email"])
        confirm = person.email
        if not options["yes"]:
            self.stdout.write(
                f"This erases {person.full_name} <{person.email}> for good: the name and "
                "address are replaced by a pseudonym everywhere."
            )
            confirm = input("Type the address again to confirm: ")
        try:
            pseudonym = erase_person(
                by=None, person=person, reason=options["reason"], confirm_email=confirm
            )
        except ActionError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(f"Erased; the person is now {pseudonym}.")
