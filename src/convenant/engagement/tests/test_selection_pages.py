"""The selection's pages: a fund's editor nominates a company it holds, the nomination's page
tells what the platform knows at the reader's level (how many funds hold it only under the
minimum-of-funds rule, engagements the reader may read), editors score for their
constituency, and the round's ranked overview and its CSV follow the scores."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import engagements as engagement_actions
from convenant.engagement.actions import selection as act
from convenant.engagement.models import Nomination, NominationScore
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Position, Snapshot

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CRITERIA = ("severity", "likelihood", "added_value", "labour_rights", "learning")


def _hold(fund: Party, issuer: Issuer) -> None:
    from django.db import connection

    from convenant.portfolios.importing.write import partition_name

    snapshot = Snapshot.objects.create(fund=fund, as_of=TODAY - datetime.timedelta(days=30))
    with connection.cursor() as cursor:  # a partition per snapshot, as an import makes
        cursor.execute(
            f'CREATE TABLE "{partition_name(snapshot.pk)}" PARTITION OF portfolios_position '
            f"FOR VALUES IN ({snapshot.pk})"
        )
    Position.objects.create(
        snapshot=snapshot,
        row=1,
        issuer=issuer,
        name=issuer.legal_name,
        currency="EUR",
        market_value=1000,
        value_eur=1000,
        status=Position.Status.MATCHED,
        match_method="name",
        match_confidence=90,
    )


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def _text(response: object) -> str:
    page = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def issuer() -> Issuer:
    return Issuer.objects.create(
        legal_name="Koperberg Mining plc", country_of_incorporation="PE", source="gleif"
    )


def test_an_editor_nominates_a_company_held_and_the_page_shows_the_evidence(
    world: World, issuer: Issuer
) -> None:
    _hold(world.fund, issuer)
    act.open_selection_round(
        by=world.users["secretariat"],
        title="Ronde 2026",
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=30),
    )
    client = _client(world, "fund_editor")
    form = client.get(reverse("nomination_add")).content.decode()
    assert "Koperberg Mining plc" in form  # offered among the companies the fund holds
    response = client.post(
        reverse("nomination_add"),
        {
            "party": world.fund.pk,
            "title": "Koperberg: gedwongen verhuizing",
            "target": "issuer",
            "issuer": issuer.pk,
            "themes": "land-rights, human-rights-defenders",
            "rationale": "Gemeenschappen verdreven (fictief).",
            "evidence_severity": "Zeshonderd gezinnen (fictief).",
            "evidence_learning": "Leerzaam voor de sector (fictief).",
            "into_round": "on",
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("nomination_detail", args=[nomination.reference])
    assert nomination.round is not None and nomination.themes == [
        "human-rights-defenders",
        "land-rights",
    ]
    page = _text(_client(world, "union").get(response["Location"]))
    assert "Zeshonderd gezinnen" in page and "Leerzaam voor de sector" in page
    assert "Koperberg Mining plc" in page


def test_a_nomination_without_evidence_comes_back_with_the_error_and_stores_nothing(
    world: World,
) -> None:
    response = _client(world, "union").post(
        reverse("nomination_add"),
        {
            "party": world.union.pk,
            "title": "Zonder onderbouwing",
            "target": "issue",
            "issue": "Leefbaar loon",
            "rationale": "Waarom niet.",
        },
    )
    assert response.status_code == 200
    assert "ten minste één selectiecriterium" in response.content.decode()
    assert not Nomination.objects.exists()


def test_how_many_funds_hold_the_company_is_told_only_under_the_minimum_of_funds(
    world: World, issuer: Issuer
) -> None:
    nomination = act.nominate(
        by=world.users["union"],
        party=world.union,
        title="Koperberg",
        target="issuer",
        issuer=issuer,
        rationale="Verdreven gemeenschappen (fictief).",
        evidence={"severity": "Zeshonderd gezinnen (fictief)."},
    )
    url = reverse("nomination_detail", args=[nomination.reference])
    _hold(world.fund, issuer)
    assert "Minder dan 3 fondsen houden het aan" in _text(_client(world, "fund_editor").get(url))
    assert "Minder dan 3 fondsen houden het aan" in _text(_client(world, "secretariat").get(url))
    assert "Zichtbaar voor de fondsen, het secretariaat en de stuurgroep" in _text(
        _client(world, "union").get(url)
    )
    for code in ("EC", "ED", "EE"):
        fund = Party.objects.create(
            covenant=world.covenant,
            code=code,
            slug=code.lower(),
            name=f"Pensioenfonds {code}",
            type=Party.Type.PENSION_FUND,
            constituency=world.fund.constituency,
            joined_on=datetime.date(2019, 1, 1),
        )
        _hold(fund, issuer)
    assert "4 fondsen houden het aan" in _text(_client(world, "secretariat").get(url))
    assert "4 fondsen houden het aan" in _text(_client(world, "fund_editor").get(url))
    union_page = _text(_client(world, "union").get(url))
    assert "fondsen houden het aan" not in union_page


def test_the_nomination_page_lists_only_the_engagements_the_reader_may_read(
    world: World, issuer: Issuer
) -> None:
    engagement_actions.create_engagement(
        by=world.users["fund_editor"],
        title="Gesprek Koperberg",
        target="issuer",
        issuer=issuer,
        lead_party=world.fund,
        start_date=TODAY,
    )
    nomination = act.nominate(
        by=world.users["union"],
        party=world.union,
        title="Koperberg",
        target="issuer",
        issuer=issuer,
        rationale="Verdreven gemeenschappen (fictief).",
        evidence={"severity": "Zeshonderd gezinnen (fictief)."},
    )
    url = reverse("nomination_detail", args=[nomination.reference])
    assert "Gesprek Koperberg" in _text(_client(world, "fund_editor").get(url))
    assert "Gesprek Koperberg" not in _text(_client(world, "other_fund").get(url))
    assert "Gesprek Koperberg" not in _text(_client(world, "union").get(url))


def test_scores_given_on_the_page_rank_the_round_and_fill_its_csv(world: World) -> None:
    selection_round = act.open_selection_round(
        by=world.users["secretariat"],
        title="Ronde 2026",
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=30),
    )

    def nominate(title: str) -> Nomination:
        return act.nominate(
            by=world.users["union"],
            party=world.union,
            title=title,
            target="issue",
            issue=title,
            rationale="Waarom (fictief).",
            evidence={"severity": "Ernstig (fictief)."},
            into_round=True,
        )

    low, high = nominate("Laag"), nominate("Hoog")
    for nomination, value in ((low, "2"), (high, "5")):
        response = _client(world, "fund_editor").post(
            reverse("nomination_score", args=[nomination.reference]),
            {
                "constituency": world.fund.constituency_id,
                "comment_severity": "Toelichting",
                **{f"score_{c}": value for c in CRITERIA},
            },
        )
        assert response.status_code == 302
    assert NominationScore.objects.count() == 10
    page = _text(_client(world, "union").get(reverse("round_detail", args=[selection_round.pk])))
    assert page.index("Hoog") < page.index("Laag")
    csv = _client(world, "union").get(reverse("round_ranking_csv", args=[selection_round.pk]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith(f"1,{high.reference},Hoog")
    assert lines[2].startswith(f"2,{low.reference},Laag")
    # The funds scored every criterion of both: no scores due for them; the union has.
    assert (
        "scores te geven"
        not in _client(world, "fund_editor").get(reverse("dashboard")).content.decode()
    )
    assert "scores te geven" in _client(world, "union").get(reverse("dashboard")).content.decode()


def test_the_nomination_page_lists_only_the_signals_the_reader_may_read(
    world: World, issuer: Issuer
) -> None:
    from convenant.signals import actions as signals
    from convenant.signals.models import State
    from convenant.signals.tests.helpers import load_themes, report

    load_themes()
    union = world.users["union"]
    signal = signals.submit_signal(
        by=union,
        party=world.union,
        report=report(
            title="Zaak Kwartel bij de mijn",
            company_name=issuer.legal_name,
            visibility="restricted",
            shared_with=[world.other_fund.pk],
        ),
    )
    signals.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason="Nagaan")
    signals.link_issuer(by=union, signal=signal, issuer=issuer)
    signals.assess_signal(
        by=union, signal=signal, scale=3, scope=2, irremediability=3, likelihood=4
    )
    signals.change_state(
        by=world.users["secretariat"], signal=signal, to=State.VERIFIED, reason="Twee bronnen"
    )
    signals.share_signal(
        by=union,
        signal=signal,
        visibility="restricted",
        shared_with=[world.other_fund],
        redactions={"description": 0},
        reason="Delen",
    )
    nomination = act.nominate(
        by=world.users["union"],
        party=world.union,
        title="Koperberg",
        target="issuer",
        issuer=issuer,
        rationale="Verdreven gemeenschappen (fictief).",
        evidence={"severity": "Zeshonderd gezinnen (fictief)."},
    )
    url = reverse("nomination_detail", args=[nomination.reference])
    assert "Zaak Kwartel" in _text(_client(world, "other_fund").get(url))
    assert "Zaak Kwartel" in _text(_client(world, "union").get(url))
    assert "Zaak Kwartel" not in _text(_client(world, "fund_editor").get(url))
