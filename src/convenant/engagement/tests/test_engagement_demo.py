"""The demo's engagements: fictional, of several demo funds on companies they hold, some
escalated and some following up the demo's signals and risks; loading twice changes
nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from convenant.core.demo import loaders
from convenant.core.models import User
from convenant.engagement import demo
from convenant.engagement.models import Activity, Engagement, Objective, RiskLink, SignalLink
from convenant.engagement.views.overviews import fund_funnel
from convenant.parties import demo as parties_demo
from convenant.parties.models import Party
from convenant.portfolios.demo import load_demo_issuers, load_demo_snapshots

pytestmark = pytest.mark.django_db


def test_the_demo_engagements_load_once_escalated_and_linked(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        parties_demo.load_demo_covenant()
        load_demo_issuers()
        load_demo_snapshots(funds=4)
        for name in ("reference", "signals"):  # the themes, then the signals on held companies
            next(loader for loader in loaders() if loader.name == name).load()
        created = demo.load()
    assert created == 4
    engagements = Engagement.objects.all()
    assert all(e.title.endswith(demo.MARK) for e in engagements)
    assert {e.lead_party.code for e in engagements} == {"PF001", "PF002", "PF003"}
    assert SignalLink.objects.exists() and RiskLink.objects.exists()
    assert Activity.objects.filter(step="agm-vote", vote="against").exists()
    assert Activity.objects.filter(step="public-statement").exists()
    assert set(Objective.objects.exclude(outcome="").values_list("outcome", flat=True)) == {
        "met",
        "partly_met",
        "divested",
    }
    editor = User.objects.get(email=parties_demo.demo_email("fonds-redacteur"))
    funnel = fund_funnel(editor, Party.objects.get(code="PF001"))
    assert funnel.escalations_due and funnel.overdue_milestones >= 1
    assert funnel.success_rate == 100

    counts = (Engagement.objects.count(), Objective.objects.count(), Activity.objects.count())
    assert demo.load() == 0
    assert "already loaded" in demo.load_and_describe()
    assert counts == (
        Engagement.objects.count(),
        Objective.objects.count(),
        Activity.objects.count(),
    )
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("engagement_overview")).content.decode()
    assert demo.MARK in page
