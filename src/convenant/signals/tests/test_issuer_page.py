"""An issuer's page shows the company's risks and the signals about it at the level each
reader may see (DESIGN §5): a fund its own results and judgement, never another fund's; a
reader whose fund does not hold it the methodology's inherent view; the secretariat the
covenant's view under the k-minimum rule, never which funds; and only the signals the
reader may read — a confidential, secretariat-only or unshared one leaves no trace.

The test lives in signals, the only app that may import both risk and signals."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from convenant.core.testing import World
from convenant.portfolios.actions import import_holdings
from convenant.risk.actions import judge_risk, record_company_finding, score_snapshot
from convenant.risk.models import ConductRecord, RiskResult
from convenant.risk.testing import MINER_ISIN, hold_a_mining_company
from convenant.signals import actions
from convenant.signals.models import State
from convenant.signals.tests.helpers import report

# Who may read a signal of each level (the union filed them all: it is their team).
READERS = {
    "public": {"fund_editor", "other_fund", "union", "monitoring", "secretariat"},
    "covenant": {"fund_editor", "other_fund", "union", "monitoring", "secretariat"},
    "restricted": {"other_fund", "union", "secretariat"},  # named: the other fund
    "secretariat": {"union", "secretariat"},
    "unshared": {"union", "secretariat"},  # still in review
}


def _signal(world: World, issuer: Any, level: str) -> Any:
    """A signal of the union about the issuer: shared at ``level``, or ("unshared") left
    in review."""
    union = world.users["union"]
    signal = actions.submit_signal(
        by=union,
        party=world.union,
        report=report(
            title=f"Zaak{level.capitalize()} bij de mijn",
            company_name=issuer.legal_name,
            visibility="covenant" if level == "unshared" else level,
            shared_with=[world.other_fund.pk] if level == "restricted" else [],
        ),
    )
    actions.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason="Nagaan")
    actions.link_issuer(by=union, signal=signal, issuer=issuer)
    if level == "unshared":
        return signal
    actions.assess_signal(
        by=union, signal=signal, scale=3, scope=2, irremediability=3, likelihood=4
    )
    actions.change_state(
        by=world.users["secretariat"], signal=signal, to=State.VERIFIED, reason="Twee bronnen"
    )
    return actions.share_signal(
        by=union,
        signal=signal,
        visibility=level,
        shared_with=[world.other_fund] if level == "restricted" else [],
        redactions={"description": 0},
        reason="Delen",
    )


def _judge(user: Any, snapshot_id: int, reason: str) -> None:
    result = (
        RiskResult.objects.visible_to(user)
        .filter(snapshot_id=snapshot_id, theme="forced-labour")
        .select_related("snapshot")
        .get()
    )
    judge_risk(by=user, result=result, decision="confirmed", impact="potential", reason=reason)


@pytest.fixture
def miner(world: World, tmp_path: Path) -> World:
    return set_up(world, tmp_path)


def set_up(world: World, tmp_path: Path) -> World:
    """The world's fund and the other fund both hold the mining company (each with its own
    judgement); a signal about it at each level; a finding and a conduct record."""
    issuer, snapshot_id = hold_a_mining_company(world, tmp_path)
    path = tmp_path / "beta.csv"
    path.write_text(f"ISIN;Marktwaarde;Valuta\n{MINER_ISIN};7.777.777,00;EUR\n")
    other = import_holdings(
        by=world.users["other_fund"],
        fund=world.other_fund,
        as_of=datetime.date(2024, 12, 31),
        path=path,
        filename=path.name,
    )
    assert other.snapshot_id is not None, other.errors
    score_snapshot(other.snapshot_id)
    _judge(world.users["fund_editor"], snapshot_id, "Eigen oordeel van Alfa")
    _judge(world.users["other_fund"], other.snapshot_id, "Zilverreiger oordeel van Beta")
    for level in READERS:
        world.extra[level] = _signal(world, issuer, level)
    # What the share's job does once its transaction commits (tests never commit).
    record_company_finding(
        issuer=issuer,
        theme="forced-labour",
        reference=world.extra["covenant"].reference,
        scale=3,
        scope=2,
        irremediability=3,
        likelihood=4,
        actual=True,
        source="Vakbond Gamma, 2026",
    )
    ConductRecord.objects.create(
        issuer=issuer,
        source="Voorbeeld ESG-data",
        as_of=datetime.date(2024, 12, 31),
        violation=True,
        monitoring=False,
        themes=["forced-labour"],
        line=2,
    )
    world.extra.update(miner=issuer, snapshot=snapshot_id, other_snapshot=other.snapshot_id)
    return world


def _client(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


def _section(page: str, anchor: str) -> str:
    found = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def _page(world: World, actor: str) -> str:
    response = _client(world, actor).get(world.extra["miner"].get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("actor", sorted({a for who in READERS.values() for a in who}))
def test_signals_panel_shows_only_what_the_reader_may_read(miner: World, actor: str) -> None:
    signals = _section(_page(miner, actor), "signals")
    shown = {level for level in READERS if f"Zaak{level.capitalize()}" in signals}
    assert shown == {level for level, who in READERS.items() if actor in who}
    for level in READERS:
        reference = miner.extra[level].reference
        assert (reference in signals) is (level in shown), (actor, level)
    # One row per readable signal, linked to its page; no count of the others.
    assert signals.count('href="/signals/') == len(shown)


def test_fund_sees_its_own_results_and_judgement_never_the_other_funds(miner: World) -> None:
    page = _page(miner, "fund_editor")
    risks = _section(page, "risks")
    assert "Pensioenfonds Alfa" in risks and "Eigen oordeel van Alfa" in risks
    assert "Zilverreiger" not in page and "Pensioenfonds Beta" not in page
    assert "7.777.777" not in page and "7,777,777" not in page  # the other fund's position
    # Its own results: the company's priority, the themes' scores and worded reasons.
    assert "/risks/" in risks and ("Reasons" in risks or "Redenen" in risks)
    assert "Across the covenant" not in risks and "Binnen het convenant" not in risks
    # What the methodology gives companies like it is for those whose fund does not hold it.
    assert "companies like this one" not in risks and "bedrijven zoals dit" not in risks
    # Company evidence, for covenant members: the finding's reference and the conduct record.
    assert miner.extra["covenant"].reference in risks and "Voorbeeld ESG-data" in risks


def test_the_other_fund_sees_its_own_judgement_not_alfas(miner: World) -> None:
    risks = _section(_page(miner, "other_fund"), "risks")
    assert "Zilverreiger oordeel van Beta" in risks and "Pensioenfonds Beta" in risks
    assert "Eigen oordeel van Alfa" not in risks and "Pensioenfonds Alfa" not in risks


@pytest.mark.parametrize("actor", ["union", "monitoring", "secretariat"])
def test_a_reader_without_holdings_sees_the_inherent_view_labelled(
    miner: World, actor: str
) -> None:
    with override_settings(LANGUAGE_CODE="en"):
        page = _client(miner, actor).get(
            miner.extra["miner"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
        )
    risks = _section(page.content.decode(), "risks")
    assert "What the methodology gives companies like this one" in risks
    # The secretariat and the union hold nothing: no "none of your funds" for them.
    assert "None of your funds holds this company" not in risks
    assert "Forced labour" in risks  # the themes of the sector, worded
    # No fund's data: no fund, no judgement, no position.
    for word in ("Pensioenfonds", "oordeel", "7,777,777", "2,500,000"):
        assert word not in risks, (actor, word)


def test_secretariat_sees_the_covenant_view_only_from_the_minimum(miner: World) -> None:
    with override_settings(AGGREGATE_MIN_FUNDS=3):
        risks = _section(_page(miner, "secretariat"), "risks")
        assert "Fewer than 3 funds" in risks or "Minder dan 3 fondsen" in risks
    with override_settings(AGGREGATE_MIN_FUNDS=2):
        risks = _section(_page(miner, "secretariat"), "risks")
        covenant = re.search(
            r"(Across the covenant|Binnen het convenant)</h3>(.*?)<h3>", risks, re.S
        )
        assert covenant and re.search(r'<td class="num">2</td>', covenant.group(2))
        assert "Pensioenfonds" not in risks and "oordeel" not in risks


def test_union_sees_no_covenant_view(miner: World) -> None:
    risks = _section(_page(miner, "union"), "risks")
    assert "Across the covenant" not in risks and "Binnen het convenant" not in risks


def test_anonymous_is_sent_to_log_in(miner: World) -> None:
    response = Client().get(miner.extra["miner"].get_absolute_url())
    assert response.status_code == 302 and "/login" in response["Location"]


def _queries(world: World, actor: str) -> int:
    client = _client(world, actor)
    url = world.extra["miner"].get_absolute_url()
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("actor", ["fund_editor", "union", "secretariat"])
def test_query_count_is_flat_in_themes_and_signals(miner: World, actor: str) -> None:
    """More signals and findings on the company add no query; the miner has several themes
    and each theme's reasons are worded without a query."""
    before = _queries(miner, actor)
    for n in range(3):
        signal = _signal(miner, miner.extra["miner"], "covenant")
        record_company_finding(
            issuer=miner.extra["miner"],
            theme="child-labour",
            reference=f"{signal.reference}",
            scale=2,
            scope=2,
            irremediability=2,
            likelihood=3 + n % 2,
            actual=False,
            source="Vakbond Gamma, 2026",
        )
    assert RiskResult.objects.visible_to(miner.users["fund_editor"]).count() > 3  # themes
    assert _queries(miner, actor) == before
    assert before == PINNED[actor], f"{actor}: {before} queries, pinned at {PINNED[actor]}"


# The issuer page as each reader sees it, panels included (a new query here is a choice):
# session, user, access (parties, then the bodies a person sits in), issuer, subsidiaries,
# identifiers, classifications, positions, aliases, subsidiaries and merged duplicates
# listed; themes, results, findings, conduct records and signal links; a fund's
# judgements; without holdings the inherent view; the secretariat's joint leverage and
# covenant view; the company's engagement history (engagement's panel).
PINNED = {"fund_editor": 19, "union": 19, "secretariat": 21}
