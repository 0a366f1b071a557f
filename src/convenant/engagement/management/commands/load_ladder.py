"""`convenant load_ladder [PATH]`: load an edition of the escalation ladder (reference data,
idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.engagement.ladder import load_ladder


class Command(BaseCommand):
    help = "Load the escalation ladder (engagement/data/ladder by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="a folder with dataset.yaml")

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        if path is not None and not (path / "dataset.yaml").is_file():
            raise CommandError(f"No dataset.yaml in {path}.")
        edition, created = load_ladder(path)
        self.stdout.write(f"Escalation ladder {edition}: {created} steps added.")
