"""The demo's bodies and meetings, all FICTIONAL: the steering group with a seat per
constituency (holder and deputy from the demo's parties) and an independent chair, two
working groups and a sub-working group, the monitoring committee with the demo's monitoring
users; the steering group's and working groups' meetings over 2019–2022 with agendas,
approved minutes and action items (some open, one overdue), and meetings to come.

The demo's government, union and NGO officers hold seats, so they find work when they log
in. Loading again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from convenant.core.access import Role
from convenant.core.audit import record_event
from convenant.core.models import User
from convenant.governance.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    Meeting,
    Seat,
    SeatAssignment,
)
from convenant.parties.demo import DEMO_PASSWORD, demo_email, fund_code
from convenant.parties.models import Constituency, Covenant, Membership, Party

WHY = "loading the demo"
SINCE = datetime.date(2019, 1, 1)

# Extra fictional people: deputies and the independent chair (key, name, party code or None).
EXTRA_PEOPLE = [
    ("overheid-2", "Ruben Hoekstra", "BZ"),
    ("vakbond-2", "Sanne Willems", "CNV"),
    ("ngo-2", "Tom Kramer", "PAX"),
    ("voorzitter", "Prof. dr. Ellen Vermeulen", None),
]

# Seats of the steering group: constituency, label, holder key, deputy key.
SEATS = [
    ("funds", "Pensioenfondsen", ("federatie", "PF"), ("fonds-beheerder", fund_code(0))),
    ("government", "Overheid", ("overheid", "SZW"), ("overheid-2", "BZ")),
    ("unions", "Vakbonden", ("vakbond", "FNV"), ("vakbond-2", "CNV")),
    ("ngos", "Ngo's", ("ngo", "OXN"), ("ngo-2", "PAX")),
]

BODIES = [
    # slug, kind, name, name_en, parent slug, mandate
    (
        "stuurgroep",
        Body.Kind.STEERING_GROUP,
        "Stuurgroep",
        "Steering group",
        None,
        "Stuurt de uitvoering van het convenant aan en besluit bij unanimiteit: de toolkit, "
        "de casussen in het diepe spoor, het monitoringrapport, de begroting, de externe "
        "communicatie en de toe- en uittreding van partijen. (Fictief, voor de demo.)",
    ),
    (
        "werkgroep-toolkit",
        Body.Kind.WORKING_GROUP,
        "Werkgroep Toolkit en breed spoor",
        "Toolkit and broad track working group",
        "stuurgroep",
        "Werkt de toolkit voor gepaste zorgvuldigheid uit en begeleidt de fondsen in het "
        "brede spoor. (Fictief.)",
    ),
    (
        "werkgroep-diep-spoor",
        Body.Kind.WORKING_GROUP,
        "Werkgroep Diep spoor",
        "Deep track working group",
        "stuurgroep",
        "Bereidt de selectie van casussen voor en volgt de dialogen met bedrijven. (Fictief.)",
    ),
    (
        "subwerkgroep-mijnbouw",
        Body.Kind.SUB_WORKING_GROUP,
        "Subwerkgroep casus mijnbouw",
        "Mining case sub-working group",
        "werkgroep-diep-spoor",
        "Voert de dialoog in een fictieve casus over een mijnbouwbedrijf. (Fictief.)",
    ),
    (
        "monitoringcommissie",
        Body.Kind.MONITORING_COMMITTEE,
        "Monitoringcommissie",
        "Monitoring committee",
        None,
        "Houdt onafhankelijk toezicht op de naleving van het convenant en rapporteert "
        "jaarlijks. (Fictief.)",
    ),
]

# Working-group members: body slug, person key, party code, role.
MEMBERS = [
    ("werkgroep-toolkit", "fonds-redacteur", fund_code(0), BodyMembership.Role.CHAIR),
    ("werkgroep-toolkit", "ander-fonds", fund_code(1), BodyMembership.Role.MEMBER),
    ("werkgroep-toolkit", "ngo", "OXN", BodyMembership.Role.MEMBER),
    ("werkgroep-toolkit", "secretariaat", "SER", BodyMembership.Role.SECRETARY),
    ("werkgroep-diep-spoor", "vakbond", "FNV", BodyMembership.Role.CHAIR),
    ("werkgroep-diep-spoor", "fonds-beheerder", fund_code(0), BodyMembership.Role.MEMBER),
    ("werkgroep-diep-spoor", "overheid-2", "BZ", BodyMembership.Role.MEMBER),
    ("subwerkgroep-mijnbouw", "ngo-2", "PAX", BodyMembership.Role.MEMBER),
    ("subwerkgroep-mijnbouw", "fonds-beheerder", fund_code(0), BodyMembership.Role.MEMBER),
    ("monitoringcommissie", "monitoring-3", "MC", BodyMembership.Role.CHAIR),
    ("monitoringcommissie", "monitoring", "MC", BodyMembership.Role.MEMBER),
    ("monitoringcommissie", "monitoring-2", "MC", BodyMembership.Role.MEMBER),
    ("stuurgroep", "secretariaat", "SER", BodyMembership.Role.SECRETARY),
]

# The steering group's agenda by year (the decisions' own proposals are the decisions demo's).
TOPICS = {
    2019: ["Toetreding van nieuwe fondsen", "Concept-toolkit", "Werkplan en begroting"],
    2020: [
        "Vaststelling toolkit versie 1",
        "Selectie casussen diep spoor",
        "Voortgang werkgroepen",
    ],
    2021: ["Monitoringrapport 2020", "Uittreding na fusie", "Casussen: stand van zaken"],
    2022: ["Monitoringrapport 2021", "Evaluatie van het convenant", "Toolkit versie 2"],
}
ACTIONS: list[tuple[str, tuple[str, str], tuple[int, int, int] | int, bool]] = [
    # title, owner person key or party code, due (year, month, day) or days from today, done
    ("Reactie op concept-toolkit verzamelen", ("party", "OXN"), (2019, 9, 30), True),
    ("Wetgevingsagenda IMVO toelichten", ("person", "overheid"), (2020, 3, 1), True),
    ("Casusvoorstel mijnbouw uitwerken", ("party", "FNV"), (2020, 11, 1), True),
    ("Bijdrage monitoringrapport aanleveren", ("party", fund_code(0)), (2022, 3, 31), True),
    ("Ervaringen met de toolkit in de eigen organisatie delen", ("party", "SZW"), -14, False),
    ("Voorstel evaluatieopzet schrijven", ("person", "overheid"), 30, False),
    ("Contactpersonen vakbonden in productielanden doorgeven", ("party", "FNV"), 45, False),
    ("Reactie op conceptrapport ngo's bundelen", ("person", "ngo"), 21, False),
]


def _person(key: str, name: str, party_code: str | None) -> User:
    user, made = User.objects.unrestricted(WHY).get_or_create(
        email=demo_email(key), defaults={"full_name": name}
    )
    if made:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if party_code:
        Membership.objects.unrestricted(WHY).get_or_create(
            user=user, party=Party.objects.get(code=party_code), defaults={"role": Role.EDITOR}
        )
    return user


def _user(key: str) -> User:
    return User.objects.unrestricted(WHY).get(email=demo_email(key))


def _bodies(covenant: Covenant) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for slug, kind, name, name_en, parent, mandate in BODIES:
        bodies[slug], _made = Body.objects.update_or_create(
            slug=slug,
            defaults={
                "covenant": covenant,
                "kind": kind,
                "name": name,
                "name_en": name_en,
                "parent": bodies.get(parent) if parent else None,
                "description": mandate,
                "established_on": SINCE
                if kind != Body.Kind.SUB_WORKING_GROUP
                else datetime.date(2020, 9, 1),
                "case_reference": "Casus mijnbouw (fictief)"
                if parent == "werkgroep-diep-spoor"
                else "",
                "reminder_days": [7, 2] if kind == Body.Kind.STEERING_GROUP else [],
            },
        )
    return bodies


def _seats(covenant: Covenant, steering: Body) -> None:
    assignments = SeatAssignment.objects.unrestricted(WHY)
    for order, (code, label, holder, deputy) in enumerate(SEATS):
        seat, _made = Seat.objects.get_or_create(
            body=steering,
            label=label,
            defaults={
                "constituency": Constituency.objects.get(covenant=covenant, code=code),
                "order": order,
            },
        )
        for role, (key, party_code) in (("holder", holder), ("deputy", deputy)):
            assignments.get_or_create(
                seat=seat,
                user=_user(key),
                role=role,
                start=SINCE,
                defaults={"party": Party.objects.get(code=party_code)},
            )
    chair, _made = Seat.objects.get_or_create(
        body=steering, label="Onafhankelijk voorzitter", defaults={"has_vote": False, "order": 9}
    )
    assignments.get_or_create(seat=chair, user=_user("voorzitter"), role="holder", start=SINCE)


def _memberships(bodies: dict[str, Body]) -> None:
    for slug, key, party_code, role in MEMBERS:
        body = bodies[slug]
        BodyMembership.objects.unrestricted(WHY).get_or_create(
            body=body,
            user=_user(key),
            defaults={
                "party": Party.objects.get(code=party_code),
                "role": role,
                "start": body.established_on,
            },
        )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), timezone.get_current_timezone())


def _meeting(body: Body, day: datetime.date, title: str, state: str, **kw: Any) -> Meeting:
    meeting, _made = Meeting.objects.unrestricted(WHY).get_or_create(
        body=body,
        starts_at=_at(day, 10),
        defaults={
            "title": title,
            "ends_at": _at(day, 12),
            "location": kw.pop("location", "SER, Den Haag"),
            "state": state,
            **kw,
        },
    )
    return meeting


def _history(bodies: dict[str, Body]) -> int:
    """Four steering-group meetings a year over 2019–2022, minutes approved; two working-group
    meetings a year."""
    steering = bodies["stuurgroep"]
    secretary = _user("secretariaat")
    holders = [_user(k) for k in ("federatie", "overheid", "vakbond", "ngo", "voorzitter")]
    made = 0
    for year, topics in TOPICS.items():
        for quarter, month in enumerate((2, 5, 9, 11)):
            day = datetime.date(year, month, 12)
            meeting = _meeting(
                steering,
                day,
                f"Stuurgroep {quarter + 1}e kwartaal {year}",
                Meeting.State.MINUTES_APPROVED,
                minutes=f"Notulen van de stuurgroep van {day:%d-%m-%Y} (fictief). Alle zetels "
                "waren vertegenwoordigd. De voorzitter opende de vergadering; de agendapunten "
                "zijn besproken zoals hieronder vastgelegd.",
                minutes_sent_at=_at(day + datetime.timedelta(days=5), 9),
                minutes_approved_at=_at(day + datetime.timedelta(days=40), 9),
            )
            if AgendaItem.objects.unrestricted(WHY).filter(meeting=meeting).exists():
                continue
            made += 1
            items = AgendaItem.objects.unrestricted(WHY)
            items.create(
                meeting=meeting,
                order=1,
                title="Opening en vaststelling agenda",
                duration_minutes=5,
                handled=True,
                outcome=AgendaItem.Outcome.INFORMATION,
                presenter=holders[-1],
            )
            topic = topics[quarter % len(topics)]
            main = items.create(
                meeting=meeting,
                order=2,
                title=topic,
                duration_minutes=45,
                handled=True,
                outcome=AgendaItem.Outcome.INFORMATION,
                presenter=secretary,
                outcome_text="Besproken; de werkgroep verwerkt de opmerkingen.",
            )
            items.create(
                meeting=meeting,
                parent=main,
                order=1,
                title="Toelichting door de werkgroep",
                duration_minutes=15,
                handled=True,
                outcome=AgendaItem.Outcome.INFORMATION,
            )
            items.create(
                meeting=meeting,
                order=3,
                title="Rondvraag en sluiting",
                duration_minutes=10,
                handled=True,
                outcome=AgendaItem.Outcome.INFORMATION,
            )
            for person in holders:
                Attendance.objects.unrestricted(WHY).get_or_create(
                    meeting=meeting,
                    user=person,
                    defaults={"presence": Attendance.Presence.PRESENT},
                )
        # The monitoring committee meets on its report each spring, from 2020 on.
        if year > 2019:
            _meeting(
                bodies["monitoringcommissie"],
                datetime.date(year, 4, 8),
                f"Monitoringcommissie: rapport {year - 1}",
                Meeting.State.MINUTES_APPROVED,
                location="Online",
                minutes=f"Het conceptrapport over {year - 1} is besproken (fictief).",
                minutes_sent_at=_at(datetime.date(year, 4, 10), 9),
                minutes_approved_at=_at(datetime.date(year, 5, 10), 9),
            )
        for slug in ("werkgroep-toolkit", "werkgroep-diep-spoor"):
            for month in (3, 10):
                _meeting(
                    bodies[slug],
                    datetime.date(year, month, 20),
                    f"{bodies[slug].name} {month:02d}-{year}",
                    Meeting.State.MINUTES_APPROVED,
                    minutes="Notulen van de werkgroep (fictief).",
                    minutes_sent_at=_at(datetime.date(year, month, 24), 9),
                    minutes_approved_at=_at(datetime.date(year, month + 1, 24), 9),
                )
    return made


def _upcoming(bodies: dict[str, Body]) -> None:
    """The next steering-group meeting with its agenda published, one after it in draft, a
    working-group meeting and the monitoring committee's: the officers find them waiting."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=10 + (1 - today.weekday()) % 7)  # a Tuesday
    steering = bodies["stuurgroep"]
    if (
        Meeting.objects.unrestricted(WHY)
        .filter(body=steering, starts_at__gte=timezone.now(), annual=False)
        .exists()
    ):
        return
    first = _meeting(
        steering, soon, "Stuurgroep: evaluatie en toolkit versie 3", Meeting.State.AGENDA_PUBLISHED
    )
    items = AgendaItem.objects.unrestricted(WHY)
    for order, (title, minutes, presenter) in enumerate(
        [
            ("Opening en mededelingen", 5, "voorzitter"),
            ("Opzet van de evaluatie", 40, "overheid"),
            ("Toolkit versie 3: eerste lezing", 45, "fonds-redacteur"),
            ("Verzoek tot toetreding (voorstel ter besluitvorming)", 20, "secretariaat"),
            ("Rondvraag", 10, "voorzitter"),
        ],
        start=1,
    ):
        items.create(
            meeting=first,
            order=order,
            title=title,
            duration_minutes=minutes,
            presenter=_user(presenter),
        )
    _meeting(
        steering,
        soon + datetime.timedelta(days=49),
        "Stuurgroep: monitoringrapport",
        Meeting.State.DRAFT,
    )
    _meeting(
        bodies["werkgroep-toolkit"],
        soon - datetime.timedelta(days=3),
        "Werkgroep Toolkit: hoofdstuk klachtenmechanismen",
        Meeting.State.AGENDA_PUBLISHED,
        location="Online",
    )
    _meeting(
        bodies["monitoringcommissie"],
        soon + datetime.timedelta(days=7),
        "Monitoringcommissie: opzet rapport",
        Meeting.State.AGENDA_PUBLISHED,
        location="Online",
    )


