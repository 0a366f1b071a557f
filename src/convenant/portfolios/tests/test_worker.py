"""A holdings import through a real Celery worker and a real Redis broker (as in
production), not the eager mode of the other tests: the upload is queued, the worker picks
it up, and the job ends with the snapshot."""

import datetime
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import translation

from convenant.core.testing import World, build_world
from convenant.portfolios.actions import queue_import
from convenant.portfolios.models import ImportJob
from convenant.worker import app

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_broker() -> Iterator[str]:
    if REDIS is None:
        pytest.fail("redis-server is not installed; `make test` installs it")
    folder = Path(tempfile.mkdtemp(prefix="convenant-redis-"))
    socket = folder / "redis.sock"
    server = subprocess.Popen(
        [
            REDIS,
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    try:
        yield f"redis+socket://{socket}"
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def worker(redis_broker: str, settings) -> Iterator[None]:
    previous = (app.conf.broker_url, app.conf.task_always_eager, app.conf.result_backend)
    app.close()  # drop connection pools made with the eager configuration
    app.amqp._producer_pool = None
    app.conf.update(broker_url=redis_broker, task_always_eager=False, result_backend=None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.loader.import_default_modules()  # as a real worker does at start: finds the tasks
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.close()
        app.amqp._producer_pool = None
        app.conf.update(
            broker_url=previous[0], task_always_eager=previous[1], result_backend=previous[2]
        )


def upload_and_wait(world: World, content: bytes) -> ImportJob:
    """Queue an upload for the worker and wait (at most 30 s) until it has an outcome."""
    job = queue_import(
        by=world.users["fund_editor"],
        fund=world.fund,
        as_of=datetime.date(2024, 12, 31),
        chunks=[content],
        filename="bewaarder.csv",
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.1)
    return job


def test_upload_runs_in_the_worker(transactional_db: None, worker: None) -> None:
    job = upload_and_wait(
        build_world(), b"Naam;Land;Marktwaarde;Valuta\nVoorbeeld Staal BV;NL;12,50;EUR\n"
    )
    assert job.status == ImportJob.Status.DONE, (job.status, job.message)
    assert job.snapshot is not None and job.snapshot.positions_count == 1


def test_the_worker_words_row_reasons_in_the_language_the_import_was_queued_in(
    transactional_db: None, worker: None
) -> None:
    """The worker's own default is Dutch; a person working in English reads English."""
    with translation.override("en"):
        job = upload_and_wait(
            build_world(), b"Naam;Land;Marktwaarde;Valuta\nVoorbeeld Staal BV;NL;-12,50;EUR\n"
        )
    assert job.status == ImportJob.Status.REJECTED, (job.status, job.message)
    assert job.language == "en"
    assert job.report["errors"] == [[2, "Marktwaarde", "negative value"]]
    assert job.message == "The one row cannot be read, so nothing was imported."
