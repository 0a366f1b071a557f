"""Leverage is computed from the participating funds' snapshots at a reference date: each
fund sees its own figure, the combined figure only where enough other funds hold it."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.leverage import leverage_of
from convenant.engagement.models import Engagement, Participant
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Position, Snapshot

pytestmark = pytest.mark.django_db
D = datetime.date


def _hold(fund: Party, issuer: Issuer, as_of: D, value: int, *, partial: bool = False) -> None:
    from django.db import connection

    from convenant.portfolios.importing.write import partition_name

    snapshot = Snapshot.objects.create(fund=fund, as_of=as_of, partial=partial)
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
        market_value=value,
        value_eur=value,
        status=Position.Status.MATCHED,
        match_method="name",
        match_confidence=90,
    )


@pytest.fixture
def engagement(world: World) -> Engagement:
    issuer = Issuer.objects.create(
        legal_name="Palmolie Bhd", country_of_incorporation="MY", source=Issuer.Source.GLEIF
    )
    return actions.create_engagement(
        by=world.users["secretariat"],
        title="Palmolie",
        target="issuer",
        issuer=issuer,
        lead_party=world.fund,
        start_date=D(2024, 1, 1),
        participants=[(world.other_fund, "supporting")],
    )


def test_each_fund_sees_its_own_figure_of_the_snapshot_at_the_reference_date(
    world: World, engagement: Engagement
) -> None:
    issuer = engagement.issuer
    _hold(world.fund, issuer, D(2024, 12, 31), 1_000)
    _hold(world.fund, issuer, D(2025, 6, 30), 3_000)
    _hold(world.fund, issuer, D(2025, 9, 30), 9_000, partial=True)  # never current
    _hold(world.other_fund, issuer, D(2025, 3, 31), 5_000)

    mine = leverage_of(engagement, world.users["fund_viewer"], D(2025, 12, 31))
    assert mine.own == {world.fund.pk: (D(2025, 6, 30), Decimal(3_000))}
    earlier = leverage_of(engagement, world.users["fund_viewer"], D(2025, 1, 31))
    assert earlier.own == {world.fund.pk: (D(2024, 12, 31), Decimal(1_000))}
    assert leverage_of(engagement, world.users["other_fund"], D(2025, 12, 31)).own == {
        world.other_fund.pk: (D(2025, 3, 31), Decimal(5_000))
    }
    # The secretariat reads no positions, and two funds are too few for a combined figure.
    secretariat = leverage_of(engagement, world.users["secretariat"], D(2025, 12, 31))
    assert secretariat.own == {} and secretariat.withheld and secretariat.value is None


def test_the_combined_figure_only_under_the_minimum_of_funds_rule(
    world: World, engagement: Engagement
) -> None:
    issuer = engagement.issuer
    _hold(world.fund, issuer, D(2025, 6, 30), 3_000)
    _hold(world.other_fund, issuer, D(2025, 6, 30), 5_000)
    with override_settings(AGGREGATE_MIN_FUNDS=1):
        shown = leverage_of(engagement, world.users["fund_viewer"], D(2025, 12, 31))
        assert (shown.funds, shown.value, shown.withheld) == (2, Decimal(8_000), False)
    with override_settings(AGGREGATE_MIN_FUNDS=2):
        held_back = leverage_of(engagement, world.users["fund_viewer"], D(2025, 12, 31))
        assert (held_back.funds, held_back.value, held_back.withheld) == (None, None, True)
        # A non-participating holder does not count: the engagement's group is its funds.
        stranger = Party.objects.create(
            covenant=world.covenant,
            code="FC",
            slug="fc",
            name="Fonds C",
            type=Party.Type.PENSION_FUND,
            joined_on=D(2019, 1, 1),
        )
        _hold(stranger, issuer, D(2025, 6, 30), 7_000)
        assert leverage_of(engagement, world.users["fund_viewer"], D(2025, 12, 31)).withheld
        Participant.objects.create(
            engagement=engagement, party=stranger, role="supporting", start=D(2025, 1, 1)
        )
        grown = leverage_of(engagement, world.users["fund_viewer"], D(2025, 12, 31))
        assert (grown.funds, grown.value) == (3, Decimal(15_000))


def test_an_engagement_on_an_issue_has_no_leverage_figure(world: World) -> None:
    engagement = actions.create_engagement(
        by=world.users["fund_editor"],
        title="Kinderarbeid",
        target="issue",
        issue="Kinderarbeid in mica",
        lead_party=world.fund,
        start_date=D(2024, 1, 1),
    )
    assert not leverage_of(engagement, world.users["fund_viewer"]).applies
