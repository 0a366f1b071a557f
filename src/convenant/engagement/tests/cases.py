"""Shared set-up of the deep track's tests: the deep track's working group, a nomination and
a case opened from it whose sub-working group holds the world's fund editor (lead fund) and
union officer (union expert). The other fund, the fund's viewer and the monitoring committee
stay outside the group; the secretariat runs the process without sitting in it."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import cases as case_actions
from convenant.engagement.models import Case, CaseRole, Nomination
from convenant.governance.models import Body
from convenant.portfolios.models import Issuer

SELECTED_ON = timezone.localdate() - datetime.timedelta(days=90)


def deep_track_group(world: World) -> Body:
    steering, _made = Body.objects.get_or_create(
        slug="stuurgroep",
        defaults={
            "covenant": world.covenant,
            "kind": Body.Kind.STEERING_GROUP,
            "name": "Stuurgroep",
            "established_on": datetime.date(2019, 1, 1),
        },
    )
    group, _made = Body.objects.get_or_create(
        slug=settings.ENGAGEMENT_DEEP_TRACK_GROUP,
        defaults={
            "covenant": world.covenant,
            "kind": Body.Kind.WORKING_GROUP,
            "name": "Werkgroep diep spoor",
            "parent": steering,
            "established_on": datetime.date(2019, 1, 1),
        },
    )
    return group


def nominate(world: World, title: str = "Mijnbouw en ontheemding", **kw: Any) -> Nomination:
    """A nomination written with the ORM (test set-up; the nomination action is tested in
    its own module)."""
    issuer = kw.pop("issuer", None) or Issuer.objects.create(
        legal_name=f"{title} Mining plc", country_of_incorporation="PE", source=Issuer.Source.GLEIF
    )
    count = Nomination.objects.unrestricted("test set-up").count()
    return Nomination.objects.create(
        reference=kw.pop("reference", f"n-test-{count + 1}"),
        title=title,
        target=Nomination.Target.ISSUER,
        issuer=issuer,
        themes=["land-rights"],
        party=world.union,
        nominated_by=world.users["union"],
        rationale="Gedwongen verhuizing van gemeenschappen (fictief).",
        evidence_severity="Honderden gezinnen (fictief).",
        **kw,
    )


def open_case(world: World, title: str = "Mijnbouw en ontheemding", **kw: Any) -> Case:
    """A case opened by the secretariat, with the fund editor as lead fund and the union
    officer as union expert in its group."""
    deep_track_group(world)
    case = case_actions.open_case(
        by=world.users["secretariat"],
        nomination=nominate(world, title, **kw),
        selected_on=SELECTED_ON,
    )
    secretariat = world.users["secretariat"]
    case_actions.add_case_member(
        by=secretariat,
        case=case,
        user=world.users["fund_editor"],
        party=world.fund,
        role=CaseRole.LEAD_FUND,
        start=SELECTED_ON,
    )
    case_actions.add_case_member(
        by=secretariat,
        case=case,
        user=world.users["union"],
        party=world.union,
        role=CaseRole.UNION_EXPERT,
        start=SELECTED_ON,
    )
    return case
