"""Reporting requirements and provider reports: recorded by the fund's editors through their
actions (pages and API alike), refused with a clear message and nothing changed on bad input,
and what is missing shown per mandate; the dashboard's figures on the hand-built example."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from convenant.core.audit import AuditEvent
from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.outsourcing import kpis
from convenant.outsourcing.actions import monitoring as actions
from convenant.outsourcing.models import ProviderReport, ReportingRequirement
from convenant.outsourcing.tests import monitoring_example as ex

pytestmark = pytest.mark.django_db

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _rows() -> tuple[int, int]:
    return (
        ReportingRequirement.objects.unrestricted("test").count(),
        ProviderReport.objects.unrestricted("test").count(),
    )


@pytest.fixture
def example(world: World) -> dict[str, Any]:
    return ex.build(world)


# --- The dashboard's figures -------------------------------------------------------------


def test_fund_shares_on_the_hand_built_example(world: World, example: dict[str, Any]) -> None:
    # Given the example (see monitoring_example), and another fund's mandate with everything
    # in place, which must not count for fund A
    other = ex.mandate(world.other_fund, example["providers"][0], 5000, world.users["other_fund"])
    ex.hold(other, example["clauses"][0], "verbatim", world.users["other_fund"])
    # When fund A's shares are read on 15 May 2025
    shares = kpis.fund_shares(world.fund, on=ex.ON)
    # Then four mandates run, with exactly these shares
    assert (shares.mandates, shares.invested) == (4, Decimal(1000))
    assert (shares.with_clauses, shares.with_clauses_invested) == (2, Decimal(700))
    assert (shares.with_reporting, shares.with_reporting_invested) == (3, Decimal(900))
    assert shares.clauses_by_count == Decimal("50.0")
    assert shares.clauses_by_amount == Decimal("70.0")
    assert shares.reporting_by_count == Decimal("75.0")
    assert shares.reporting_by_amount == Decimal("90.0")


def test_shares_move_when_a_clause_is_held_or_a_report_arrives(
    world: World, example: dict[str, Any]
) -> None:
    _m1, _m2, m3, m4, *_ = example["mandates"]
    user = world.users["fund_editor"]
    # When M4's contract holds the clause for any provider, and M3 gets a requirement whose
    # last quarter is reported
    ex.hold(m4, example["clauses"][0], "verbatim", user)
    requirement = ex.requirement(m3, "quarterly", D(2024, 10, 1))
    ex.report(m3, D(2025, 1, 1), D(2025, 3, 31), [requirement], user)
    shares = kpis.fund_shares(world.fund, on=ex.ON)
    # Then every mandate but M2 has its clauses, and all four their reporting
    assert (shares.with_clauses, shares.clauses_by_count) == (3, Decimal("75.0"))
    assert shares.clauses_by_amount == Decimal("70.0")  # M4 invests nothing
    assert (shares.with_reporting, shares.reporting_by_amount) == (4, Decimal("100.0"))
    # And a quarter later, with Q2 not reported, M1 and M3 fall out of reporting in place:
    # M2's yearly report for 2024 still stands, M4 owes nothing for the half-year it was
    # agreed in, and M6 (running since June) has agreed nothing
    later = kpis.fund_shares(world.fund, on=D(2025, 7, 15))
    assert (later.mandates, later.with_reporting) == (5, 2)


def test_the_covenants_shares_are_counts_under_the_minimum_of_funds_rule(
    world: World, example: dict[str, Any]
) -> None:
    user = world.users["fund_editor"]
    other = ex.mandate(world.other_fund, example["providers"][0], 5000, user)
    with override_settings(AGGREGATE_MIN_FUNDS=3):
        assert kpis.covenant_shares(on=ex.ON) is None  # two funds have running mandates
    with override_settings(AGGREGATE_MIN_FUNDS=2):
        shares = kpis.covenant_shares(on=ex.ON)
    assert shares is not None
    assert (shares.funds, shares.mandates, shares.with_clauses, shares.with_reporting) == (
        2,
        5,
        2,
        3,
    )
    assert shares.clauses_by_count == Decimal("40.0")
    assert other.pk  # counted, never named


def test_the_dashboard_page_shows_the_funds_figures(world: World, example: dict[str, Any]) -> None:
    shares = kpis.fund_shares(world.fund)
    page = _client(world.users["fund_viewer"]).get(reverse("outsourcing_dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{shares.clauses_by_count} %" in text
    assert f"{shares.reporting_by_amount} %" in text
    assert "Beheerder Een (fictief)" in text
    assert "every one of them, verbatim or adapted" in text  # the definition, as help text
    # The secretariat is sent to the covenant's counts, which name no provider
    secretariat = _client(world.users["secretariat"])
    assert secretariat.get(reverse("outsourcing_dashboard")).status_code == 302
    covenant = secretariat.get(reverse("outsourcing_covenant")).content.decode()
    assert "Beheerder Een" not in covenant


# --- Reporting requirements --------------------------------------------------------------


def test_an_editor_agrees_a_requirement_and_sees_what_is_missing(
    world: World, example: dict[str, Any]
) -> None:
    m1 = example["mandates"][0]
    model = ex.clause("ex-reporting", "", world.users["fund_editor"], kind="reporting_requirement")
    # When fund A's editor records a yearly requirement from 2022 following the model
    requirement = actions.agree_reporting_requirement(
        by=world.users["fund_editor"],
        mandate=m1,
        description="  Jaarverslag verantwoord beleggen (fictief) ",
        frequency="yearly",
        since=D(2022, 1, 1),
        model_version=model[1],
    )
    # Then it is stored, audited under fund A, and every year since is missing on the page
    assert requirement.description == "Jaarverslag verantwoord beleggen (fictief)"
    assert requirement.model_version == model[1]
    event = AuditEvent.objects.unrestricted("test").latest("id")
    assert (event.verb, event.party_id) == (
        "outsourcing.agree_reporting_requirement",
        world.fund.pk,
    )
    page = _client(world.users["fund_viewer"]).get(
        reverse("outsourcing_mandate_reporting", args=[m1.pk])
    )
    years = [str(y) for y in range(2022, TODAY.year)]
    assert ", ".join(years) in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"since": D(2019, 12, 31)}, "since", "within the mandate"),
        ({"description": "   "}, "description", "Say what the provider reports"),
        ({"description": "x" * 301}, "description", "too long"),
        ({"frequency": "monthly"}, "frequency", "quarterly, half-yearly or yearly"),
    ],
)
def test_a_bad_requirement_is_refused_and_nothing_changes(
    world: World, example: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    before = _rows()
    data = {
        "description": "Stemverslag (fictief)",
        "frequency": "quarterly",
        "since": D(2024, 1, 1),
    }
    with pytest.raises(ActionError, match=message) as refused:
        actions.agree_reporting_requirement(
            by=world.users["fund_editor"], mandate=example["mandates"][0], **(data | change)
        )
    assert refused.value.field == field
    assert _rows() == before


def test_a_model_requirement_not_in_force_or_of_another_kind_is_refused(
    world: World, example: dict[str, Any]
) -> None:
    user = world.users["fund_editor"]
    model, _in_force = ex.clause(
        "ex-report-old", "", user, older=True, kind="reporting_requirement"
    )
    superseded = model.versions.get(number=1)
    clause_version = example["clauses"][0][1]
    before = _rows()
    for version, message in ((superseded, "not in force"), (clause_version, "model reporting")):
        with pytest.raises(ActionError, match=message):
            actions.agree_reporting_requirement(
                by=user,
                mandate=example["mandates"][0],
                description="Stemverslag (fictief)",
                frequency="quarterly",
                since=D(2024, 1, 1),
                model_version=version,
            )
    assert _rows() == before


@pytest.mark.parametrize("actor", ["fund_viewer", "other_fund", "secretariat", "monitoring"])
def test_only_the_funds_editors_record_its_reporting(
    world: World, example: dict[str, Any], actor: str
) -> None:
    before = _rows()
    with pytest.raises(PermissionDenied):
        actions.agree_reporting_requirement(
            by=world.users[actor],
            mandate=example["mandates"][0],
            description="Stemverslag (fictief)",
            frequency="quarterly",
            since=D(2024, 1, 1),
        )
    assert _rows() == before


# --- Provider reports --------------------------------------------------------------------


def test_a_report_with_its_file_is_recorded_and_served_to_the_fund_only(
    world: World, example: dict[str, Any]
) -> None:
    m1 = example["mandates"][0]
    r1 = example["requirements"][0]
    # When fund A's editor posts Q2 2025's report with a PDF on the page
    editor = _client(world.users["fund_editor"])
    response = editor.post(
        reverse("outsourcing_report_add", args=[m1.pk]),
        {
            "period_start": "2025-04-01",
            "period_end": "2025-06-30",
            "received_on": "2025-07-20",
            "covers": [r1.pk],
            "note": "Op tijd (fictief)",
            "file": SimpleUploadedFile("q2.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    report = ProviderReport.objects.unrestricted("test").latest("id")
    assert list(report.covers.all()) == [r1]
    # Then Q2 2025 is no longer missing on the mandate's page
    page = editor.get(reverse("outsourcing_mandate_reporting", args=[m1.pk])).content.decode()
    assert "Q2 2025" not in page and "Q3 2025" in page
    # And its file goes to the fund's members, not to the secretariat nor another fund
    url = reverse("outsourcing_report_file", args=[report.pk])
    download = _client(world.users["fund_viewer"]).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert _client(world.users["secretariat"]).get(url).status_code == 403
    assert _client(world.users["other_fund"]).get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"period_end": D(2024, 12, 31)}, "period_end", "ends before it starts"),
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on", "future"),
        ({"received_on": D(2024, 12, 1)}, "received_on", "after its period has begun"),
        ({"covers": []}, "covers", "Choose the requirements"),
        ({"data": b"\x89PNG\r\n\x1a\n" + b"0" * 64}, "file", "Upload a PDF"),
        ({"data": b"plain text, not a document"}, "file", "Upload a PDF"),
    ],
)
def test_a_bad_report_is_refused_and_nothing_is_stored(
    world: World, example: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    storage = actions.report_storage()
    files_before = storage.listdir("reports")[1] if storage.exists("reports") else []
    before = _rows()
    data = {
        "period_start": D(2025, 1, 1),
        "period_end": D(2025, 3, 31),
        "received_on": D(2025, 4, 20),
        "covers": [example["requirements"][0]],
        "data": PDF,
    }
    with pytest.raises(ActionError, match=message) as refused:
        actions.record_provider_report(
            by=world.users["fund_editor"], mandate=example["mandates"][0], **(data | change)
        )
    assert refused.value.field == field
    assert _rows() == before
    assert (storage.listdir("reports")[1] if storage.exists("reports") else []) == files_before


def test_a_report_cannot_cover_another_mandates_requirement(
    world: World, example: dict[str, Any]
) -> None:
    m1 = example["mandates"][0]
    r2 = example["requirements"][1]  # M2's
    before = _rows()
    response = _client(world.users["fund_editor"]).post(
        reverse("outsourcing_report_add", args=[m1.pk]),
        {
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "received_on": "2025-04-02",
            "covers": [r2.pk],
        },
    )
    # The page comes back with the choice refused (M2's requirement is no choice on M1)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    with pytest.raises(ActionError, match="this mandate's own"):
        actions.record_provider_report(
            by=world.users["fund_editor"],
            mandate=m1,
            period_start=D(2025, 1, 1),
            period_end=D(2025, 3, 31),
            received_on=D(2025, 4, 2),
            covers=[r2],
        )
    assert _rows() == before


# --- The API -----------------------------------------------------------------------------


def test_the_api_records_through_the_same_actions(world: World, example: dict[str, Any]) -> None:
    m3 = example["mandates"][2]
    api = _client(world.users["fund_editor"])
    base = f"/api/v1/outsourcing/mandates/{m3.pk}"
    # A requirement: created, then listed with what is missing
    created = api.post(
        f"{base}/reporting-requirements",
        {"description": "Stemverslag (fictief)", "frequency": "half_yearly", "since": "2024-01-01"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    requirement_id = created.json()["id"]
    assert created.json()["missing"][:2] == ["H1 2024", "H2 2024"]
    # A report for H1 2024 with its file, as a multipart form
    report = api.post(
        f"{base}/reports",
        {
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "received_on": "2024-07-15",
            "covers": str(requirement_id),
            "file": SimpleUploadedFile("h1.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert report.status_code == 201, report.content
    assert report.json()["has_file"] is True
    listed = api.get(f"{base}/reporting-requirements").json()["items"]
    assert listed[0]["missing"][0] == "H2 2024"
    assert [r["id"] for r in api.get(f"{base}/reports").json()["items"]] == [report.json()["id"]]
    # Bad input: a clear 400 naming the field, nothing changed
    before = _rows()
    refused = api.post(
        f"{base}/reporting-requirements",
        {"description": "Stemverslag", "frequency": "yearly", "since": "2019-01-01"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "since"
    not_a_document = api.post(
        f"{base}/reports",
        {
            "period_start": "2024-07-01",
            "period_end": "2024-12-31",
            "received_on": "2025-01-15",
            "covers": str(requirement_id),
            "file": SimpleUploadedFile(
                "h2.pdf", b"not a pdf at all", content_type="application/pdf"
            ),
        },
    )
    assert not_a_document.status_code == 400 and not_a_document.json()["field"] == "file"
    assert _rows() == before
    # The viewer reads but may not write; another fund does not see the mandate at all
    viewer = _client(world.users["fund_viewer"])
    assert viewer.get(f"{base}/reports").status_code == 200
    assert (
        viewer.post(
            f"{base}/reporting-requirements",
            {"description": "x", "frequency": "yearly", "since": "2024-01-01"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert _client(world.users["other_fund"]).get(f"{base}/reports").status_code == 404


def test_the_api_dashboard(world: World, example: dict[str, Any]) -> None:
    shares = kpis.fund_shares(world.fund)
    answer = _client(world.users["fund_viewer"]).get("/api/v1/outsourcing/dashboard/FA")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["mandates"], body["with_clauses"]) == (shares.mandates, shares.with_clauses)
    assert Decimal(body["clauses_by_amount"]) == shares.clauses_by_amount
    assert (
        _client(world.users["other_fund"]).get("/api/v1/outsourcing/dashboard/FA").status_code
        == 404
    )
    covenant = _client(world.users["secretariat"]).get("/api/v1/outsourcing/dashboard")
    assert covenant.status_code == 409  # one fund has mandates: below the minimum
    assert (
        _client(world.users["fund_admin"]).get("/api/v1/outsourcing/dashboard").status_code == 403
    )


def test_the_home_dashboard_shows_the_funds_shares(world: World, example: dict[str, Any]) -> None:
    shares = kpis.fund_shares(world.fund)
    home = _client(world.users["fund_viewer"]).get(reverse("dashboard")).content.decode()
    assert "Mandates with the clauses in place" in home
    assert f"{shares.clauses_by_count} %" in home
    assert f"({shares.with_reporting} of {shares.mandates})" in home
    # Another fund, with no mandate of its own, gets no such panel
    other = _client(world.users["other_fund"]).get(reverse("dashboard")).content.decode()
    assert "Mandates with the clauses in place" not in other
