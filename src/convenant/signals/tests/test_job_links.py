"""A job that followed up a signal links to it from the job's own page."""

from django.test import Client

from convenant.core.models import Job
from convenant.core.testing import World
from convenant.signals.jobs import AFTER_SHARE
from convenant.signals.tests.helpers import load_themes, shared_signal


def test_a_signal_job_links_to_its_signal_on_its_own_page(world: World) -> None:
    """The jobs list no longer looks up each job's subject (a query per job); the job's
    own page still links to the signal it followed up."""
    load_themes()
    signal = shared_signal(world, title="Melding")
    job = Job.objects.create(
        kind=AFTER_SHARE, subject_id=str(signal.pk), created_by=world.users["secretariat"]
    )
    client = Client()
    client.force_login(world.users["secretariat"])
    assert f'href="/signals/{signal.reference}/"' in client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/jobs/{job.pk}/" in client.get("/jobs/").content.decode()
