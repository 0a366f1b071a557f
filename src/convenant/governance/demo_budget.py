"""The demo's budget, external communication and annual covenant meetings, all FICTIONAL:
the covenant's budget 2019–2022 with its lines, the contributions of the demo parties and the
spending; two communication agreements and press statements approved by steering-group
decisions; and the annual covenant meetings, past and upcoming. Every amount is invented.

Made through the real actions where there is one (so the audit log tells the story), and
idempotent: what exists is found by its natural key and left alone."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from convenant.core.models import User
from convenant.governance.actions import budget as act
from convenant.governance.models import (
    AgendaItem,
    Body,
    BudgetLine,
    CommunicationAgreement,
    Contribution,
    Decision,
    Meeting,
    PressStatement,
    Spending,
)
from convenant.parties.demo import demo_email
from convenant.parties.models import Covenant, Party

YEARS = (2019, 2020, 2021, 2022)
MARK = "(fictief)"

# (code, name, budget per year in EUR)
LINES = [
    ("B1", "Secretariaat", Decimal("420000")),
    ("B2", "Onafhankelijk voorzitter", Decimal("60000")),
    ("B3", "Monitoringcommissie", Decimal("85000")),
    ("B4", "Onderzoek en toolkit", Decimal("125000")),
    ("B5", "Bijeenkomsten en communicatie", Decimal("45000")),
]
# The share of each line spent per year: the first year starts slowly, 2020 meets online.
SPENT = {
    2019: {"B1": "0.92", "B2": "1.00", "B3": "0.40", "B4": "0.55", "B5": "0.81"},
    2020: {"B1": "0.97", "B2": "1.00", "B3": "0.88", "B4": "0.93", "B5": "0.22"},
    2021: {"B1": "1.01", "B2": "1.00", "B3": "0.97", "B4": "1.08", "B5": "0.64"},
    2022: {"B1": "0.74", "B2": "0.75", "B3": "0.70", "B4": "0.61", "B5": "0.58"},
}
WHAT = {
    "B1": "Salarissen en huisvesting secretariaat",
    "B2": "Vergoeding onafhankelijk voorzitter",
    "B3": "Vergoedingen en onderzoek monitoringcommissie",
    "B4": "Onderzoeksopdracht toolkit en casussen",
    "B5": "Zaalhuur, catering en jaarbijeenkomst",
}
# Contributions in EUR per year: the ministries and the federation, and each demo fund.
CONTRIBUTIONS = {"BZ": Decimal("150000"), "SZW": Decimal("100000"), "PF": Decimal("235000")}
PER_FUND = Decimal("12500")
FUNDS_CONTRIBUTING = 16


def _secretary() -> User:
    return User.objects.unrestricted("loading the demo").get(email=demo_email("secretariaat"))


def _load_budget(covenant: Covenant, by: User) -> int:
    if BudgetLine.objects.unrestricted("loading the demo").filter(covenant=covenant).exists():
        return 0
    toolkit = (
        Decision.objects.unrestricted("loading the demo")
        .filter(proposal__kind="adopt_toolkit_version")
        .order_by("number")
        .first()
    )
    parties = {
        p.code: p for p in Party.objects.filter(covenant=covenant, code__in=list(CONTRIBUTIONS))
    }
    funds = list(
        Party.objects.filter(covenant=covenant, type=Party.Type.PENSION_FUND).order_by("code")
    )
    made = 0
    for year in YEARS:
        for code, name, amount in LINES:
            line = act.save_budget_line(
                by=by, covenant=covenant, year=year, code=code, name=name, amount_eur=amount
            )
            made += 1
            share = Decimal(SPENT[year][code])
            # Spent in quarterly instalments; the last one takes the remainder to the cent.
            total = (amount * share).quantize(Decimal("0.01"))
            quarters = [(total / 4).quantize(Decimal("0.01"))] * 3
            quarters.append(total - sum(quarters))
            for q, part in enumerate(quarters):
                act.record_spending(
                    by=by,
                    line=line,
                    spent_on=datetime.date(year, 3 * q + 3, 28),
                    description=f"{WHAT[code]}, kwartaal {q + 1} {MARK}",
                    amount_eur=part,
                    decision=toolkit
                    if code == "B4" and toolkit and toolkit.decided_on.year <= year
                    else None,
                )
        contributors = [(parties[c], a) for c, a in CONTRIBUTIONS.items() if c in parties]
        contributors += [
            (f, PER_FUND) for f in funds[:FUNDS_CONTRIBUTING] if f.joined_on.year <= year
        ]
        for i, (party, amount) in enumerate(contributors):
            # Paid in the spring, except three funds that have not paid 2022 yet.
            unpaid = year == 2022 and party.type == Party.Type.PENSION_FUND and i % 5 == 4
            act.save_contribution(
                by=by,
                covenant=covenant,
                year=year,
                party=party,
                amount_eur=amount,
                paid_on=None if unpaid else datetime.date(year, 4, 1 + i % 28),
            )
    return made


# --- Communication ------------------------------------------------------------------------

AGREEMENTS = [
    (
        "Wie spreekt namens het convenant",
        "Over het convenant als geheel spreekt alleen de onafhankelijk voorzitter, of bij "
        "afwezigheid het secretariaat. Partijen spreken over hun eigen inzet, niet namens "
        "de andere partijen. " + MARK,
        "De onafhankelijk voorzitter; het secretariaat bij afwezigheid",
    ),
    (
        "Openbaarheid over casussen",
        "Over lopende casussen in het diepe spoor wordt niet publiek gecommuniceerd zolang "
        "de dialoog met het bedrijf loopt. Na afronding verschijnt een geanonimiseerde "
        "samenvatting met instemming van alle betrokken partijen. " + MARK,
        "De onafhankelijk voorzitter",
    ),
]
# (title, text, the kind of proposal whose decision approves it, the fallback decision)
STATEMENTS = [
    (
        "Toolkit voor due diligence beschikbaar",
        "De stuurgroep heeft de toolkit vastgesteld waarmee pensioenfondsen risico's in hun "
        "beleggingen in kaart brengen en aanpakken. " + MARK,
        "adopt_toolkit_version",
        ("Persbericht toolkit goedgekeurd", datetime.date(2020, 10, 7)),
    ),
    (
        "Gezamenlijke casussen geselecteerd",
        "De stuurgroep heeft twee casussen geselecteerd waarin fondsen, vakbonden en ngo's "
        "samen het gesprek met bedrijven aangaan. " + MARK,
        "select_cases",
        ("Persbericht casusselectie goedgekeurd", datetime.date(2021, 5, 19)),
    ),
    (
        "Convenant presenteert voortgangsrapportage",
        "De partijen bij het convenant presenteren vandaag de voortgangsrapportage van de "
        "monitoringcommissie. De fondsen hebben hun beleid aangescherpt; de commissie ziet "
        "vooruitgang en punten van zorg. " + MARK,
        "approve_summary",
        ("Persbericht voortgangsrapportage goedgekeurd", datetime.date(2022, 6, 15)),
    ),
]
AGREEMENTS_DECISION = ("Communicatieafspraken vastgesteld", datetime.date(2019, 6, 12))


def _decision(
    steering: Body, kinds: tuple[str, ...], fallback: tuple[str, datetime.date]
) -> Decision:
    """The steering group's public decision on a proposal of one of these kinds (the
    decisions demo's), else an entry of our own, whose text says this loader made it."""
    decisions = Decision.objects.unrestricted("loading the demo").filter(
        body=steering, confidential=False, corrects__isnull=True
    )
    for kind in kinds:  # the first kind found, in the order given
        found = decisions.filter(proposal__kind=kind).order_by("decided_on", "number").first()
        if found is not None:
            return found
    title, on = fallback
    found = decisions.filter(title=title).first()
    if found is not None:
        return found
    with transaction.atomic(durable=True):
        last = Decision.objects.unrestricted("loading the demo").order_by("-number").first()
        return Decision.objects.create(
            number=(last.number if last else 0) + 1,
            body=steering,
            title=title,
            text=f"De stuurgroep stemt in. (Demobesluit van het communicatiedeel {MARK})",
            decided_on=on,
        )


