"""`convenant load_requirements [EDITION | PATH]`: load an edition of the self-assessment's
requirement tree (reference data; idempotent; a changed file under a loaded edition is
refused)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.toolkit.requirements import (
    REQUIREMENTS_DIR,
    EditionChanged,
    editions_shipped,
    load_requirements,
)


class Command(BaseCommand):
    help = "Load the requirement tree (the newest edition in toolkit/data/requirements by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "edition", nargs="?", help="an edition shipped (2026.1) or a requirements.yaml file"
        )

    def handle(self, *args: Any, edition: str | None = None, **options: Any) -> None:
        path = None
        if edition:
            path = Path(edition)
            if not path.is_file():
                path = REQUIREMENTS_DIR / edition / "requirements.yaml"
            if not path.is_file():
                shipped = ", ".join(editions_shipped())
                raise CommandError(f"No edition or file {edition} (shipped: {shipped}).")
        try:
            loaded, created = load_requirements(path)
        except EditionChanged as error:
            raise CommandError(str(error)) from error
        except (ValueError, KeyError) as error:
            raise CommandError(f"The requirement tree is not sound: {error}") from error
        if created:
            self.stdout.write(f"Requirements {loaded}: {created} nodes loaded.")
        else:
            self.stdout.write(f"Requirements {loaded}: already loaded, unchanged.")
