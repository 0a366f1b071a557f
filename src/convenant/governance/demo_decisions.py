"""The demo's proposals and decision log, all FICTIONAL: the steering group's decisions over
2019–2022 — admitting the funds that joined after the signing (applied: the party is there),
adopting the toolkit, agreeing on the deep track's first cases (in words: the cases are
opened by the deep track's own select_cases decisions), approving the monitoring reports and
their public summaries (recorded with their effect *pending*, as the apps that apply them do
not exist yet), a recommendation, and one confidential decision — each by the four seats'
consent; and an open proposal waiting for two seats.

Runs after the bodies' demo (it reads the steering group and its seats). Loading again
changes nothing that is already there.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from convenant.core.audit import record_event
from convenant.core.models import User
from convenant.governance import effects
from convenant.governance.models import (
    Body,
    Decision,
    Proposal,
    ProposalVersion,
    Seat,
    SeatAssignment,
    Vote,
)
from convenant.parties.demo import SIGNED_ON, demo_email
from convenant.parties.models import Party

WHY = "loading the demo"

# (decided on, kind, title, text, effect params, confidential)
HISTORY: list[tuple[datetime.date, str, str, str, dict[str, Any], bool]] = [
    (
        datetime.date(2019, 5, 14),
        Proposal.Kind.RECOMMENDATION,
        "Werkwijze van de stuurgroep",
        "De stuurgroep besluit bij unanimiteit; een onthouding blokkeert niet. Voorstellen "
        "staan ten minste twee weken open; zetels worden zeven en twee dagen voor de sluiting "
        "herinnerd (fictief).",
        {},
        False,
    ),
    # The toolkit's releases: adopted by the toolkit's demo, which gathers the versions of
    # each release and applies these decisions' pending effect.
    (
        datetime.date(2019, 11, 12),
        Proposal.Kind.ADOPT_TOOLKIT_VERSION,
        "Vaststelling toolkit due diligence 2019",
        "De stuurgroep stelt de toolkit 2019 vast, zoals voorgelegd door de werkgroep Toolkit "
        "(fictief).",
        {"release": "2019"},
        False,
    ),
    # A decision in words: the cases themselves are selected by the steering group's
    # select_cases decisions the deep track's demo takes, whose effect opens them.
    (
        datetime.date(2020, 9, 15),
        Proposal.Kind.OTHER,
        "Selectie van de eerste casussen van het diepe spoor",
        "De stuurgroep selecteert drie casussen voor het diepe spoor: een mijnbouwbedrijf, een "
        "kledingketen en een palmolieproducent (fictief).",
        {},
        False,
    ),
    (
        datetime.date(2020, 11, 10),
        Proposal.Kind.OTHER,
        "Vertrouwelijke afspraak over een gesprek met een onderneming",
        "De stuurgroep stemt in met een vertrouwelijk gesprek met een onderneming over een "
        "lopende casus (fictief).",
        {},
        True,
    ),
    (
        datetime.date(2021, 5, 11),
        Proposal.Kind.APPROVE_REPORT,
        "Goedkeuring monitoringrapportage 2020",
        "De stuurgroep keurt de monitoringrapportage over 2020 van de monitoringcommissie goed "
        "(fictief).",
        {"report": "2020"},
        False,
    ),
    (
        datetime.date(2021, 5, 11),
        Proposal.Kind.APPROVE_SUMMARY,
        "Goedkeuring publieke samenvatting monitoringrapportage 2020",
        "De stuurgroep keurt de publieke samenvatting van de monitoringrapportage over 2020 goed "
        "(fictief).",
        {"report": "2020"},
        False,
    ),
    (
        datetime.date(2021, 11, 9),
        Proposal.Kind.ADOPT_TOOLKIT_VERSION,
        "Vaststelling toolkit due diligence 2021",
        "De stuurgroep stelt de toolkit 2021 vast, met het hoofdstuk over herstel (fictief).",
        {"release": "2021"},
        False,
    ),
    (
        datetime.date(2022, 5, 10),
        Proposal.Kind.APPROVE_REPORT,
        "Goedkeuring monitoringrapportage 2021",
        "De stuurgroep keurt de monitoringrapportage over 2021 goed (fictief).",
        {"report": "2021"},
        False,
    ),
    (
        datetime.date(2022, 11, 8),
        Proposal.Kind.ADOPT_TOOLKIT_VERSION,
        "Vaststelling toolkit due diligence 2022",
        "De stuurgroep stelt de toolkit 2022 vast, met de lessen uit het diepe spoor over "
        "biodiversiteit (fictief).",
        {"release": "2022"},
        False,
    ),
]

OPEN_TITLE = "Aanbeveling over stemgedrag op aandeelhoudersvergaderingen"


def _user(key: str) -> User:
    return User.objects.unrestricted(WHY).get(email=demo_email(key))


def _seats(steering: Body) -> list[Seat]:
    return list(Seat.objects.filter(body=steering, has_vote=True).order_by("order"))


def _holder(seat: Seat, on: datetime.date) -> User:
    assignment = (
        SeatAssignment.objects.unrestricted(WHY)
        .current(on)
        .filter(seat=seat)
        .order_by("-role")  # the holder before the deputy
        .select_related("user")
        .first()
    )
    if assignment is None:  # a seat filled later than the vote: its first holder
        assignment = (
            SeatAssignment.objects.unrestricted(WHY)
            .filter(seat=seat)
            .order_by("start", "role")
            .select_related("user")
            .first()
        )
    assert assignment is not None
    return assignment.user


def _next(model: Any) -> int:
    top = model.objects.unrestricted(WHY).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _proposal(
    steering: Body,
    secretary: User,
    kind: str,
    title: str,
    text: str,
    params: dict[str, Any],
    closes: datetime.datetime,
    confidential: bool = False,
) -> tuple[Proposal, ProposalVersion, bool]:
    proposals = Proposal.objects.unrestricted(WHY)
    found = proposals.filter(body=steering, title=title).first()
    if found is not None:
        version = ProposalVersion.objects.unrestricted(WHY).get(proposal=found, number=1)
        return found, version, False
    proposal = proposals.create(
        body=steering,
        number=_next(Proposal),
        kind=kind,
        title=title,
        effect_params=params,
        closes_at=closes,
        state=Proposal.State.OPEN,
        confidential=confidential,
        proposed_by=secretary,
    )
    version = ProposalVersion.objects.create(
        proposal=proposal, number=1, text=text, written_by=secretary
    )
    Proposal.objects.unrestricted(WHY).filter(pk=proposal.pk).update(
        created_at=closes - datetime.timedelta(days=21)
    )
    return proposal, version, True


def _decided(
    steering: Body,
    secretary: User,
    day: datetime.date,
    kind: str,
    title: str,
    text: str,
    params: dict[str, Any],
    confidential: bool,
    applied_to: Party | None = None,
) -> bool:
    closes = _at(day, 17)
    proposal, version, made = _proposal(
        steering, secretary, kind, title, text, params, closes, confidential
    )
    if not made:
        return False
    for seat in _seats(steering):
        Vote.objects.create(
            proposal=proposal,
            seat=seat,
            version=version,
            choice=Vote.Choice.CONSENT,
            cast_by=_holder(seat, day),
        )
    Proposal.objects.unrestricted(WHY).filter(pk=proposal.pk).update(
        state=Proposal.State.CLOSED,
        outcome=Proposal.Outcome.ADOPTED,
        closed_at=closes,
        outcome_statement="Aangenomen met instemming van alle zetels (fictief).",
    )
    effect_type = effects.effect_type_of(kind)
    state = Decision.EffectState.PENDING if effect_type else Decision.EffectState.NONE
    if applied_to is not None:
        state = Decision.EffectState.APPLIED
    Decision.objects.create(
        number=_next(Decision),
        body=steering,
        proposal=proposal,
        title=title,
        text=text,
        decided_on=day,
        confidential=confidential,
        effect_type=effect_type,
        effect_params=params,
        effect_state=state,
        effect_object=(
            effects.object_ref("parties.party", applied_to.pk) if applied_to is not None else ""
        ),
        effect_applied_at=_at(applied_to.joined_on, 9) if applied_to is not None else None,
    )
    return True


def _history(steering: Body, secretary: User) -> int:
    """The decisions in the order they were taken: the numbers of the log follow the dates."""
    entries: list[tuple[datetime.date, str, str, str, dict[str, Any], bool, Party | None]] = [
        (*row, None) for row in HISTORY
    ]
    later = Party.objects.filter(
        type=Party.Type.PENSION_FUND, joined_on__gt=SIGNED_ON, joined_on__year__lte=2022
    ).select_related("constituency")
    for party in later:
        day = max(party.joined_on - datetime.timedelta(days=14), datetime.date(2019, 2, 12))
        params = {
            "name": party.name,
            "code": party.code,
            "type": party.type,
            "constituency": party.constituency.code if party.constituency else "",
            "joined_on": party.joined_on.isoformat(),
        }
        title = f"Toetreding van {party.name}"
        text = f"De stuurgroep laat {party.name} toe tot het convenant per {party.joined_on}."
        entries.append((day, Proposal.Kind.ADMIT_PARTY, title, text, params, False, party))
    made = 0
    for day, kind, title, text, params, confidential, admitted in sorted(
        entries, key=lambda e: (e[0], e[2])
    ):
        made += _decided(
            steering, secretary, day, kind, title, text, params, confidential, admitted
        )
    return made


def _open_proposal(steering: Body, secretary: User) -> None:
    """Open for votes, two seats have consented; the other two are still to vote."""
    closes = _at(timezone.localdate() + datetime.timedelta(days=9), 17)
    proposal, version, made = _proposal(
        steering,
        secretary,
        Proposal.Kind.RECOMMENDATION,
        OPEN_TITLE,
        "De stuurgroep beveelt de deelnemende fondsen aan hun stemgedrag op "
        "aandeelhoudersvergaderingen te richten op de risico's uit de toolkit en daarover "
        "jaarlijks te rapporteren (fictief).",
        {},
        closes,
    )
    if not made:
        return
    today = timezone.localdate()
    for seat in _seats(steering)[:2]:
        Vote.objects.create(
            proposal=proposal,
            seat=seat,
            version=version,
            choice=Vote.Choice.CONSENT,
            cast_by=_holder(seat, today),
        )


def load() -> dict[str, int]:
    steering = Body.objects.filter(slug="stuurgroep").first()
    if steering is None or not _seats(steering):
        return {}
    secretary = _user("secretariaat")
    with transaction.atomic(durable=True):
        made = _history(steering, secretary)
        _open_proposal(steering, secretary)
        if made:
            record_event(
                actor=None,
                verb="governance.load_demo_decisions",
                obj=steering,
                after={"decisions": made},
            )
    decisions = Decision.objects.unrestricted(WHY).filter(body=steering)
    return {
        "decisions": decisions.count(),
        "pending": decisions.filter(effect_state=Decision.EffectState.PENDING).count(),
        "open": Proposal.objects.unrestricted(WHY)
        .filter(body=steering, state=Proposal.State.OPEN)
        .count(),
    }


def load_and_describe() -> str:
    counts = load()
    if not counts:
        return "Governance decisions: no steering group in the demo, nothing loaded."
    return (
        f"Governance decisions (fictional): {counts['decisions']} in the decision log "
        f"({counts['pending']} with their effect pending until its app exists), "
        f"{counts['open']} open proposal waiting for two seats."
    )
