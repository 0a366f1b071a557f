"""Holdings imports run as core jobs: each import gets a Job that records how its run went
(state, progress, stage, failure message, language); the import keeps only its outcome. The
data step gives every existing import its job, and back."""

import django.db.models.deletion
from django.db import migrations, models

KIND = "portfolios.import_holdings"
OUTCOMES = {"columns", "rejected", "done"}


def to_jobs(apps, schema_editor):
    ImportJob = apps.get_model("portfolios", "ImportJob")
    Job = apps.get_model("core", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    subject_type, _ = ContentType.objects.get_or_create(app_label="portfolios", model="importjob")
    for imp in ImportJob.objects.all().iterator():
        finished = imp.status not in {"queued", "running"}
        job = Job.objects.create(
            kind=KIND,
            subject_type=subject_type,
            subject_id=str(imp.pk),
            party_id=imp.fund_id,
            created_by_id=imp.created_by_id,
            language=imp.language,
            state={"queued": "queued", "running": "running", "failed": "failed"}.get(
                imp.status, "succeeded"
            ),
            attempts=0 if imp.status == "queued" else 1,
            stage=imp.stage[:40],
            progress=min(max(imp.progress, 0.0), 1.0),
            message=imp.message if imp.status == "failed" else "",
            created_at=imp.created_at,
            started_at=None if imp.status == "queued" else imp.created_at,
            finished_at=imp.updated_at if finished else None,
            # A run caught "running" is noticed by the sweep once this beat is old.
            heartbeat_at=imp.updated_at if imp.status == "running" else None,
        )
        imp.job_id = job.pk
        imp.outcome = imp.status if imp.status in OUTCOMES else ""
        if imp.status not in OUTCOMES:
            imp.message = ""
        imp.save(update_fields=["job", "outcome", "message"])


def from_jobs(apps, schema_editor):
    ImportJob = apps.get_model("portfolios", "ImportJob")
    Job = apps.get_model("core", "Job")
    for imp in ImportJob.objects.all().iterator():
        job = Job.objects.filter(pk=imp.job_id).first()
        state = job.state if job is not None else "failed"
        imp.status = imp.outcome or {"queued": "queued", "running": "running"}.get(state, "failed")
        if job is not None:
            imp.stage, imp.progress, imp.language = job.stage[:20], job.progress, job.language
            if not imp.outcome:
                imp.message = job.message
        imp.job_id = None
        imp.save(update_fields=["status", "stage", "progress", "language", "message", "job"])
    Job.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_jobs"),
        ("portfolios", "0007_import_job_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("columns", "Columns to name"),
                    ("rejected", "Rows cannot be read"),
                    ("done", "Imported"),
                ],
                max_length=10,
                verbose_name="outcome",
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="job",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.job",
            ),
        ),
        migrations.RunPython(to_jobs, from_jobs),
        migrations.RemoveField(model_name="importjob", name="language"),
        migrations.RemoveField(model_name="importjob", name="progress"),
        migrations.RemoveField(model_name="importjob", name="stage"),
        migrations.RemoveField(model_name="importjob", name="status"),
    ]
