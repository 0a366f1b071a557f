"""The monitoring report's page, the committee's sign-off, the downloads and the API, on the
hand-built example of ``report_example``."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core.models import AuditEvent
from convenant.reporting import figures
from convenant.reporting.models import MonitoringReport, Submission
from convenant.reporting.tests import report_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(world: Any) -> dict[str, Any]:
    return report_example.build(world)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["convenant_language"] = "en"
    return client


def steering_chair(world: Any) -> Any:
    from convenant.governance.testing import governance_of

    return governance_of(world).chair


def _accept_gamma(example: dict[str, Any]) -> None:
    Submission.objects.unrestricted("test").filter(pk=example["submissions"]["FG"].pk).update(
        state="accepted"
    )


def test_the_committee_previews_a_draft_that_others_do_not_know(
    world: Any, example: dict[str, Any]
) -> None:
    url = reverse("reporting_report", args=["2021"])
    # Given no report yet: the committee and the secretariat see the live draft, marked so
    for who in ("monitoring", "secretariat"):
        page = client_of(world.users[who]).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Draft: computed now, not signed off" in text
        assert "2 / 5" in text  # policy: Alfa and Gamma of five funds
    # And only the committee is offered the sign-off
    assert "Sign off the report" in client_of(world.users["monitoring"]).get(url).content.decode()
    assert (
        "Sign off the report" not in client_of(world.users["secretariat"]).get(url).content.decode()
    )
    # But a fund officer and the steering group are told nothing (404)
    assert client_of(world.users["fund_editor"]).get(url).status_code == 404
    assert client_of(steering_chair(world)).get(url).status_code == 404
    # And a draft has nothing to download
    pdf = reverse("reporting_report_download", args=["2021", "pdf"])
    assert client_of(world.users["monitoring"]).get(pdf).status_code == 404


def test_sign_off_waits_for_the_review_then_freezes_the_figures(
    world: Any, example: dict[str, Any]
) -> None:
    committee = client_of(world.users["monitoring"])
    cycle = example["cycle"]
    # Given the committee's summary
    answer = committee.post(
        reverse("reporting_report_summary", args=["2021"]),
        {"summary": "De meeste fondsen hebben beleid (fictief).", "summary_en": "Most have."},
    )
    assert answer.status_code == 302
    # When it signs off while Gamma's submission is still under review
    answer = committee.post(reverse("reporting_report_sign_off", args=["2021"]))
    # Then it is told why, and nothing is frozen
    assert answer.status_code == 200
    assert "still under review" in answer.content.decode()
    assert "Pensioenfonds Gamma (fictief)" in answer.content.decode()
    report = MonitoringReport.objects.unrestricted("test").get(cycle=cycle)
    assert report.state == "draft" and report.figures is None
    # And the secretariat may not sign off at all
    answer = client_of(world.users["secretariat"]).post(
        reverse("reporting_report_sign_off", args=["2021"])
    )
    assert answer.status_code == 403
    # When Gamma is accepted and the committee signs off
    _accept_gamma(example)
    answer = committee.post(reverse("reporting_report_sign_off", args=["2021"]))
    assert answer.status_code == 302
    # Then the figures are frozen with the digest of their canonical JSON, audited
    report.refresh_from_db()
    assert report.state == "signed_off"
    assert report.figures_digest == figures.digest(report.figures)
    assert {r["code"]: r["share"] for r in report.figures["indicators"]}["policy"] == 40.0
    assert AuditEvent.objects.filter(verb="reporting.sign_off_report").count() == 1
    # And the steering group reads it now; a fund officer still does not
    page = client_of(steering_chair(world)).get(reverse("reporting_report", args=["2021"]))
    assert page.status_code == 200
    assert report.figures_digest in page.content.decode()
    assert "Most have." in page.content.decode()  # the English summary, in English
    assert (
        client_of(world.users["fund_editor"])
        .get(reverse("reporting_report", args=["2021"]))
        .status_code
        == 404
    )
    # And a later change does not move the frozen report
    Submission.objects.unrestricted("test").filter(pk=example["submissions"]["FB"].pk).update(
        excluded=True, exclusion_reason="Later (fictief)"
    )
    page = client_of(steering_chair(world)).get(reverse("reporting_report", args=["2021"]))
    assert report.figures_digest in page.content.decode()
    # And signing off again is refused
    answer = committee.post(reverse("reporting_report_sign_off", args=["2021"]))
    assert answer.status_code == 200 and "can no longer change" in answer.content.decode()


def test_sign_off_needs_the_summary(world: Any, example: dict[str, Any]) -> None:
    _accept_gamma(example)
    answer = client_of(world.users["monitoring"]).post(
        reverse("reporting_report_sign_off", args=["2021"])
    )
    assert answer.status_code == 200
    assert "Write the public summary before signing off" in answer.content.decode()
    assert not MonitoringReport.objects.unrestricted("test").filter(state="signed_off").exists()


def _signed_off(world: Any, example: dict[str, Any]) -> MonitoringReport:
    from convenant.reporting.actions.report import sign_off_report, write_report_summary

    _accept_gamma(example)
    by = world.users["monitoring"]
    write_report_summary(by=by, cycle=example["cycle"], summary="Samenvatting (fictief)")
    return sign_off_report(by=by, cycle=example["cycle"])


def test_downloads_come_from_the_snapshot(world: Any, example: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = _signed_off(world, example)
    client = client_of(steering_chair(world))
    got = {
        fmt: client.get(reverse("reporting_report_download", args=["2021", fmt]))
        for fmt in ("html", "pdf", "xlsx")
    }
    assert all(r.status_code == 200 for r in got.values())
    assert got["pdf"]["Content-Type"] == "application/pdf"
    html = got["html"].content.decode()
    assert report.figures_digest in html
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(got["pdf"].content)).pages
    )
    assert report.figures_digest[:40] in pdf_text.replace("\n", "")
    book = load_workbook(io.BytesIO(got["xlsx"].content), read_only=True)
    first = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert report.figures_digest in first.values()


def test_api_reads_signed_off_figures_and_signs_off(world: Any, example: dict[str, Any]) -> None:
    committee = client_of(world.users["monitoring"])
    url = reverse("api:get_report_figures", args=["2021"])
    # A draft has no figures to read, not even for the committee
    assert committee.get(url).status_code == 404
    # Sign-off through the API is the same action: refused while Gamma is under review
    sign = reverse("api:sign_off_report", args=["2021"])
    answer = committee.post(
        reverse("api:write_report_summary", args=["2021"]),
        json.dumps({"summary": "Samenvatting (fictief)"}),
        content_type="application/json",
    )
    assert answer.status_code == 200
    answer = committee.post(sign)
    assert answer.status_code == 409 and "under review" in answer.json()["detail"]
    assert client_of(world.users["secretariat"]).post(sign).status_code == 403
    _accept_gamma(example)
    answer = committee.post(sign)
    assert answer.status_code == 200 and answer.json()["state"] == "signed_off"
    # Then readers get the frozen figures after disclosure control, with their digest
    for user in (world.users["monitoring"], world.users["secretariat"], steering_chair(world)):
        body = client_of(user).get(url).json()
        assert (
            body["figures_digest"]
            == MonitoringReport.objects.unrestricted("t").get().figures_digest
        )
        assert body["figures"]["counted"]["funds"] == 5
        size = body["figures"]["breakdowns"][0]
        # No group reaches five funds: every cell of the breakdown is hidden
        assert all(c["counted"] is None for g in size["cells"].values() for c in g.values())
    assert client_of(world.users["fund_editor"]).get(url).status_code == 404
