"""`convenant load_reference [--dataset ID]`: load or update the reference datasets shipped in
convenant/risk/data (each with its PROVENANCE.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.risk.actions import library_folders, load_reference_dataset


class Command(BaseCommand):
    help = "Load or update the reference datasets (ITUC, ILO, US DoL, Walk Free)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dataset", help="only this dataset id, e.g. ituc-gri")

    def handle(self, *args: Any, dataset: str | None, **options: Any) -> None:
        folders = [f for f in library_folders() if dataset in (None, f.name)]
        if not folders:
            raise CommandError(f"No dataset {dataset!r} in the library.")
        for folder in folders:
            try:
                loaded = load_reference_dataset(folder)
            except ActionError as error:
                raise CommandError(error.messages[0]) from None
            self.stdout.write(f"{loaded}: {loaded.rows} rows ({loaded.citation})")
