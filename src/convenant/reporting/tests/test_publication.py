"""The steering group's approval of a monitoring report and of its public summary (governance
effects), publication on the public pages, the annual meeting pack's section, the trend across
cycles and the API beside them — on the hand-built example of ``report_example``."""

from __future__ import annotations

import datetime
import io
import types
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.governance import annual, effects
from convenant.governance.actions import decisions as governance
from convenant.governance.models import Decision, Proposal
from convenant.governance.testing import Governance, governance_of
from convenant.reporting.actions import publication as actions
from convenant.reporting.actions.report import sign_off_report, write_report_summary
from convenant.reporting.models import Finding, MonitoringReport, Submission
from convenant.reporting.tests import report_example
from convenant.reporting.views import publication as views

pytestmark = pytest.mark.django_db
SEATS = ("funds", "government", "unions", "ngos")
SUMMARY_NL = "De fondsen boeken vooruitgang op beleid (fictief)."
SUMMARY_EN = "The funds make progress on policy (fictional)."


@pytest.fixture
def example(world: Any) -> dict[str, Any]:
    return report_example.build(world)


@pytest.fixture
def gov(world: Any) -> Governance:
    return governance_of(world)


def client_of(user: Any = None, language: str = "nl") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["convenant_language"] = language
    return client


def sign_off(world: Any, example: dict[str, Any], cycle: Any = None) -> MonitoringReport:
    cycle = cycle or example["cycle"]
    Submission.objects.unrestricted("test").filter(pk=example["submissions"]["FG"].pk).update(
        state="accepted"
    )
    by = world.users["monitoring"]
    Finding.objects.create(
        cycle=cycle,
        kind=Finding.Kind.FINDING,
        indicator_code="policy",
        title="Beleid breder toegepast (fictief)",
        text="Meer fondsen passen hun beleid toe op alle beleggingen.",
        written_by=by,
    )
    Finding.objects.create(
        cycle=cycle,
        kind=Finding.Kind.RECOMMENDATION,
        title="Rapporteer over uitbesteding (fictief)",
        text="De commissie beveelt aan jaarlijks over uitbesteding te rapporteren.",
        written_by=by,
    )
    write_report_summary(by=by, cycle=cycle, summary=SUMMARY_NL, summary_en=SUMMARY_EN)
    return sign_off_report(by=by, cycle=cycle)


