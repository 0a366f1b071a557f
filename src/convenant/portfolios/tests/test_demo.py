"""The demo's refused upload: a file with three bad rows, refused with Dutch reasons, whose
valid rows a fund editor can still import; loading the demo again adds nothing."""

import random

from convenant.parties import demo as parties_demo
from convenant.portfolios import testing
from convenant.portfolios.actions import import_valid_rows
from convenant.portfolios.demo import REFUSED_FILE, load_demo_refused_upload
from convenant.portfolios.models import ImportJob, Issuer, IssuerIdentifier


def test_the_demo_shows_a_refused_upload(db: None, django_capture_on_commit_callbacks) -> None:
    parties_demo.load_demo_covenant()
    rng = random.Random(5)
    for n in range(40):
        issuer = Issuer.objects.create(
            legal_name=f"Demo Bedrijf {n} N.V.", country_of_incorporation="NL", source="gleif"
        )
        IssuerIdentifier.objects.create(
            issuer=issuer, scheme="isin", value=testing.fictional_isin(rng, "NL")
        )
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_refused_upload()
    job = ImportJob.objects.get(filename=REFUSED_FILE)
    assert job.status == ImportJob.Status.REJECTED and job.job.language == "nl"
    reasons = [reason for _line, _column, reason in job.report["errors"]]
    assert len(reasons) == 3 and "negatieve waarde" in reasons
    assert any(reason.startswith("het controlecijfer") for reason in reasons)
    assert "already" in load_demo_refused_upload()
    assert ImportJob.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        import_valid_rows(by=job.created_by, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.snapshot.positions_count == 37
