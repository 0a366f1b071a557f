"""The demo's case work, all FICTIONAL: each case's sub-working group from the demo personas
(a demo fund officer as lead fund, the other demo fund as supporting fund, the union, NGO and
government officers as experts, the secretariat as secretary), its collaboration plan with
objectives, questions for the company and three or four milestones, agreed; in step B an
engagement for the case with a few activities, one an AGM vote by one fund; and the moves
from step to step.

Called by the deep track's demo loader on a fresh database, once per case, in step order:
``set_up`` first, ``leverage`` before the case leaves B, ``move`` for each step it takes.
Everything goes through the real actions; the actions stamp today as the moment of a step
move, so afterwards a move is set back to its own date (the demo's correction, nothing the
product does), which is what the board's "days in step" reads."""

from __future__ import annotations

import datetime

from django.utils import timezone

from convenant.core.models import User
from convenant.engagement.actions import cases as actions
from convenant.engagement.actions import engagements as engagement_actions
from convenant.engagement.case_rules import current_membership_q
from convenant.engagement.demo_case_plan import CASES, MARK, DemoCase
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Case, CaseMember, CaseRole, Engagement, StepMove
from convenant.parties.demo import demo_email
from convenant.parties.models import Membership, Party

WHY = "loading the demo"

# Who sits in every demo case's group, by role. The lead fund alternates between the two
# demo fund officers, so each sees cases it leads and cases it supports.
FUND_OFFICERS = ("fonds-redacteur", "ander-fonds")
EXPERTS = (
    ("vakbond", CaseRole.UNION_EXPERT),
    ("ngo", CaseRole.NGO_EXPERT),
    ("overheid", CaseRole.GOVERNMENT_EXPERT),
    ("secretariaat", CaseRole.SECRETARY),
)

# Per case: objectives, questions for the company, and milestones (title, days after the
# selection for the target date, days after it was reached or None).
Plan = tuple[str, str, list[tuple[str, int, int | None]]]
PLANS: dict[str, Plan] = {
    "mining": (
        "Passende compensatie en herhuisvesting voor de verhuisde gemeenschappen; een "
        "onafhankelijk klachtenmechanisme dat de gemeenschappen vertrouwen (fictief).",
        "Hoeveel gezinnen zijn verhuisd en wat kregen zij terug? Wie besliste over de nieuwe "
        "grond? Hoe worden klachten behandeld en door wie?",
        [
            ("Het bedrijf erkent de gevolgen van de verhuizing", 120, 150),
            ("Een herstelplan met de gemeenschappen afgesproken", 300, 420),
            ("Onafhankelijk klachtenmechanisme in werking", 540, 600),
            ("Eerste onafhankelijke evaluatie van het herstel", 900, None),
        ],
    ),
    "palm_oil": (
        "Geen landroof en geen dwangarbeid bij de leveranciers en de dochteronderneming; "
        "herstel voor de getroffen arbeiders (fictief).",
        "Welke plantages leveren aan u? Hoe controleert u wervingskosten en paspoorten? Wat "
        "doet u met klachten van arbeiders?",
        [
            ("Lijst van plantages en molens openbaar", 150, 200),
            ("Terugbetaling van wervingskosten toegezegd", 360, 480),
            ("Onafhankelijke audit van de dochteronderneming", 600, None),
        ],
    ),
    "platform": (
        "Platformwerkers kunnen zich organiseren en krijgen een leefbaar inkomen; de "
        "platforms erkennen vakbonden als gesprekspartner (fictief).",
        "Hoe bepaalt u de tarieven? Mogen werkers zich organiseren zonder gevolgen voor hun "
        "account? Hoe werkt uw beroepsprocedure bij deactivering?",
        [
            ("Gesprek met de drie grootste platforms", 120, 160),
            ("Platforms publiceren hun tariefbeleid", 365, None),
            ("Overleg tussen platforms en vakbonden gestart", 540, None),
        ],
    ),
    "mica": (
        "Geen kinderarbeid in de mica-keten van pigmenten en cosmetica; scholing en inkomen "
        "voor de gezinnen in de mijngebieden (fictief).",
        "Waar komt uw mica vandaan? Welke zorgvuldigheid past u toe in de keten? Hoe steunt "
        "u gezinnen zodat kinderen naar school gaan?",
        [
            ("Kaart van de herkomst van de mica", 180, None),
            ("Sectorbrede afspraak over ketentransparantie", 400, None),
            ("Programma voor scholing in de mijngebieden", 700, None),
        ],
    ),
    "big_tech": (
        "Een mensenrechtenbeleid dat gebruikers en verdedigers van mensenrechten beschermt; "
        "een gepubliceerde risicobeoordeling per land (fictief).",
        "Hoe beoordeelt u de risico's van overheidsverzoeken om gegevens? Hoe beschermt u "
        "verdedigers van mensenrechten op uw platform?",
        [
            ("Gesprek met het bestuur over het mensenrechtenbeleid", 120, 140),
            ("Gepubliceerde risicobeoordeling per land", 420, 500),
            ("Transparantieverslag over overheidsverzoeken", 700, 760),
            ("Onafhankelijke toets van het beleid", 1000, None),
        ],
    ),
    "biodiversity": (
        "Ontbossingsvrije ketens bij de grootste afnemers; herstel van aangetast gebied (fictief).",
        "Welke grondstoffen in uw keten dragen bij aan ontbossing? Welke doelen stelt u en "
        "hoe controleert u die?",
        [
            ("Afnemers publiceren hun ontbossingsbeleid", 180, 240),
            ("Satellietmonitoring van de toeleveranciers", 420, 500),
            ("Herstelproject voor aangetast gebied gestart", 700, 820),
        ],
    ),
}

