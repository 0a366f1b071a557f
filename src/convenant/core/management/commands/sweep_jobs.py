"""`convenant sweep_jobs`: requeue or fail jobs whose worker stopped, resend lost ones. The
worker's beat runs the same every minute; this is for a cron without beat."""

from typing import Any

from django.core.management.base import BaseCommand

from convenant.core.jobs import sweep_jobs


class Command(BaseCommand):
    help = "Requeue or fail background jobs whose worker stopped; resend jobs never started."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sweep_jobs()
        self.stdout.write(
            f"{counts['requeued']} requeued, {counts['failed']} failed, {counts['resent']} resent"
        )
