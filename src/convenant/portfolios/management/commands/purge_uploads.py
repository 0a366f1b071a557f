"""`convenant purge_uploads`: delete holdings files kept past their retention (run daily)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from convenant.portfolios.actions.imports import purge_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded holdings files (waiting for a choice, or of a failed or cancelled "
        "import; never of one queued or running) and rejected-row files older than "
        "HOLDINGS_UPLOAD_RETENTION_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_uploads()
        self.stdout.write(
            f"{deleted} file(s) older than {settings.HOLDINGS_UPLOAD_RETENTION_DAYS} days deleted."
        )