def _load_communication(steering: Body, by: User) -> int:
    if CommunicationAgreement.objects.unrestricted("loading the demo").exists():
        return 0
    # The steering group's working method (its first recommendation) settles who speaks.
    first = _decision(steering, ("recommendation",), AGREEMENTS_DECISION)
    for title, text, who in AGREEMENTS:
        act.save_agreement(by=by, title=title, text=text, spokespeople=who, decision=first)
    for title, text, kind, fallback in STATEMENTS:
        kinds = (kind, "approve_report") if kind == "approve_summary" else (kind,)
        decision = _decision(steering, kinds, fallback)
        statement = act.save_statement(
            by=by,
            title=title,
            text=text,
            spokesperson="Onafhankelijk voorzitter",
            decision=decision,
        )
        act.publish_statement(
            by=by,
            statement=statement,
            published_on=decision.decided_on + datetime.timedelta(days=2),
        )
    # A draft the steering group has yet to approve: only it and the secretariat see it.
    act.save_statement(
        by=by,
        title="Concept: reactie op Kamervragen over het convenant",
        text="Concepttekst voor de stuurgroep. " + MARK,
        spokesperson="Onafhankelijk voorzitter",
    )
    return len(AGREEMENTS) + len(STATEMENTS) + 1


# --- Annual covenant meetings -------------------------------------------------------------

