"""`convenant send_governance_reminders`: remind the seats that have not voted, at their
body's offsets, and bodies of review dates; close proposals past their deadline. The worker's
beat does the same every hour; this is for a cron without beat. It runs as a job, so it shows
on the jobs page like any other."""

from typing import Any

from django.core.management.base import BaseCommand

from convenant.core.jobs import run_job
from convenant.core.models import Job
from convenant.governance.jobs import queue_reminders


class Command(BaseCommand):
    help = "Send governance reminders (votes not yet cast, review dates) and close due votes."

    def handle(self, *args: Any, **options: Any) -> None:
        job = queue_reminders()
        run_job(job.pk)  # here and now; a worker that also got it finds it taken
        job = Job.objects.unrestricted("the command's own job").get(pk=job.pk)
        self.stdout.write(f"{job.state}: {job.result}")
