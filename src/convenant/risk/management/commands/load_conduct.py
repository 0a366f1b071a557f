"""`convenant load_conduct PATH --source NAME --by EMAIL`: load what a data source says about
companies' conduct (UN Global Compact / OECD Guidelines violations and compliance processes),
the input of SFDR indicators 10 and 11."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.risk.actions import load_conduct_records


class Command(BaseCommand):
    help = "Load conduct data (CSV: identifier, violation, monitoring, as_of[, themes, note])."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="e.g. the data provider's name")
        parser.add_argument("--by", required=True, help="e-mail of the secretariat member")

    def handle(self, *args: Any, path: Path, source: str, by: str, **options: Any) -> None:
        user = (
            User.objects.unrestricted("load_conduct: an operator's command")
            .filter(email__iexact=by, is_active=True)
            .first()
        )
        if user is None:
            raise CommandError(f"No active user with e-mail {by}.")
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            count = load_conduct_records(path=path, source=source, by=user)
        except ActionError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(f"{count} conduct records loaded from {source}.")
