"""On the whole demo covenant (after the toolkit's releases and the mandates), the demo's
reporting leaves each demo fund's dashboard between 0 and 100 %, and the covenant's counts
meet the minimum-of-funds rule."""

import pytest

from convenant.core.models import User
from convenant.governance import demo_bodies, demo_decisions
from convenant.outsourcing import demo_mandates, demo_monitoring, kpis
from convenant.parties.demo import demo_email, load_demo_covenant
from convenant.parties.models import Membership
from convenant.toolkit import demo_texts

pytestmark = pytest.mark.django_db


def test_the_demo_dashboard_shows_shares_between_nought_and_all() -> None:
    load_demo_covenant()
    demo_bodies.load()
    demo_decisions.load()
    demo_texts.load()
    demo_mandates.load()
    summary = demo_monitoring.load()
    assert "requirements for" in summary
    assert demo_monitoring.load().endswith(summary.split(", ")[-1])  # nothing added again

    editor = User.objects.get(email=demo_email("fonds-redacteur"))
    fund = Membership.objects.filter(user=editor).first().party
    shares = kpis.fund_shares(fund)
    assert shares.mandates >= 2
    assert 0 < shares.reporting_by_count < 100  # type: ignore[operator]
    assert 0 < shares.clauses_by_count < 100  # type: ignore[operator]
    covenant = kpis.covenant_shares()
    assert covenant is not None and 0 < covenant.with_reporting < covenant.mandates
