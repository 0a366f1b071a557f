"""The demo's selection of deep-track cases, all FICTIONAL: for each selection year of the
plan (``demo_case_plan.CASES``) a round in which the nominating parties put the cases
forward (with one nomination that was not chosen), the four constituencies score them, the
secretariat proposes the selection and the steering group's seats adopt it through
governance's real actions; the adopted ``select_cases`` decision opens the cases with the
plan's references. Plus this year's open round with three more nominations, partly scored,
so the ranked overview has life.

Everything goes through the actions, which stamp today's date; the history happened years
ago, so afterwards the dates of the rounds, nominations, proposals, decisions and cases are
set back to their year (the demo's own correction, nothing the product does). Safe to call
once per fresh database: a second call finds the cases and returns them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from convenant.core.access import Role
from convenant.core.models import User
from convenant.engagement.actions import selection as act
from convenant.engagement.demo_case_plan import CASES, MARK, DemoCase
from convenant.engagement.models import (
    Case,
    Criterion,
    Nomination,
    NominationScore,
    SelectionRound,
)
from convenant.parties.demo import demo_email
from convenant.parties.models import Constituency, Membership, Party
from convenant.portfolios.models import Issuer, Position

WHY = "loading the demo"

# Who scores for each constituency (the demo's editors of a party of it).
SCORERS = {
    "funds": "fonds-redacteur",
    "government": "overheid",
    "unions": "vakbond",
    "ngos": "ngo",
}

# Per case: why, and the evidence per criterion (Dutch, fictional).
TEXTS: dict[str, tuple[str, dict[str, str]]] = {
    "mining": (
        "Gemeenschappen rond een kopermijn worden gedwongen verhuisd zonder passende "
        "compensatie; lokale partners melden intimidatie van woordvoerders " + MARK,
        {
            "severity": "Ruim 600 gezinnen verloren land en woning; onomkeerbaar verlies van "
            "landbouwgrond " + MARK,
            "likelihood": "Een uitbreiding van de mijn staat gepland " + MARK,
            "added_value": "Vijf fondsen houden aandelen; vakbonden en ngo's hebben lokaal "
            "netwerk " + MARK,
            "labour_rights": "Mensenrechtenverdedigers onder druk " + MARK,
            "learning": "Leerzaam voor de hele mijnbouwsector " + MARK,
        },
    ),
    "palm_oil": (
        "Landconflicten en dwangarbeid in de toeleveringsketen van palmolie: koper, "
        "leverancier en dochteronderneming " + MARK,
        {
            "severity": "Duizenden arbeiders zonder contract " + MARK,
            "likelihood": "Herhaalde meldingen over meerdere jaren " + MARK,
            "added_value": "De keten vraagt om samenwerking van kopers en beleggers " + MARK,
            "labour_rights": "Aanwijzingen voor dwangarbeid en kinderarbeid " + MARK,
            "learning": "Hoe hefboom werkt over een hele keten " + MARK,
        },
    ),
    "platform": (
        "Platformwerkers missen bescherming: geen minimumloon, geen verzekering, geen "
        "vakbondsvrijheid " + MARK,
        {
            "severity": "Honderdduizenden werkenden wereldwijd " + MARK,
            "likelihood": "Het verdienmodel steunt erop " + MARK,
            "added_value": "Vakbonden brengen kennis van cao's in " + MARK,
            "labour_rights": "Vrijheid van vakvereniging staat centraal " + MARK,
            "learning": "Een nieuw soort sector voor het convenant " + MARK,
        },
    ),
    "mica": (
        "Kinderarbeid in de winning van mica voor pigmenten en cosmetica " + MARK,
        {
            "severity": "Kinderen werken in instortingsgevaarlijke mijnen " + MARK,
            "likelihood": "Een groot deel van de mica is niet herleidbaar " + MARK,
            "added_value": "Alleen samen is de keten te beïnvloeden " + MARK,
            "labour_rights": "Kinderrechten " + MARK,
            "learning": "Herleidbaarheid van grondstoffen " + MARK,
        },
    ),
    "big_tech": (
        "Technologie die mensenrechtenverdedigers en journalisten in gevaar brengt " + MARK,
        {
            "severity": "Surveillance met ernstige gevolgen voor wie gevolgd wordt " + MARK,
            "likelihood": "Producten worden verkocht aan repressieve overheden " + MARK,
            "added_value": "Grote gezamenlijke belangen van de fondsen " + MARK,
            "labour_rights": "Recht op privacy en vrijheid van meningsuiting " + MARK,
            "learning": "Mensenrechten in de technologiesector " + MARK,
        },
    ),
    "biodiversity": (
        "Ontbossing en verlies van biodiversiteit in de toeleveringsketens van de "
        "ondernemingen waarin de fondsen beleggen " + MARK,
        {
            "severity": "Onherstelbaar verlies van bos en leefgebied " + MARK,
            "likelihood": "Ontbossing neemt in de regio's nog toe " + MARK,
            "added_value": "Ngo's brengen kennis van ketens in " + MARK,
            "labour_rights": "Landrechten van inheemse volken " + MARK,
            "learning": "Koppeling tussen milieu en mensenrechten " + MARK,
        },
    ),
}

# Each selection year also had a nomination that was not chosen: (party, title, issue).
PASSED_OVER = {
    2020: ("CNV", f"Arbeidsomstandigheden in de scheepsbouw {MARK}", "Veiligheid op werven"),
    2021: ("AI", f"Migrantenarbeid in de bouw {MARK}", "Rekruteringskosten van migranten"),
    2024: ("PAX", f"Wapenhandel en conflictgebieden {MARK}", "Leveringen aan conflictgebieden"),
}

# This year's open round: (party, title, issue, how many constituencies scored it).
OPEN_ROUND = [
    ("FNV", f"Leefbaar loon in de kledingketen {MARK}", "Lonen onder het bestaansminimum", 3),
    ("STC", f"Kinderarbeid in de cacaoteelt {MARK}", "Kinderarbeid op cacaoplantages", 1),
    ("OXN", f"Landrechten bij windparken {MARK}", "Landrechten van inheemse volken", 0),
]


def _user(key: str) -> User | None:
    return User.objects.unrestricted(WHY).filter(email=demo_email(key)).first()


def _nominator(party: Party, secretariat: User) -> User:
    """An editor of the party, else the secretariat recording it in the party's name."""
    membership = (
        Membership.objects.unrestricted(WHY)
        .filter(party=party, role__in=[Role.EDITOR, Role.ADMINISTRATOR])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else secretariat


def _largest_holding(industry: str, skip: set[int]) -> Issuer | None:
    """The demo's largest holding (over every fund's latest snapshot) in the industry."""
    row = (
        Position.objects.unrestricted(WHY)
        .in_latest_snapshots()
        .filter(
            issuer__isnull=False,
            issuer__merged_into=None,
            issuer__sector_code__startswith=industry,
        )
        .exclude(issuer_id__in=skip)
        .values("issuer_id")
        .annotate(value=Sum("value_eur"))
        .order_by("-value", "issuer_id")
        .first()
    )
    return Issuer.objects.unrestricted(WHY).filter(pk=row["issuer_id"]).first() if row else None


def _nominate(spec: DemoCase, secretariat: User, skip: set[int]) -> Nomination:
    party = Party.objects.get(code=spec.nominated_by)
    rationale, evidence = TEXTS[spec.key]
    target, issuer, sector, issue = spec.target, None, spec.sector_code, spec.issue
    if target == "issuer":
        issuer = _largest_holding(spec.industry, skip)
        if issuer is None:  # a demo without holdings: the industry as the sector
            target, sector = "sector", spec.industry
        else:
            skip.add(issuer.pk)
    return act.nominate(
        by=_nominator(party, secretariat),
        party=party,
        title=spec.title,
        target=target,
        issuer=issuer,
        sector_code=sector,
        issue=issue,
        themes=spec.themes,
        rationale=rationale,
        evidence=evidence,
        into_round=True,
    )


def _nominate_issue(code: str, title: str, issue: str, secretariat: User) -> Nomination:
    party = Party.objects.get(code=code)
    return act.nominate(
        by=_nominator(party, secretariat),
        party=party,
        title=title,
        target="issue",
        issue=issue,
        rationale=f"{issue}: een risico dat de partijen samen kunnen aanpakken {MARK}",
        evidence={
            "severity": f"Ernstige gevolgen voor de betrokkenen {MARK}",
            "labour_rights": f"Arbeids- en mensenrechten in het geding {MARK}",
        },
        into_round=True,
    )


def _score(nomination: Nomination, constituencies: Iterable[str], base: int) -> None:
    """Each constituency scores every criterion, around ``base`` (1–5), each a little apart."""
    for offset, code in enumerate(constituencies):
        scorer = _user(SCORERS[code])
        constituency = Constituency.objects.filter(code=code).first()
        if scorer is None or constituency is None:
            continue
        scores = {
            criterion: (max(1, min(5, base - (i + offset) % 2)), "")
            for i, criterion in enumerate(Criterion.values)
        }
        act.score_nomination(
            by=scorer, nomination=nomination, constituency=constituency, scores=scores
        )


def _adopt(proposal: Any, secretariat: User) -> None:
    """Every voting seat's holder consents; the secretariat closes the proposal, which
    records the decision and applies its effect."""
    from convenant.governance.actions import decisions as governance
    from convenant.governance.models import SeatAssignment

    for seat in governance.voting_seats(proposal.body):
        holders = (
            SeatAssignment.objects.unrestricted(WHY)
            .current()
            .filter(seat=seat)
            .order_by("-role")  # the holder before the deputy
            .select_related("user")
        )
        voter = next((a.user for a in holders if governance.sits_in_seat(a.user, seat)), None)
        if voter is not None:
            governance.cast_vote(by=voter, proposal=proposal, seat=seat, choice="consent")
    governance.close_proposal(by=secretariat, proposal=proposal)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _back_date(selection_round: SelectionRound, year: int) -> None:
    """The history's dates: nominated in March, scored until April, decided in June."""
    from convenant.governance.models import Body, Decision, Proposal, Vote

    opens, closes, decided = (
        datetime.date(year, 3, 1),
        datetime.date(year, 4, 30),
        datetime.date(year, 6, 16),
    )
    SelectionRound.objects.unrestricted(WHY).filter(pk=selection_round.pk).update(
        opens_on=opens, closes_on=closes, created_at=_at(opens, 9)
    )
    nominations = Nomination.objects.unrestricted(WHY).filter(round=selection_round)
    nominations.update(created_at=_at(datetime.date(year, 3, 15)))
    NominationScore.objects.unrestricted(WHY).filter(nomination__round=selection_round).update(
        created_at=_at(datetime.date(year, 4, 20)), updated_at=_at(datetime.date(year, 4, 20))
    )
    proposal = selection_round.proposal_id or 0
    proposals = Proposal.objects.unrestricted(WHY).filter(pk=proposal)
    proposals.update(
        created_at=_at(datetime.date(year, 5, 26)),
        closes_at=_at(decided, 17),
        closed_at=_at(decided, 17),
    )
    Vote.objects.unrestricted(WHY).filter(proposal_id=proposal).update(
        created_at=_at(datetime.date(year, 6, 10))
    )
    decisions = Decision.objects.unrestricted(WHY).filter(proposal_id=proposal)
    decisions.update(decided_on=decided, effect_applied_at=_at(decided, 17))
    cases = Case.objects.unrestricted(WHY).filter(nomination__round=selection_round)
    cases.update(selected_on=decided, created_at=_at(decided, 17))
    Body.objects.filter(pk__in=cases.values("body_id")).update(established_on=decided)


def _historic_round(
    year: int, specs: list[DemoCase], secretariat: User, skip: set[int]
) -> dict[str, Case]:
    selection_round = act.open_selection_round(
        by=secretariat,
        title=f"Selectieronde diep spoor {year} {MARK}",
        opens_on=datetime.date(year, 3, 1),
        closes_on=timezone.localdate(),
    )
    chosen = [_nominate(spec, secretariat, skip) for spec in specs]
    passed = None
    if year in PASSED_OVER:
        passed = _nominate_issue(*PASSED_OVER[year], secretariat)
    everyone = list(SCORERS)
    for nomination in chosen:
        _score(nomination, everyone, 5)
    if passed is not None:
        _score(passed, everyone, 3)
    act.close_selection_round(by=secretariat, selection_round=selection_round)
    proposal = act.propose_selection(
        by=secretariat,
        selection_round=selection_round,
        nominations=chosen,
        closes_at=timezone.now() + datetime.timedelta(days=14),
        title=f"Selectie van casussen voor het diepe spoor {year} {MARK}",
        references={n.reference: spec.reference for n, spec in zip(chosen, specs, strict=True)},
        text=(
            f"De stuurgroep selecteert uit de selectieronde {year} de volgende casussen voor "
            "het diepe spoor, op voordracht van de werkgroep en na scoring door de vier "
            f"geledingen: " + "; ".join(s.title for s in specs) + f" {MARK}"
        ),
    )
    _adopt(proposal, secretariat)
    selection_round.refresh_from_db()
    _back_date(selection_round, year)
    return {
        spec.key: Case.objects.unrestricted(WHY).get(reference=spec.reference) for spec in specs
    }


def _open_round(secretariat: User) -> None:
    today = timezone.localdate()
    act.open_selection_round(
        by=secretariat,
        title=f"Selectieronde diep spoor {today.year} {MARK}",
        opens_on=today - datetime.timedelta(days=21),
        closes_on=today + datetime.timedelta(days=24),
    )
    for code, title, issue, scored in OPEN_ROUND:
        nomination = _nominate_issue(code, title, issue, secretariat)
        _score(nomination, list(SCORERS)[:scored], 4)


def load_selection() -> dict[str, Case]:
    """The six demo cases, keyed by ``DemoCase.key``, opened by the steering group's
    decisions (see the module's docstring)."""
    cases = Case.objects.unrestricted(WHY)
    if cases.filter(reference__in=[s.reference for s in CASES]).exists():
        return {s.key: c for s in CASES if (c := cases.filter(reference=s.reference).first())}
    secretariat = _user("secretariaat")
    if secretariat is None or act.steering_group() is None:
        return {}
    opened: dict[str, Case] = {}
    skip: set[int] = set()
    for year in sorted({s.selected_year for s in CASES}):
        specs = [s for s in CASES if s.selected_year == year]
        opened |= _historic_round(year, specs, secretariat, skip)
    _open_round(secretariat)
    return opened


def describe(opened: dict[str, Case]) -> str:
    rounds = SelectionRound.objects.unrestricted(WHY).count()
    nominations = Nomination.objects.unrestricted(WHY).count()
    return (
        f"Deep-track selection (fictional): {nominations} nominations in {rounds} rounds, "
        f"{len(opened)} cases opened by the steering group's decisions."
    )
