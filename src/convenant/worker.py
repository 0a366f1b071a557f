"""The Celery app (`celery -A convenant.worker worker`), for long jobs: holdings imports,
later matching, reports and reminders. The demo and the tests run tasks eagerly in-process;
production sets CELERY_BROKER_URL (Redis). (Not named celery.py: from inside the package
folder that name would shadow the celery library.)"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings")

app = Celery("convenant")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers and beat log through settings.LOGGING (JSON, scrubbed of personal data) instead
    of Celery's own plain-text set-up."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # Celery's warnings too, as log lines
