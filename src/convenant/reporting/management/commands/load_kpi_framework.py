"""`convenant load_kpi_framework [VERSION | PATH]`: load the KPI framework (reference data;
every version shipped by default, oldest first; idempotent; a changed file under a loaded
version is refused)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from convenant.reporting.framework import (
    FILE_NAME,
    FRAMEWORKS_DIR,
    FrameworkChanged,
    load_all,
    load_framework,
    versions_shipped,
)


class Command(BaseCommand):
    help = "Load the KPI framework (every version in reporting/data/frameworks by default)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "version", nargs="?", help="a version shipped (2022.1) or a framework.yaml file"
        )

    def handle(self, *args: Any, version: str | None = None, **options: Any) -> None:
        try:
            if version:
                path = Path(version)
                if not path.is_file():
                    path = FRAMEWORKS_DIR / version / FILE_NAME
                if not path.is_file():
                    shipped = ", ".join(versions_shipped())
                    raise CommandError(f"No version or file {version} (shipped: {shipped}).")
                results = [load_framework(path)]
            else:
                results = load_all()
        except FrameworkChanged as error:
            raise CommandError(str(error)) from error
        except (ValueError, KeyError, TypeError) as error:
            raise CommandError(f"The KPI framework is not sound: {error}") from error
        for loaded, created in results:
            if created:
                self.stdout.write(f"KPI framework {loaded}: loaded.")
            else:
                self.stdout.write(f"KPI framework {loaded}: already loaded, unchanged.")