def decide(world: Any, gov: Governance, report: MonitoringReport, kind: str) -> Decision:
    """The secretariat proposes, the four seats consent, the secretariat closes: adopted."""
    proposal = actions.propose_approval(
        by=world.users["secretariat"],
        report=report,
        kind=kind,
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    for code in SEATS:
        governance.cast_vote(
            by=gov.holders[code], proposal=proposal, seat=gov.seats[code], choice="consent"
        )
    governance.close_proposal(by=world.users["secretariat"], proposal=proposal)
    return Decision.objects.unrestricted("test").get(proposal=proposal)


def fresh(report: MonitoringReport) -> MonitoringReport:
    return MonitoringReport.objects.unrestricted("test").get(pk=report.pk)


# --- Approval and publication ----------------------------------------------------------------


def test_the_report_then_its_summary_approved_publishes_it(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    report = sign_off(world, example)
    public = reverse("monitoring_report", args=["2021"])
    assert client_of().get(public).status_code == 404  # signed off: not public
    # When the steering group approves the report
    first = decide(world, gov, report, actions.REPORT)
    # Then the decision applied its effect: the report is approved, not yet public
    assert first.effect_state == Decision.EffectState.APPLIED
    assert first.effect_object == f"reporting.monitoringreport:{report.pk}"
    assert effects.link("approve_report", first.effect_object) == reverse(
        "reporting_report", args=["2021"]
    )
    report = fresh(report)
    assert report.state == MonitoringReport.State.APPROVED and report.approval_id == first.pk
    assert client_of().get(public).status_code == 404
    # When it approves the summary as well
    second = decide(world, gov, report, actions.SUMMARY)
    report = fresh(report)
    # Then the report is published on the decision's date, and the public page shows it
    assert report.state == MonitoringReport.State.PUBLISHED
    assert report.summary_approval_id == second.pk and report.published_on == second.decided_on
    assert effects.link("approve_summary", second.effect_object) == public
    page = client_of().get(public)
    assert page.status_code == 200 and SUMMARY_NL in page.content.decode()
    verbs = set(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("verb", flat=True))
    assert {
        "reporting.propose_report_approval",
        "reporting.propose_summary_approval",
        "reporting.approve_report",
        "reporting.approve_summary",
        "reporting.publish_report",
    } <= verbs


def test_a_summary_approved_first_waits_for_the_report(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    report = sign_off(world, example)
    summary = decide(world, gov, report, actions.SUMMARY)
    report = fresh(report)
    # The summary is approved, but nothing is public before the report is approved
    assert report.summary_approval_id == summary.pk
    assert report.state == MonitoringReport.State.SIGNED_OFF and report.published_on is None
    assert client_of().get(reverse("monitoring_report", args=["2021"])).status_code == 404
    # The report's approval then publishes it, on the later decision's date
    later = decide(world, gov, report, actions.REPORT)
    report = fresh(report)
    assert report.state == MonitoringReport.State.PUBLISHED
    assert report.published_on == max(summary.decided_on, later.decided_on)


def test_what_cannot_be_approved_is_refused_when_proposed(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    secretariat = world.users["secretariat"]
    closes = timezone.now() + datetime.timedelta(days=7)
    draft = MonitoringReport.objects.unrestricted("test").create(cycle=example["baseline"])
    # A report not signed off
    with pytest.raises(ActionError, match="not been signed off"):
        actions.propose_approval(
            by=secretariat, report=draft, kind=actions.REPORT, closes_at=closes
        )
    # A cycle without a report, written straight into governance
    with pytest.raises(ActionError, match="No monitoring report for cycle 1999"):
        governance.create_proposal(
            by=secretariat,
            body=gov.steering_group,
            kind="approve_report",
            title="Goedkeuring (fictief)",
            text="Tekst (fictief)",
            closes_at=closes,
            effect_params={"report": "1999"},
        )
    report = sign_off(world, example)
    # Only the secretariat proposes
    with pytest.raises(PermissionDenied):
        actions.propose_approval(
            by=world.users["monitoring"], report=report, kind=actions.REPORT, closes_at=closes
        )
    # One open proposal per kind
    actions.propose_approval(by=secretariat, report=report, kind=actions.REPORT, closes_at=closes)
    with pytest.raises(ActionError, match="already deciding"):
        actions.propose_approval(
            by=secretariat, report=report, kind=actions.REPORT, closes_at=closes
        )
    assert Proposal.objects.unrestricted("test").filter(kind="approve_report").count() == 1


def test_an_approved_report_is_not_approved_twice(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    report = sign_off(world, example)
    decide(world, gov, report, actions.REPORT)
    closes = timezone.now() + datetime.timedelta(days=7)
    with pytest.raises(ActionError, match="approved already"):
        actions.propose_approval(
            by=world.users["secretariat"],
            report=fresh(report),
            kind=actions.REPORT,
            closes_at=closes,
        )
    # A decision taken anyway (say, written before) fails to apply, saying why
    decision = Decision.objects.unrestricted("test").get(effect_type="approve_report")
    Decision.objects.unrestricted("test").filter(pk=decision.pk).update(
        effect_state=Decision.EffectState.PENDING
    )
    decision.refresh_from_db()
    decision = governance.apply_decision_effect(by=world.users["secretariat"], decision=decision)
    assert decision.effect_state == Decision.EffectState.FAILED
    assert "approved already" in decision.effect_note


def test_the_approval_page_for_the_secretariat(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    url = reverse("reporting_report_approval", args=["2021"])
    assert client_of(world.users["secretariat"]).get(url).status_code == 404  # no report yet
    report = sign_off(world, example)
    secretariat = client_of(world.users["secretariat"], "en")
    # The report's page leads to it
    assert url in secretariat.get(reverse("reporting_report", args=["2021"])).content.decode()
    page = secretariat.get(url).content.decode()
    assert "Propose to the steering group" in page and "not approved yet" in page
    # A proposal from the page, with its closing date
    closes = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    answer = secretariat.post(
        reverse("reporting_report_approval_propose", args=["2021"]),
        {"kind": "approve_report", "closes_at": closes, "title": "", "text": ""},
    )
    assert answer.status_code == 302
    proposal = Proposal.objects.unrestricted("test").get(kind="approve_report")
    assert proposal.effect_params == {"report": "2021"} and proposal.body == gov.steering_group
    # A refused one says why, and changes nothing
    again = secretariat.post(
        reverse("reporting_report_approval_propose", args=["2021"]),
        {"kind": "approve_report", "closes_at": closes},
    )
    assert again.status_code == 200 and "already deciding" in again.content.decode()
    assert Proposal.objects.unrestricted("test").filter(kind="approve_report").count() == 1
    # The steering group reads the page, without the form; a fund officer does not
    chair = client_of(gov.chair, "en").get(url).content.decode()
    assert f"Proposal {proposal.number}" in chair and "Propose to the steering group" not in chair
    assert client_of(world.users["fund_editor"]).get(url).status_code == 404
    assert report.pk


# --- The public pages ------------------------------------------------------------------------


def publish(world: Any, gov: Governance, example: dict[str, Any]) -> MonitoringReport:
    report = sign_off(world, example)
    decide(world, gov, report, actions.REPORT)
    decide(world, gov, report, actions.SUMMARY)
    return fresh(report)


def test_the_public_page_shows_the_protected_figures_against_the_targets(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    report = publish(world, gov, example)
    page = client_of().get(reverse("monitoring_report", args=["2021"])).content.decode()
    # The summary, the main indicators with their targets and charts, findings apart from
    # the recommendations, the downloads
    assert SUMMARY_NL in page
    assert "Policy (fictief)" in page and "50,0" in page  # the target of policy
    assert page.count("<svg") >= 3
    assert "Beleid breder toegepast (fictief)" in page
    assert "Rapporteer over uitbesteding (fictief)" in page
    assert reverse("monitoring_download", args=["2021", "pdf"]) in page
    assert report.figures_digest in page
    # Every breakdown group counts fewer than five funds: none shows its figures
    breakdown = page[page.index('id="breakdown-1"') :]
    breakdown = breakdown[: breakdown.index("</section>")]
    assert breakdown.count("(niet getoond)") == 3 * 3  # three groups, three main indicators
    # The funds that opted in are named with their result; one that did not is nowhere
    assert world.fund.name in page and "Pensioenfonds Eta (fictief)" in page
    assert world.other_fund.name not in page


def test_the_public_page_in_english(world: Any, gov: Governance, example: dict[str, Any]) -> None:
    publish(world, gov, example)
    page = client_of(language="en").get(reverse("monitoring_report", args=["2021"]))
    text = page.content.decode()
    assert SUMMARY_EN in text and "The main indicators against their targets" in text
    assert "Policy (fictional)" in text


def test_the_public_list_and_downloads(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    index = reverse("monitoring_index")
    assert "Meting 2021" not in client_of().get(index).content.decode()
    report = publish(world, gov, example)
    listed = client_of().get(index).content.decode()
    assert "Meting 2021 (fictief)" in listed and "Meting 2019" not in listed
    pdf = client_of().get(reverse("monitoring_download", args=["2021", "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert report.figures_digest[:40] in text.replace("\n", "")
    xlsx = client_of().get(reverse("monitoring_download", args=["2021", "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert report.figures_digest in {
        row[1] for row in book.worksheets[0].iter_rows(values_only=True)
    }
    assert client_of().get(reverse("monitoring_download", args=["2021", "exe"])).status_code == 404
    # Another cycle's report, signed off only, is not public in any form
    assert client_of().get(reverse("monitoring_report", args=["2019"])).status_code == 404
    assert client_of().get(reverse("monitoring_download", args=["2019", "pdf"])).status_code == 404


def test_the_api_reads_what_the_pages_show(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    report = sign_off(world, example)
    anonymous = client_of()
    assert anonymous.get(reverse("api:get_published", args=["2021"])).status_code == 404
    # The secretariat proposes through the API (the same action)
    secretariat = client_of(world.users["secretariat"])
    url = reverse("api:propose_approval", args=["2021"])
    closes = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    made = secretariat.post(
        url, {"kind": "approve_report", "closes_at": closes}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["kind"] == "approve_report"
    twice = secretariat.post(
        url, {"kind": "approve_report", "closes_at": closes}, content_type="application/json"
    )
    assert twice.status_code == 409
    refused = client_of(world.users["monitoring"]).post(
        url, {"kind": "approve_summary", "closes_at": closes}, content_type="application/json"
    )
    assert refused.status_code == 403
    state = secretariat.get(reverse("api:get_approval", args=["2021"])).json()
    assert state["approvals"][0]["open_proposal"] == made.json()["proposal"]
    # Once published, anyone reads it, its figures after disclosure control
    Proposal.objects.unrestricted("test").filter(pk__gt=0).update(state=Proposal.State.WITHDRAWN)
    decide(world, gov, report, actions.REPORT)
    decide(world, gov, report, actions.SUMMARY)
    listed = anonymous.get(reverse("api:list_published")).json()
    assert [r["cycle"] for r in listed] == ["2021"]
    got = anonymous.get(reverse("api:get_published", args=["2021"])).json()
    assert got["summary"] == SUMMARY_NL and got["figures_digest"] == fresh(report).figures_digest
    cells = got["figures"]["breakdowns"][0]["cells"]
    assert all(
        cell["positive"] is None and cell["largest_two_assets"] is None
        for group in cells.values()
        for cell in group.values()
    )


# --- The annual meeting pack -----------------------------------------------------------------


def test_the_pack_holds_the_latest_published_summary(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    meeting = types.SimpleNamespace(starts_at=timezone.now() + datetime.timedelta(days=1))
    reader = world.users["union"]
    assert views.pack_section(reader, meeting) == {"report": None}
    publish(world, gov, example)
    with translation.override("nl"):
        pack = annual.build_pack(reader, meeting)
        section = next(
            s
            for s in pack["sections"]
            if s["section"] and s["section"].name == "monitoring_summary"
        )
        html = render_to_string(section["section"].template, {"section": section["context"]})
    assert SUMMARY_NL in html and "Policy (fictief)" in html
    # A meeting before its publication does not have it
    before = types.SimpleNamespace(starts_at=timezone.now() - datetime.timedelta(days=1))
    assert views.pack_section(reader, before) == {"report": None}


# --- The trend -------------------------------------------------------------------------------


def test_the_trend_across_cycles_for_its_readers(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    sign_off(world, example)
    url = reverse("reporting_trend")
    # The committee: both cycles, the baseline computed now and marked
    lines = {line.code: line for line in views.trend(world.users["monitoring"])}
    policy = lines["policy"]
    assert [p.label for p in policy.points] == ["2019", "2021"]
    baseline, progress = policy.points
    assert not baseline.signed_off and baseline.shown and baseline.counted == 2
    assert progress.signed_off and progress.target == 50.0
    page = client_of(world.users["monitoring"], "en").get(url).content.decode()
    assert "not signed off" in page and "<svg" in page
    # The steering group's chair: the signed-off cycle only, with its target as frozen
    chair = {line.code: line for line in views.trend(gov.chair)}
    assert [p.label for p in chair["policy"].points] == ["2021"]
    assert chair["policy"].points[0].share == progress.share
    assert chair["policy"].points[0].target == 50.0
    # A fund's member in the steering group knows the other cycle, without its figures
    member = {line.code: line for line in views.trend(gov.holders["funds"])}["policy"].points
    assert [p.label for p in member] == ["2019", "2021"]
    assert not member[0].shown and member[0].share is None and member[1].shown
    # A fund officer and anyone else: nothing (404)
    assert client_of(world.users["fund_editor"]).get(url).status_code == 404
    api = client_of(world.users["fund_editor"]).get(reverse("api:get_trend"))
    assert api.status_code == 404
    assert (
        client_of(world.users["secretariat"])
        .get(reverse("api:get_trend"))
        .json()[0]["points"][1]["signed_off"]
    )


def test_the_trend_marks_a_restated_figure(
    world: Any, gov: Governance, example: dict[str, Any]
) -> None:
    # The baseline signed off, then Alfa's correction accepted: the policy figure changes
    by = world.users["monitoring"]
    write_report_summary(by=by, cycle=example["baseline"], summary="Nulmeting (fictief)")
    sign_off_report(by=by, cycle=example["baseline"])
    report_example.correct_after_sign_off(example)
    policy = {line.code: line for line in views.trend(by)}["policy"]
    baseline = policy.points[0]
    assert baseline.signed_off and baseline.restated
    assert baseline.share == 50.0 and baseline.restated_share == 100.0
    page = client_of(by, "en").get(reverse("reporting_trend")).content.decode()
    assert "restated: 100.0%" in page
