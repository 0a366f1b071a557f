"""`convenant load_reference_data [--only NAME …]`: load every reference dataset shipped with
convenant (each app's loader, in order), from the files in the package with their
PROVENANCE.md. Idempotent: running it again changes nothing and says so."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.core.errors import ActionError
from convenant.core.reference_data import loaders, separate_datasets


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with convenant (risk reference datasets, the "
        "requirement tree, KPI frameworks, the escalation ladder …). Idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="NAME",
            help="only these loaders: " + ", ".join(loader.name for loader in loaders()),
        )

    def handle(self, *args: Any, only: list[str] | None = None, **options: Any) -> None:
        chosen = loaders()
        if only:
            unknown = sorted(set(only) - {loader.name for loader in chosen})
            if unknown:
                known = ", ".join(loader.name for loader in chosen)
                raise CommandError(f"No loader {', '.join(unknown)} (there are: {known}).")
            chosen = [loader for loader in chosen if loader.name in only]
        changed = False
        for loader in chosen:
            self.stdout.write(f"{loader.name} ({loader.what}):")
            try:
                results = loader.load()
            except ActionError as error:
                raise CommandError(f"{loader.name}: {error.messages[0]}") from None
            except (ValueError, KeyError, TypeError) as error:
                # The loaders' own "changed file under a loaded edition" errors are ValueErrors.
                raise CommandError(f"{loader.name}: {error}") from None
            for result in results:
                self.stdout.write(f"  {result.summary}")
                changed = changed or result.changed
        if not changed:
            self.stdout.write("Nothing changed: all of it was loaded already.")
        if not only:
            self.stdout.write("Not loaded here (each has its own command, with your files):")
            for dataset in separate_datasets():
                self.stdout.write(f"  {dataset.what}: {dataset.command}")