# Days after the selection at which a case left each step (the demo's history).
LEFT_STEP = {"A": 120, "B": 330, "C": 540, "D": 760, "E": 980}


def _user(key: str) -> User:
    return User.objects.unrestricted(WHY).get(email=demo_email(key))


def _party_of(user: User) -> Party:
    membership = Membership.objects.unrestricted(WHY).filter(user=user).select_related("party")
    return membership.order_by("pk").first().party  # type: ignore[union-attr]


def _index(spec: DemoCase) -> int:
    return [c.key for c in CASES].index(spec.key)


def lead_of(spec: DemoCase) -> User:
    """The demo fund officer who leads this case."""
    return _user(FUND_OFFICERS[_index(spec) % 2])


def _on(case: Case, days: int) -> datetime.date:
    """A day of the case's history, never later than today."""
    return min(case.selected_on + datetime.timedelta(days=days), timezone.localdate())


def set_up(case: Case, spec: DemoCase) -> Case:
    """The group's people by role, and the collaboration plan with its milestones, agreed."""
    secretariat = _user("secretariaat")
    lead = lead_of(spec)
    supporting = _user(FUND_OFFICERS[(_index(spec) + 1) % 2])
    people = [(lead, CaseRole.LEAD_FUND), (supporting, CaseRole.SUPPORTING_FUND)]
    people += [(_user(key), role) for key, role in EXPERTS]
    for person, role in people:
        actions.add_case_member(
            by=secretariat,
            case=case,
            user=person,
            party=_party_of(person),
            role=role,
            start=case.selected_on,
        )
    objectives, questions, milestones = PLANS[spec.key]
    actions.update_plan(
        by=lead,
        case=case,
        objectives=objectives,
        questions=questions,
        roles=(
            "Het leidende fonds voert het gesprek met het bedrijf; het steunende fonds sluit "
            "aan bij de gesprekken; de vakbond en de ngo brengen de stem van werkenden en "
            "gemeenschappen in; de overheid deelt wat zij via ambassades weet; het secretariaat "
            "bewaakt het proces (fictief)."
        ),
        communication=(
            "Niets naar buiten zonder goedkeuring van alle partijen in de groep; het bedrijf "
            "wordt pas genoemd als de groep dat apart goedkeurt (fictief)."
        ),
    )
    today = timezone.localdate()
    for title, target_days, reached_days in milestones:
        milestone = actions.add_plan_milestone(
            by=lead,
            case=case,
            title=f"{title} {MARK}",
            target_on=case.selected_on + datetime.timedelta(days=target_days),
        )
        reached = case.selected_on + datetime.timedelta(days=reached_days or 0)
        if reached_days is not None and reached <= today and _reached_by_now(spec, reached_days):
            actions.update_plan_milestone(
                by=lead,
                milestone=milestone,
                reached_on=reached,
                evidence=f"Verslag van de groep, {reached:%d-%m-%Y} {MARK}",
            )
    actions.agree_plan(by=lead, case=case, on=_on(case, 60))
    actions.set_publishable(
        by=lead, case=case, fields=["title", "themes", "plan_objectives", "step", "outcome"]
    )
    return Case.objects.unrestricted(WHY).get(pk=case.pk)


