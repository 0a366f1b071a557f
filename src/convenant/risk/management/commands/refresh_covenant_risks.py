"""`convenant refresh_covenant_risks`: rebuild the covenant risks page's totals from every
fund's latest complete holdings — the repair after a restore, a failed refresh job or a
change of AGGREGATE_MIN_FUNDS. Jobs keep them up to date otherwise (after each scoring of a
snapshot and each recomputation of companies)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from convenant.risk.actions import refresh_covenant_risks


class Command(BaseCommand):
    help = "Rebuild the covenant risks from every fund's latest complete holdings."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        rows = refresh_covenant_risks()
        self.stdout.write(
            f"Covenant risks rebuilt: {rows} rows (company, theme and priority) "
            f"in {time.perf_counter() - start:.1f} s."
        )
