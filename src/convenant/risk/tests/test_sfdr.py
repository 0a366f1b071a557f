"""SFDR principal adverse impacts 10 and 11: loading conduct data (bad files change nothing)
and the indicators worked out by hand for a two-company snapshot."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.portfolios.models import Issuer, Position
from convenant.risk.actions import load_conduct_records, record_company_finding
from convenant.risk.models import ConductRecord
from convenant.risk.sfdr import principal_adverse_impacts

MINER_ISIN = "US0378331005"


@pytest.fixture
def two_companies(scored: World) -> World:
    """The scored snapshot (the miner, € 2.5 million) plus a bank (€ 7.5 million) and an
    unidentified position (€ 10 million): € 20 million in all."""
    bank = Issuer.objects.create(
        legal_name="Voorbeeldbank N.V.",
        country_of_incorporation="NL",
        sector_scheme="GICS",
        sector_code="401010",
        lei="724500VKKSH9QOLTFR81",
        source=Issuer.Source.GLEIF,
    )
    base = {"snapshot_id": scored.extra["snapshot_id"], "currency": "EUR", "match_method": "isin"}
    Position.objects.create(
        **base,
        row=98,
        issuer=bank,
        name=bank.legal_name,
        market_value=7_500_000,
        value_eur=7_500_000,
        status=Position.Status.MATCHED,
        match_confidence=100,
    )
    Position.objects.create(
        **base,
        row=99,
        name="ONBEKEND BEDRIJF",
        market_value=10_000_000,
        value_eur=10_000_000,
        status=Position.Status.NEW,
        match_confidence=0,
    )
    scored.extra["bank"] = bank
    return scored


def _load(world: World, tmp_path: Path, text: str, source: str = "Provider X") -> int:
    path = tmp_path / "conduct.csv"
    path.write_text(text, encoding="utf-8")
    return load_conduct_records(path=path, source=source, by=world.users["secretariat"])


def test_indicators_worked_out_by_hand(two_companies: World, tmp_path: Path) -> None:
    _load(
        two_companies,
        tmp_path,
        "identifier,violation,monitoring,as_of,note\n"
        f"{MINER_ISIN},no,no,2024-06-30,\n"
        "724500VKKSH9QOLTFR81,,yes,2024-06-30,violation not assessed\n",
    )
    snapshot = two_companies.extra["miner"].positions.first().snapshot
    pai = principal_adverse_impacts(snapshot, two_companies.users["fund_viewer"])
    assert pai.total == Decimal("20000000") and pai.matched == Decimal("10000000")
    # PAI 10: nobody reported in violation: 0 %; known for the miner only: 2.5 / 20 = 12.5 %.
    assert (pai.pai10.value, pai.coverage_10) == (Decimal("0.0"), Decimal("12.5"))
    # PAI 11: the miner has no processes: 2.5 / 20 = 12.5 %; known for both: 10 / 20 = 50 %.
    assert (pai.pai11.value, pai.coverage_11) == (Decimal("12.5"), Decimal("50.0"))
    # A verified signal of an actual impact puts the miner in PAI 10.
    record_company_finding(
        issuer=two_companies.extra["miner"],
        theme="land-rights",
        reference="SIG-2026-0009",
        scale=4,
        scope=3,
        irremediability=4,
        likelihood=4,
        actual=True,
        source="Vakbond Voorbeeld",
    )
    pai = principal_adverse_impacts(snapshot, two_companies.users["fund_viewer"])
    assert pai.pai10.value == Decimal("12.5")
    assert "SIG-2026-0009" in pai.pai10.companies[0].reasons[0]


def test_data_dated_after_the_snapshot_does_not_count(two_companies: World, tmp_path: Path) -> None:
    _load(
        two_companies,
        tmp_path,
        f"identifier,violation,monitoring,as_of\n{MINER_ISIN},yes,no,2025-06-30\n",
    )
    snapshot = two_companies.extra["miner"].positions.first().snapshot
    assert snapshot.as_of == datetime.date(2024, 12, 31)
    pai = principal_adverse_impacts(snapshot, two_companies.users["fund_viewer"])
    assert pai.pai10.value == 0 and pai.coverage_10 == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("identifier,violation\nX,yes\n", "lacks the column(s) monitoring, as_of"),
        ("identifier,violation,monitoring,as_of\n", "no rows"),
        (
            "identifier,violation,monitoring,as_of\nNL0000000001,yes,no,2024-06-30\n",
            "line 2, column identifier: no issuer with ISIN or LEI NL0000000001",
        ),
        (
            f"identifier,violation,monitoring,as_of\n{MINER_ISIN},perhaps,no,2024-06-30\n",
            "line 2, column violation: write yes, no or leave it empty",
        ),
        (
            f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,no,30-06-2024\n",
            "line 2, column as_of: a date as YYYY-MM-DD",
        ),
        (
            f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,no,2999-01-01\n",
            "line 2, column as_of: the date lies in the future",
        ),
        (
            f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,no,2024-06-30\n"
            f"{MINER_ISIN},yes,no,2024-06-30\n",
            "line 3: the company is in the file twice for this date",
        ),
    ],
)
def test_a_bad_conduct_file_says_where_and_loads_nothing(
    two_companies: World, tmp_path: Path, text: str, message: str
) -> None:
    _load(
        two_companies,
        tmp_path,
        f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,no,2024-01-31\n",
    )
    with pytest.raises(ActionError) as refused:
        _load(two_companies, tmp_path, text)
    assert message in refused.value.messages[0]
    assert list(ConductRecord.objects.values_list("as_of", flat=True)) == [
        datetime.date(2024, 1, 31)
    ]


def test_latin1_is_refused_clearly(two_companies: World, tmp_path: Path) -> None:
    path = tmp_path / "conduct.csv"
    path.write_bytes(
        "identifier,violation,monitoring,as_of,note\nX,no,no,2024-01-31,café\n".encode("latin-1")
    )
    with pytest.raises(ActionError, match="not UTF-8"):
        load_conduct_records(path=path, source="P", by=two_companies.users["secretariat"])


def test_only_the_secretariat_loads_conduct_data(two_companies: World, tmp_path: Path) -> None:
    path = tmp_path / "conduct.csv"
    path.write_text(f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,no,2024-06-30\n")
    with pytest.raises(PermissionDenied):
        load_conduct_records(path=path, source="P", by=two_companies.users["fund_admin"])
    assert not ConductRecord.objects.exists()


def test_the_page_states_its_inputs(two_companies: World, tmp_path: Path) -> None:
    _load(
        two_companies,
        tmp_path,
        f"identifier,violation,monitoring,as_of\n{MINER_ISIN},yes,no,2024-06-30\n",
    )
    client = Client()
    client.force_login(two_companies.users["fund_viewer"])
    page = client.get(f"/holdings/{two_companies.extra['snapshot_id']}/sfdr/").content.decode()
    assert "12,5 %" in page and "Provider X" in page and "Mineração Exemplo S.A." in page
    assert "invoer bekend voor 12,5 % van de waarde" in page


def test_the_load_conduct_command_says_what_is_wrong(two_companies: World, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "conduct.csv"
    path.write_text(f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,yes,2024-06-30\n")
    secretariat = two_companies.users["secretariat"].email
    with pytest.raises(CommandError, match="No active user"):
        call_command("load_conduct", str(path), source="P", by="nobody@example.org")
    with pytest.raises(CommandError, match="No file"):
        call_command("load_conduct", str(tmp_path / "missing.csv"), source="P", by=secretariat)
    with pytest.raises(CommandError, match="Name the source"):
        call_command("load_conduct", str(path), source="  ", by=secretariat)
    assert not ConductRecord.objects.exists()
    call_command("load_conduct", str(path), source="Provider X", by=secretariat)
    assert ConductRecord.objects.get().monitoring is True
