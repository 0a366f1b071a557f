"""Test helpers for signals: reports, images with GPS EXIF, a fund that holds a company."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from PIL import Image

from convenant.core.testing import World
from convenant.portfolios.models import Issuer, IssuerIdentifier
from convenant.signals import actions
from convenant.signals.models import Signal, State
from convenant.signals.validation import Report

PARENT_ISIN = "NL0000009165"
CHILD_ISIN = "US0378331005"


def load_themes() -> None:
    """The shipped taxonomy, as an installation loads it: a signal's themes must be those
    of the edition in force."""
    from convenant.risk.actions import LIBRARY, load_reference_dataset

    load_reference_dataset(LIBRARY / "themes")


def report(**kw: Any) -> Report:
    data: dict[str, Any] = {
        "title": "Overuren in fabriek",
        "company_name": "Dochter Textiel B.V.",
        "description": "Werknemers worden gedwongen tot onbetaalde overuren.",
        "themes": ["forced-labour"],
        "impact": "actual",
        "visibility": "covenant",
        "sharing": "as_reported",
        "country": "BD",
        "site": "Fabriek 7, Gazipur",
        "people": "Rahima K.",
        "sources": "Verklaringen van drie werknemers",
    }
    data.update(kw)
    return Report.from_data(data)


def form_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Overuren in fabriek",
        "company_name": "Dochter Textiel B.V.",
        "description": "Werknemers worden gedwongen tot onbetaalde overuren.",
        "themes": ["forced-labour"],
        "impact": "actual",
        "visibility": "covenant",
        "sharing": "as_reported",
        "country": "BD",
        "site": "Fabriek 7, Gazipur",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF says where it was taken."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def issuers(world: World) -> tuple[Issuer, Issuer]:
    """A parent group and its subsidiary, both in the register with an ISIN."""
    if "parent_issuer" not in world.extra:
        parent = Issuer.objects.create(
            legal_name="Moeder Groep N.V.", country_of_incorporation="NL", source="gleif"
        )
        child = Issuer.objects.create(
            legal_name="Dochter Textiel B.V.",
            country_of_incorporation="BD",
            source="gleif",
            parent=parent,
        )
        IssuerIdentifier.objects.create(issuer=parent, scheme="isin", value=PARENT_ISIN)
        IssuerIdentifier.objects.create(issuer=child, scheme="isin", value=CHILD_ISIN)
        world.extra["parent_issuer"], world.extra["child_issuer"] = parent, child
    return world.extra["parent_issuer"], world.extra["child_issuer"]


def fund_holds(world: World, user_key: str, isin: str, tmp_path: Path) -> None:
    """The latest holdings of the person's fund contain the issuer with this ISIN."""
    from convenant.portfolios.actions import import_holdings

    user = world.users[user_key]
    fund = user.memberships.get().party
    path = tmp_path / f"{fund.code}-{isin}.csv"
    path.write_text(f"ISIN;Marktwaarde;Valuta\n{isin};1000;EUR\n")
    import_holdings(
        by=user, fund=fund, as_of=datetime.date(2024, 12, 31), path=path, filename=path.name
    )


def shared_signal(
    world: World,
    *,
    level: str = "covenant",
    named: list[Any] | None = None,
    redactions: dict[str, int] | None = None,
    with_holders: bool = False,
    **kw: Any,
) -> Signal:
    """A signal of the union, verified, linked to the subsidiary and shared at a level."""
    _parent, child = issuers(world)
    union = world.users["union"]
    signal = actions.submit_signal(
        by=union,
        party=world.union,
        report=report(visibility=level, shared_with=[p.pk for p in named or []], **kw),
    )
    actions.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason="Nagaan")
    actions.assess_signal(
        by=union, signal=signal, scale=3, scope=2, irremediability=3, likelihood=4
    )
    if not signal.issuer_links.exists():
        actions.link_issuer(by=union, signal=signal, issuer=child)
    # Four eyes: the union filed it, so the secretariat verifies it.
    actions.change_state(
        by=world.users["secretariat"], signal=signal, to=State.VERIFIED, reason="Twee bronnen"
    )
    return actions.share_signal(
        by=union,
        signal=signal,
        visibility=level,
        shared_with=named or [],
        redactions=redactions if redactions is not None else {"description": 0, "site": 3},
        shared_summary="Samenvatting",
        reason="Delen",
        with_holders=with_holders,
    )
