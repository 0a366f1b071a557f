"""The demo's lessons and closures of the deep-track cases, all FICTIONAL: each year a case ran,
its group's lessons at the three levels; the closed case's outcome, rationale and closing
lessons, one of which the secretariat put to the steering group as a recommendation for the
toolkit.

Called by the deep track's demo loader, in step order, on a fresh database: ``lessons`` for
each year a case ran, ``close`` once the case stands in step E. Both go through the real
actions, as the case's lead fund (and the secretariat for the recommendation)."""

from __future__ import annotations

from django.utils import timezone

from convenant.core.models import User
from convenant.engagement.actions import closure as actions
from convenant.engagement.case_rules import current_membership_q
from convenant.engagement.demo_case_plan import MARK, DemoCase
from convenant.engagement.models import Case, CaseMember, CaseRole, Lesson
from convenant.parties.demo import demo_email

WHY = "loading the demo"

# Per case: what its group learned, at the three levels (the year is added to each).
LESSONS: dict[str, dict[str, str]] = {
    "mining": {
        "issue": "Gesprekken met de getroffen gemeenschap vóór het gesprek met het bedrijf "
        "maakten onze vragen scherper",
        "collaboration": "De lokale partner van de ngo opende deuren die voor fondsen dicht bleven",
        "policy": "Het uitsluitingsbeleid zegt niets over gedwongen verhuizing; dat moet erin",
    },
    "palm_oil": {
        "issue": "Een koper aanspreken op zijn leverancier werkt pas met concrete bewijzen "
        "uit de plantage",
        "collaboration": "Eén woordvoerder namens alle fondsen voorkwam tegenstrijdige "
        "boodschappen",
        "policy": "Beleid over ketenverantwoordelijkheid moet dochterondernemingen expliciet "
        "noemen",
    },
    "platform": {
        "issue": "Bedrijven reageren sneller op vragen over toegang tot een vakbond dan op "
        "vragen over loon",
        "collaboration": "De vakbond kende de werkers; de fondsen kenden de aandeelhouders: "
        "samen hadden we beide",
        "policy": "Stembeleid kan verwijzen naar vrijheid van vereniging voor platformwerkers",
    },
    "mica": {
        "issue": "Een sectorbrede aanpak bereikt de mijnen, één bedrijf alleen niet",
        "collaboration": "De kinderrechtenorganisatie hielp ons de juiste vragen te stellen",
        "policy": "Due diligence op grondstoffen moet verder kijken dan de eerste leverancier",
    },
    "big_tech": {
        "issue": "Vragen over mensenrechteneffecten van producten vergen technische kennis "
        "aan tafel",
        "collaboration": "Gezamenlijk stemmen op de aandeelhoudersvergadering gaf meer gewicht "
        "dan losse brieven",
        "policy": "Het engagementbeleid moet digitale rechten als thema opnemen",
    },
    "biodiversity": {
        "issue": "Een kaart van de ontbossing per leverancier maakte het gesprek concreet",
        "collaboration": "Natuurorganisaties en fondsen bleken dezelfde data te willen; delen "
        "scheelde werk",
        "policy": "Biodiversiteit hoort als eigen thema in het verantwoord-beleggenbeleid",
    },
}

CLOSING: dict[str, str] = {
    "issue": "Over de hele looptijd werkte een gefaseerde aanpak: eerst feiten, dan "
    "afspraken, dan controle",
    "collaboration": "Vaste overleggen met alle partijen hielden de groep bij elkaar, ook toen "
    "het bedrijf traag reageerde",
    "policy": "De toolkit kan een model voor een herstelparagraaf in het beleid van fondsen "
    "opnemen",
}

RATIONALE = {
    "successful": "Het bedrijf voerde het plan uit en de getroffen mensen kregen herstel.",
    "partial": "Het bedrijf stopte de ontbossing bij de eigen plantages, maar niet bij alle "
    "leveranciers; herstel kwam er voor een deel van de getroffen gemeenschappen.",
    "unsuccessful": "Het bedrijf nam geen van de gevraagde stappen.",
    "discontinued": "De zaak is gestopt voordat de stappen doorlopen waren.",
}


def _lead(case: Case) -> User:
    """The person of the case's lead fund: the demo's lessons and closure are theirs."""
    member = (
        CaseMember.objects.unrestricted(WHY)
        .filter(case=case, role=CaseRole.LEAD_FUND)
        .filter(current_membership_q("membership__"))
        .select_related("membership__user")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise RuntimeError(f"The demo case {case.reference} has no lead fund yet.")
    return member.membership.user


def lessons(case: Case, spec: DemoCase, year: int) -> list[Lesson]:
    """The group's lessons of ``year`` at the three levels."""
    texts = LESSONS.get(spec.key, LESSONS["biodiversity"])
    lead = _lead(case)
    return [
        actions.record_lesson(
            by=lead,
            case=case,
            year=year,
            level=level,
            text=f"{year}: {texts[level]} {MARK}.",
        )
        for level in Lesson.Level.values
    ]


def close(case: Case, spec: DemoCase, *, secretariat: User | None = None) -> Case:
    """Close the case with the outcome of its spec, the rationale and the closing lessons;
    the biodiversity case's policy lesson goes to the steering group as a recommendation,
    put forward by the secretariat (the demo's own, unless another is given)."""
    outcome = spec.outcome or Case.Outcome.PARTIAL
    case = actions.close_case(
        by=_lead(case),
        case=case,
        outcome=outcome,
        rationale=f"{RATIONALE[outcome]} {MARK}",
        lessons={level: f"{CLOSING[level]} {MARK}." for level in Lesson.Level.values},
        closed_on=timezone.localdate(),
    )
    if spec.key == "biodiversity":
        secretariat = secretariat or User.objects.unrestricted(WHY).get(
            email=demo_email("secretariaat")
        )
        policy = (
            Lesson.objects.unrestricted(WHY)
            .filter(case=case, at_closure=True, level=Lesson.Level.POLICY)
            .get()
        )
        actions.recommend_lesson(
            by=secretariat,
            lesson=policy,
            title=f"Aanbeveling voor de toolkit: biodiversiteit als eigen thema {MARK}",
        )
    return case