def _actions(bodies: dict[str, Body]) -> None:
    steering = bodies["stuurgroep"]
    today = timezone.localdate()
    meeting = Meeting.objects.unrestricted(WHY).filter(body=steering, starts_at__year=2022).first()
    for title, (kind, who), due, done in ACTIONS:
        due_on = (
            datetime.date(*due) if isinstance(due, tuple) else today + datetime.timedelta(days=due)
        )
        owner = (
            {"owner_user": _user(who)}
            if kind == "person"
            else {"owner_party": Party.objects.get(code=who)}
        )
        ActionItem.objects.unrestricted(WHY).get_or_create(
            body=steering,
            title=title,
            defaults={
                "meeting": meeting,
                "due_on": due_on,
                "status": ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                "done_on": due_on if done else None,
                **owner,
            },
        )


def load() -> dict[str, int]:
    covenant = Covenant.objects.filter(slug="imvb").first()
    if covenant is None:
        return {}
    with transaction.atomic(durable=True):
        for key, name, party in EXTRA_PEOPLE:
            _person(key, name, party)
        bodies = _bodies(covenant)
        _seats(covenant, bodies["stuurgroep"])
        _memberships(bodies)
        made = _history(bodies)
        _upcoming(bodies)
        _actions(bodies)
        if made:
            record_event(
                actor=None,
                verb="governance.load_demo_bodies",
                obj=bodies["stuurgroep"],
                after={"meetings": made},
            )
    return {
        "bodies": Body.objects.filter(covenant=covenant).count(),
        "meetings": Meeting.objects.unrestricted(WHY).filter(body__covenant=covenant).count(),
        "actions": ActionItem.objects.unrestricted(WHY).filter(body__covenant=covenant).count(),
    }


def load_and_describe() -> str:
    counts = load()
    if not counts:
        return "Governance bodies: no demo covenant, nothing loaded."
    extra = ", ".join(f"{demo_email(k)} ({n})" for k, n, _p in EXTRA_PEOPLE)
    return (
        f"Governance (fictional): {counts['bodies']} bodies, {counts['meetings']} meetings, "
        f"{counts['actions']} action items. The government, union and NGO officers hold "
        f"steering-group seats; extra log-ins: {extra}."
    )