def _reached_by_now(spec: DemoCase, reached_days: int) -> bool:
    """A milestone counts as reached only if the case had come that far."""
    stands = "F" if spec.stands == "closed" else spec.stands
    steps = [s for s in LEFT_STEP if s < stands]
    return bool(steps) and reached_days <= LEFT_STEP[steps[-1]] + 120


def leverage(case: Case, spec: DemoCase) -> Engagement:
    """Step B: an engagement for the case by its lead fund, with a letter, a meeting and an
    AGM vote of that fund alone (the platform never pools votes). A sector or issue case's
    engagement targets an issue."""
    load_ladder()
    lead = lead_of(spec)
    fund = _party_of(lead)
    start = _on(case, 130)
    title = f"Casus {case.reference}: {case.title.replace(MARK, '').strip()} {MARK}"
    if case.issuer_id is not None:
        engagement = actions.start_case_engagement(
            by=lead, case=case, lead_party=fund, title=title, start_date=start
        )
    else:
        engagement = engagement_actions.create_engagement(
            by=lead,
            title=title,
            target="issue",
            issue=case.issue or case.title.replace(MARK, "").strip(),
            themes=case.themes,
            lead_party=fund,
            start_date=start,
        )
        engagement = actions.link_engagement(by=lead, case=case, engagement=engagement)
    steps = [
        ("letter", 0, "Brief namens de groep met de vragen uit het samenwerkingsplan."),
        ("meeting-management", 45, "Gesprek met het management over de bevindingen."),
    ]
    for step, days, summary in steps:
        engagement_actions.log_activity(
            by=lead,
            engagement=engagement,
            step=step,
            occurred_on=min(start + datetime.timedelta(days=days), timezone.localdate()),
            party=fund,
            summary=f"{summary} {MARK}",
            company_response="Het bedrijf zegde een schriftelijke reactie toe.",
        )
    if case.issuer_id is not None:
        engagement_actions.log_activity(
            by=lead,
            engagement=engagement,
            step="agm-vote",
            occurred_on=min(start + datetime.timedelta(days=90), timezone.localdate()),
            party=fund,
            summary=f"Stem van het fonds op de aandeelhoudersvergadering {MARK}",
            agm_item="Herbenoeming van de voorzitter van het bestuur",
            vote="against",
            vote_rationale="Geen voortgang op het herstelplan van de groep (fictief).",
            confidentiality="covenant",
        )
    return engagement


def move(case: Case, to_step: str) -> StepMove:
    """The lead fund moves the case on (its checks met by the records made before), and the
    move is set back to the day the case's history has it."""
    fresh = Case.objects.unrestricted(WHY).get(pk=case.pk)
    lead = (
        CaseMember.objects.unrestricted(WHY)
        .filter(case=fresh, role=CaseRole.LEAD_FUND)
        .filter(current_membership_q("membership__"))
        .select_related("membership__user")
        .first()
    )
    if lead is None:
        raise ValueError(f"{case.reference} has no lead fund to move it")
    step_move = actions.move_step(by=lead.membership.user, case=fresh, to_step=to_step)
    day = _on(fresh, LEFT_STEP[step_move.from_step])
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    StepMove.objects.unrestricted(WHY).filter(pk=step_move.pk).update(moved_at=moment)
    return step_move
