"""The covenant's budget: exact amounts, bad input refused with nothing saved, the yearly
overview of budget against actual, its exports, and who may read it (the steering group and
the secretariat only)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.governance.actions import budget as act
from convenant.governance.models import BudgetLine, Contribution, Spending
from convenant.governance.testing import Governance, governance_of
from convenant.governance.views.budget import budget_overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(world: World) -> Governance:
    return governance_of(world)


def _books(world: World) -> tuple[BudgetLine, BudgetLine]:
    """2021: B1 secretariat 100,000.00 of which 60,000.10 spent (one refund); B2 research
    20,000 overspent by 500.50; fund A promised 30,000 (paid), fund B 12,500.25 (not paid)."""
    sec = world.users["secretariat"]
    b1 = act.save_budget_line(
        by=sec,
        covenant=world.covenant,
        year=2021,
        code="b1",
        name="Secretariaat",
        amount_eur="100.000",
    )
    b2 = act.save_budget_line(
        by=sec, covenant=world.covenant, year=2021, code="B2", name="Onderzoek", amount_eur=20000
    )
    act.record_spending(
        by=sec,
        line=b1,
        spent_on=datetime.date(2021, 3, 1),
        description="Salaris",
        amount_eur="60.100,10",
    )
    act.record_spending(
        by=sec,
        line=b1,
        spent_on=datetime.date(2021, 4, 1),
        description="Terugbetaling",
        amount_eur="-100",
    )
    act.record_spending(
        by=sec,
        line=b2,
        spent_on=datetime.date(2021, 5, 1),
        description="Studie",
        amount_eur="20500.50",
    )
    act.save_contribution(
        by=sec,
        covenant=world.covenant,
        year=2021,
        party=world.fund,
        amount_eur="30000",
        paid_on=datetime.date(2021, 2, 1),
    )
    act.save_contribution(
        by=sec, covenant=world.covenant, year=2021, party=world.other_fund, amount_eur="12500.25"
    )
    return b1, b2


def test_the_overview_shows_budget_against_actual_in_exact_decimals(world: World) -> None:
    # Given the books of 2021
    _books(world)
    # When the secretariat reads the overview
    data = budget_overview(world.users["secretariat"], world.covenant, 2021)
    # Then each line shows budget, spent, remaining and % used, exactly
    rows = {r["line"].code: r for r in data["rows"]}
    assert rows["B1"]["spent"] == Decimal("60000.10")
    assert rows["B1"]["remaining"] == Decimal("39999.90")
    assert rows["B1"]["used"] == Decimal("60.0")
    assert rows["B2"]["remaining"] == Decimal("-500.50") and rows["B2"]["over"]
    assert rows["B2"]["used"] == Decimal("102.5")
    totals = data["totals"]
    assert totals["budget"] == Decimal("120000.00")
    assert totals["spent"] == Decimal("80500.60")
    assert totals["promised"] == Decimal("42500.25")
    assert totals["paid"] == Decimal("30000.00")
    assert totals["unpaid"] == Decimal("12500.25")
    assert all(isinstance(v, Decimal) for v in totals.values() if v is not None)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("twaalf", "is not an amount"),
        (12.5, "exact number"),
        ("-10", "cannot be negative"),
        ("1000000000000", "too large"),
        ("1,2,3", "is not an amount"),
    ],
)
def test_a_bad_amount_is_refused_and_nothing_is_saved(
    world: World, amount: object, message: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ActionError, match=message):
        act.save_budget_line(
            by=world.users["secretariat"],
            covenant=world.covenant,
            year=2021,
            code="B1",
            name="X",
            amount_eur=amount,
        )
    assert BudgetLine.objects.unrestricted("test").count() == 0
    assert AuditEvent.objects.count() == events


def test_refusals_say_why_and_change_nothing(world: World) -> None:
    sec = world.users["secretariat"]
    b1, _b2 = _books(world)
    spent = Spending.objects.unrestricted("test").count()
    with pytest.raises(ActionError, match="already has a line B1"):
        act.save_budget_line(
            by=sec, covenant=world.covenant, year=2021, code="B1", name="Dubbel", amount_eur=1
        )
    with pytest.raises(ActionError, match="must be dated in 2021"):
        act.record_spending(
            by=sec, line=b1, spent_on=datetime.date(2022, 1, 1), description="Te laat", amount_eur=5
        )
    with pytest.raises(ActionError, match="zero euros"):
        act.record_spending(
            by=sec,
            line=b1,
            spent_on=datetime.date(2021, 6, 1),
            description="Niets",
            amount_eur="0,00",
        )
    with pytest.raises(ActionError, match="already has a contribution"):
        act.save_contribution(
            by=sec, covenant=world.covenant, year=2021, party=world.fund, amount_eur=1
        )
    with pytest.raises(ActionError, match="future"):
        act.save_contribution(
            by=sec,
            covenant=world.covenant,
            year=2022,
            party=world.union,
            amount_eur=1,
            paid_on=datetime.date(2999, 1, 1),
        )
    assert Spending.objects.unrestricted("test").count() == spent
    assert Contribution.objects.unrestricted("test").count() == 2


def test_a_correction_of_a_line_is_recorded_with_before_and_after(world: World) -> None:
    b1, _ = _books(world)
    act.save_budget_line(
        by=world.users["secretariat"],
        covenant=world.covenant,
        year=2021,
        code="B1",
        name="Secretariaat",
        amount_eur="110000",
        line=b1,
    )
    event = AuditEvent.objects.filter(verb="governance.save_budget_line").latest("pk")
    assert event.before["amount_eur"] == "100000.00" and event.after["amount_eur"] == "110000.00"


def test_only_the_secretariat_keeps_the_books(world: World, gov: Governance) -> None:
    for user in (gov.holders["funds"], world.users["fund_admin"], gov.chair):
        with pytest.raises(PermissionDenied):
            act.save_budget_line(
                by=user, covenant=world.covenant, year=2021, code="B1", name="X", amount_eur=1
            )


def test_the_steering_group_reads_the_budget_and_nobody_else(world: World, gov: Governance) -> None:
    _books(world)
    for reader in (gov.holders["unions"], gov.deputies["ngos"], gov.chair):
        client = Client()
        client.force_login(reader)
        page = client.get("/governance/budget/?year=2021")
        assert page.status_code == 200
        assert "Onderzoek" in page.content.decode()
        assert "/spending/new/" not in page.content.decode()  # reading, not keeping the books
        assert (
            client.get("/api/v1/governance/budget/2021").json()["totals"]["spent_eur"] == "80500.60"
        )
    # A working group's member and the monitoring committee do not.
    for key in ("fund_editor", "monitoring"):
        client = Client()
        client.force_login(world.users[key])
        assert client.get("/governance/budget/?year=2021").status_code == 403
        assert client.get("/governance/budget/2021.csv").status_code == 403
        assert client.get("/api/v1/governance/budget/2021").status_code == 403
        assert BudgetLine.objects.visible_to(world.users[key]).count() == 0


def test_the_exports_hold_the_page_s_figures(world: World) -> None:
    _books(world)
    client = Client()
    client.force_login(world.users["secretariat"])
    text = client.get("/governance/budget/2021.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    b2 = next(r for r in rows if r["code"] == "B2")
    assert (b2["budget_eur"], b2["spent_eur"], b2["remaining_eur"]) == (
        "20000.00",
        "20500.50",
        "-500.50",
    )
    unpaid = next(r for r in rows if r["kind"] == "total_contributions")
    assert unpaid["remaining_eur"] == "12500.25"
    book = load_workbook(io.BytesIO(client.get("/governance/budget/2021.xlsx").content))
    cells = list(book.active.iter_rows(values_only=True))
    assert cells[0][0] == "year" and any(r[2] == "B1" and r[5] == 60000.10 for r in cells)
    assert client.get("/governance/budget/2021.pdf").status_code == 404


def test_a_form_with_a_bad_amount_comes_back_with_the_reason(world: World) -> None:
    client = Client()
    client.force_login(world.users["secretariat"])
    page = client.post(
        "/governance/budget/lines/new/",
        {"year": "2021", "code": "B1", "name": "X", "amount_eur": "veel"},
    )
    assert page.status_code == 200 and "is geen bedrag in euro" in page.content.decode()
    assert BudgetLine.objects.unrestricted("test").count() == 0
    # A year that is not one falls back to the latest, with a message: never a 500.
    assert client.get("/governance/budget/?year=abc").status_code == 200


def test_a_year_out_of_any_calendar_is_not_found_never_an_error(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["secretariat"])
    for url in (
        "/governance/budget/99999999999999999999.csv",
        "/api/v1/governance/budget/40000",
        "/governance/annual/0/invitation/",
        "/governance/annual/99999/pack.pdf",
    ):
        assert client.get(url).status_code == 404, url
