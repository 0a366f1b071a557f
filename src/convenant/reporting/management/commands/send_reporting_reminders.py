"""`convenant send_reporting_reminders`: remind the parties that have not submitted, 14 and 3
days before a cycle's deadline and 1 and 7 days after it. The worker's beat does the same
every hour; this is for a cron without beat. It runs as a job, so it shows on the jobs page."""

from typing import Any

from django.core.management.base import BaseCommand

from convenant.core.jobs import run_job
from convenant.core.models import Job
from convenant.reporting.jobs import queue_reminders


class Command(BaseCommand):
    help = "Send reporting reminders to parties that have not submitted."

    def handle(self, *args: Any, **options: Any) -> None:
        job = queue_reminders()
        run_job(job.pk)  # here and now; a worker that also got it finds it taken
        job = Job.objects.unrestricted("the command's own job").get(pk=job.pk)
        self.stdout.write(f"{job.state}: {job.result}")
