"""The covenant risks' refresh through a real Celery worker and Redis broker (as in
production): queued with the change that asks for it, run after the commit, and the page
reads its totals."""

import datetime

from django.db import transaction
from django.test import Client

from convenant.core.models import Job
from convenant.core.testing import build_world
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer
from convenant.portfolios.tests.test_worker import (  # noqa: F401  (fixtures)
    broker,
    redis_broker,
    wait_for,
    worker,
)
from convenant.risk.jobs import REFRESH_COVENANT, queue_covenant_refresh
from convenant.risk.tests.test_covenant_refresh import hold, make_assessment


def test_the_refresh_runs_in_the_worker(transactional_db: None, worker: None) -> None:  # noqa: F811
    # Given three funds holding a company, their results not yet counted
    world = build_world()
    third = Party.objects.create(
        covenant=world.covenant,
        constituency=world.fund.constituency,
        type=Party.Type.PENSION_FUND,
        name="Pensioenfonds Gamma",
        slug="gamma",
        code="FG",
        joined_on=datetime.date(2019, 1, 1),
    )
    issuer = Issuer.objects.create(
        legal_name="Breed Gehouden N.V.", source="gleif", country_of_operations="BR"
    )
    hold([world.fund, world.other_fund, third], issuer, make_assessment())
    # When a rebuild is queued and its transaction commits
    with transaction.atomic():
        queue_covenant_refresh()
    job = Job.objects.unrestricted("test").get(kind=REFRESH_COVENANT)

    def finished() -> bool:
        job.refresh_from_db()
        return job.state in (Job.State.SUCCEEDED, Job.State.FAILED)

    # Then the worker ran it and the page shows the company
    assert wait_for(finished, 30), job.state
    assert (job.state, job.attempts, job.result) == ("succeeded", 1, {"rows": 1})
    client = Client()
    client.force_login(world.users["secretariat"])
    rows = client.get("/risks/covenant/").context["rows"]
    assert [(r["name"], r["funds"]) for r in rows] == [("Breed Gehouden N.V.", 3)]
