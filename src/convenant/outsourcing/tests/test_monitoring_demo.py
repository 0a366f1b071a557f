"""The demo's reporting goes through the real actions and leaves the dashboard between 0 and
100 %: mandates in turn reported in full, missing the last quarter, missing an older half-year
and with nothing agreed; a second run changes nothing."""

from __future__ import annotations

import pytest

from convenant.core.audit import AuditEvent
from convenant.core.testing import World
from convenant.outsourcing import demo_monitoring, kpis
from convenant.outsourcing.models import ProviderReport, ReportingRequirement
from convenant.outsourcing.tests import monitoring_example as ex

pytestmark = pytest.mark.django_db


def test_the_demo_reports_some_mandates_in_full_and_leaves_gaps(world: World) -> None:
    user = world.users["fund_editor"]
    provider = ex.provider("Demobeheerder (fictief)", "asset_manager", user)
    for amount in (100, 200, 300, 400, 500, 600, 700, 800):
        ex.mandate(world.fund, provider, amount, user)
    # When the demo's reporting is loaded, twice
    demo_monitoring.load()
    counts = (
        ReportingRequirement.objects.unrestricted("test").count(),
        ProviderReport.objects.unrestricted("test").count(),
    )
    demo_monitoring.load()
    # Then six of the eight mandates have requirements, and a second run adds nothing
    assert counts[0] == 6  # two turns of: quarterly, quarterly, half-yearly, none
    assert counts == (
        ReportingRequirement.objects.unrestricted("test").count(),
        ProviderReport.objects.unrestricted("test").count(),
    )
    # Through the actions: each report audited under its fund, the latest full ones with a PDF
    events = AuditEvent.objects.unrestricted("test").filter(
        verb="outsourcing.record_provider_report"
    )
    assert events.count() == counts[1]
    assert set(events.values_list("party_id", flat=True)) == {world.fund.pk}
    with_file = ProviderReport.objects.unrestricted("test").exclude(file="")
    assert with_file.count() == 2
    # And the dashboard's reporting share lies strictly between 0 and 100 %
    shares = kpis.fund_shares(world.fund)
    assert shares.with_reporting == 4  # reported in full, and an older half-year missing
    assert 0 < shares.reporting_by_count < 100  # type: ignore[operator]