AGENDA = [
    ("Opening en terugblik door de voorzitter", 20),
    ("Voortgang van de fondsen en de monitoring", 45),
    ("Casussen in het diepe spoor", 40),
    ("Begroting en bijdragen", 20),
    ("Vooruitblik en sluiting", 15),
]


def _load_annual_meetings(steering: Body) -> int:
    made = 0
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    # The next one in about three weeks, on a Thursday.
    upcoming = today + datetime.timedelta(days=21 + (3 - today.weekday()) % 7)
    for day in [datetime.date(y, 11, 21) for y in YEARS] + [upcoming]:
        exists = (
            Meeting.objects.unrestricted("loading the demo")
            .filter(annual=True, starts_at__year=day.year)
            .exists()
        )
        if exists:
            continue
        past = day < today
        with transaction.atomic(durable=True):
            meeting = Meeting.objects.create(
                body=steering,
                title=f"Jaarlijkse convenantbijeenkomst {day.year}",
                starts_at=datetime.datetime.combine(day, datetime.time(13, 30), tz),
                ends_at=datetime.datetime.combine(day, datetime.time(17, 0), tz),
                location="Sociaal-Economische Raad, Den Haag",
                annual=True,
                state=Meeting.State.MINUTES_APPROVED if past else Meeting.State.AGENDA_PUBLISHED,
            )
            for order, (title, minutes) in enumerate(AGENDA, start=1):
                AgendaItem.objects.create(
                    meeting=meeting,
                    order=order,
                    title=title,
                    duration_minutes=minutes,
                    handled=past,
                )
        made += 1
    return made


def load() -> dict[str, Any]:
    covenant = Covenant.objects.filter(slug="imvb").first()
    if covenant is None:
        return {}
    by = _secretary()
    counts = {"lines": _load_budget(covenant, by)}
    steering = Body.objects.filter(covenant=covenant, kind=Body.Kind.STEERING_GROUP).first()
    if steering is not None:
        counts["communication"] = _load_communication(steering, by)
        counts["annual"] = _load_annual_meetings(steering)
    return counts


def load_and_describe() -> str:
    load()
    lines = BudgetLine.objects.unrestricted("describing the demo")
    spending = Spending.objects.unrestricted("describing the demo")
    contributions = Contribution.objects.unrestricted("describing the demo")
    statements = PressStatement.objects.unrestricted("describing the demo")
    return (
        f"Governance budget: {lines.count()} budget lines over {len(YEARS)} years, "
        f"{contributions.count()} contributions, {spending.count()} expenses (fictional); "
        f"{CommunicationAgreement.objects.unrestricted('describing the demo').count()} "
        f"communication agreements, {statements.count()} press statements; annual meetings "
        f"{', '.join(str(y) for y in _annual_years())}."
    )


def _annual_years() -> list[int]:
    from convenant.governance.annual import annual_years

    return sorted(annual_years())
