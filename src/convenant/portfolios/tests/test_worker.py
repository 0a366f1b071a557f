"""A holdings import through a real Celery worker and a real Redis broker (as in
production), not the eager mode of the other tests: the upload is queued, the worker picks
it up, and the job ends with the snapshot."""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from convenant.core.jobs import sweep_jobs
from convenant.core.models import Job
from convenant.core.testing import World, build_world, redis_server
from convenant.portfolios.actions import import_holdings, queue_import
from convenant.portfolios.models import ImportJob, Issuer, Position, Snapshot
from convenant.worker import app


@pytest.fixture
def redis_broker() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def broker(redis_broker: str, settings) -> Iterator[str]:
    """This process sends its tasks to the Redis broker instead of running them eagerly."""
    previous = (app.conf.broker_url, app.conf.task_always_eager, app.conf.result_backend)
    app.close()  # drop connection pools made with the eager configuration
    app.amqp._producer_pool = None
    app.conf.update(broker_url=redis_broker, task_always_eager=False, result_backend=None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield redis_broker
    finally:
        app.close()
        app.amqp._producer_pool = None
        app.conf.update(
            broker_url=previous[0], task_always_eager=previous[1], result_backend=previous[2]
        )


@pytest.fixture
def worker(broker: str) -> Iterator[None]:
    app.loader.import_default_modules()  # as a real worker does at start: finds the tasks
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for(what: Callable[[], bool], seconds: float) -> bool:
    """Poll until ``what`` holds or the time is up (every wait in these tests is bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.1)
    return False


def upload_and_wait(world: World, content: bytes) -> ImportJob:
    """Queue an upload for the worker and wait (at most 30 s) until it has an outcome."""
    job = queue_import(
        by=world.users["fund_editor"],
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        chunks=[content],
        filename="bewaarder.csv",
    )

    def finished() -> bool:
        job.refresh_from_db()
        job.job.refresh_from_db()
        return job.finished

    wait_for(finished, 30)
    return job


def test_upload_runs_in_the_worker(transactional_db: None, worker: None) -> None:
    job = upload_and_wait(
        build_world(), b"Naam;Land;Marktwaarde;Valuta\nVoorbeeld Staal BV;NL;12,50;EUR\n"
    )
    assert job.status == ImportJob.Status.DONE, (job.status, job.status_message)
    assert job.snapshot is not None and job.snapshot.positions_count == 1
    assert (job.job.state, job.job.attempts, job.job.progress) == ("succeeded", 1, 1.0)


def test_the_worker_words_row_reasons_in_the_language_the_import_was_queued_in(
    transactional_db: None, worker: None
) -> None:
    """The worker's own default is Dutch; a person working in English reads English."""
    with translation.override("en"):
        job = upload_and_wait(
            build_world(), b"Naam;Land;Marktwaarde;Valuta\nVoorbeeld Staal BV;NL;-12,50;EUR\n"
        )
    assert job.status == ImportJob.Status.REJECTED, (job.status, job.status_message)
    assert job.job.language == "en"
    assert job.report["errors"] == [[2, "Marktwaarde", "negative value"]]
    assert job.message == "The one row was refused, so nothing was imported."


# --- A worker killed in the middle of an import -------------------------------------------

HEARTBEAT_TIMEOUT = 3  # seconds without a heartbeat before the sweep takes a job as dead


def _database_url() -> str:
    """The test database, for a worker in another process: the suite's DATABASE_URL with
    the test database's name."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def start_worker_process(broker_url: str, log: Path) -> subprocess.Popen[bytes]:
    """A real worker (``celery -A convenant.worker worker``) in its own process group, on
    the test database and upload folder, beating every second."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "convenant.settings",
        "DEBUG": "1",
        "SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789abcdef",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "HOLDINGS_UPLOAD_DIR": str(django_settings.HOLDINGS_UPLOAD_DIR),
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "convenant.worker",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed whole below
    )


def kill(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def holdings_file(rows: int, value: str) -> bytes:
    lines = [f"Bedrijf {n} BV;NL;{value};EUR" for n in range(rows)]
    return ("Naam;Land;Marktwaarde;Valuta\n" + "\n".join(lines) + "\n").encode()


def test_a_worker_killed_halfway_leaves_the_previous_snapshot_and_the_retry_completes(
    transactional_db: None, broker: str, settings, tmp_path: Path
) -> None:
    """Given a fund with a snapshot for a date, and a new file for that date that takes the
    worker a few seconds: when the worker is killed (SIGKILL) while the import is running,
    then the previous snapshot is intact and nothing of the new one was written; the sweep
    notices the silent heartbeat and queues the job again, and a new worker completes it."""
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT
    world = build_world()
    as_of = datetime.date(2024, 12, 31)
    editor = world.users["fund_editor"]
    previous_file = tmp_path / "vorige.csv"
    previous_file.write_bytes(holdings_file(30, "1,00"))
    previous = import_holdings(
        by=editor, fund=world.fund, as_of=as_of, path=previous_file, filename="vorige.csv"
    )
    issuers_before = Issuer.objects.count()
    rows = 50_000  # a few seconds of matching, inside the transaction
    imp = queue_import(
        by=editor,
        fund=world.fund,
        as_of=as_of,
        chunks=[holdings_file(rows, "2,00")],
        filename="groot.csv",
    )
    log = tmp_path / "worker.log"
    first = start_worker_process(broker, log)
    try:
        # Running, with the progress of its matching or writing (inside the import's
        # transaction) visible from here: the heartbeat writes it on its own connection.
        halfway = wait_for(
            lambda: Job.objects.filter(pk=imp.job_id, state="running", progress__gte=0.4).exists(),
            30,
        )
        assert halfway, (Job.objects.get(pk=imp.job_id).state, log.read_text()[-2000:])
    finally:
        kill(first)

    job = Job.objects.get(pk=imp.job_id)
    assert (job.state, job.attempts) == ("running", 1)
    imp.refresh_from_db()
    assert imp.outcome == "" and imp.snapshot_id is None
    # The previous snapshot is whole; no half-written snapshot, position or issuer is left.
    kept = Snapshot.objects.get(fund=world.fund, as_of=as_of)
    assert kept.pk == previous.snapshot_id and kept.positions_count == 30
    assert Snapshot.objects.count() == 1
    assert Position.objects.count() == Position.objects.filter(snapshot=kept).count() == 30
    assert Issuer.objects.count() == issuers_before

    # The sweep takes the silent job as dead and queues it again (an attempt is left).
    assert wait_for(lambda: sweep_jobs()["requeued"] == 1, HEARTBEAT_TIMEOUT + 5)
    job.refresh_from_db()
    assert job.state == "queued" and "stopped" in job.message

    second = start_worker_process(broker, log)
    try:
        ended = wait_for(
            lambda: Job.objects.filter(pk=imp.job_id, state__in=["succeeded", "failed"]).exists(),
            40,
        )
        assert ended, (Job.objects.get(pk=imp.job_id).state, log.read_text()[-2000:])
    finally:
        kill(second)
    job.refresh_from_db()
    imp.refresh_from_db()
    assert (job.state, job.attempts, job.progress) == ("succeeded", 2, 1.0), job.message
    assert imp.status == ImportJob.Status.DONE and imp.report["imported"] == rows
    replaced = Snapshot.objects.get(fund=world.fund, as_of=as_of)
    assert replaced.pk == imp.snapshot_id != previous.snapshot_id
    assert Position.objects.count() == replaced.positions_count == rows
