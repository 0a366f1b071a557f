"""The demo's fieldwork of the deep-track cases, all FICTIONAL: the consultations of step A
(for the mica case one with children and their families at risk, kept with the group, names
and site hidden), the remedies and company policy changes of step C with a history of
statuses, and the grievance-mechanism assessments of step D against the eight UNGP 31
criteria (two for the mining case, a year apart, so the trend shows).

Called by the deep track's demo loader, in step order, on a fresh database, once per case
and step: ``assessment``, ``remediation``, ``monitoring``. Everything goes through the real
actions as a person of the case's group with the ``record`` right. The actions stamp today
as the moment of recording; the history happened earlier, so afterwards a record's
``created_at`` is set back to its own date (the demo's correction, nothing the product does).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from convenant.core.models import User
from convenant.engagement import case_rules
from convenant.engagement.actions import fieldwork as actions
from convenant.engagement.case_rules import current_membership_q
from convenant.engagement.demo_case_plan import MARK, DemoCase
from convenant.engagement.models import (
    Case,
    CaseMember,
    Consultation,
    GrievanceAssessment,
    GrievanceCriterion,
    Remedy,
)

WHY = "loading the demo"

# Per case: (days after selection, kind, with whom, groups, findings, at risk, names, site,
# fields opened to the case's readers).
Consulted = tuple[int, str, str, tuple[str, ...], str, bool, str, str, tuple[str, ...]]
CONSULTATIONS: dict[str, list[Consulted]] = {
    "mining": [
        (
            40,
            "affected_group",
            "Dorpsraad van de verhuisde gemeenschap",
            ("communities", "indigenous"),
            "Gezinnen kregen minder land terug dan ze verloren; de nieuwe grond is droog en "
            "ver van de markt. Woordvoerders zeggen onder druk te staan",
            True,
            "Drie woordvoerders van de dorpsraad (namen bij de groep bekend)",
            "Nieuwe nederzetting ten noorden van de mijn",
            ("findings",),
        ),
        (
            75,
            "local_partner",
            "Lokale mensenrechtenorganisatie",
            ("defenders",),
            "De partner documenteerde twaalf gevallen van intimidatie en helpt bij klachten",
            True,
            "Coördinator van de partnerorganisatie",
            "Kantoor in de provinciehoofdstad",
            (),
        ),
        (
            120,
            "stakeholder",
            "Provinciaal bureau voor landzaken",
            ("communities",),
            "Het bureau erkent dat de compensatieregeling niet is nagekomen",
            False,
            "",
            "",
            ("findings", "people", "site"),
        ),
    ],
    "palm_oil": [
        (
            50,
            "affected_group",
            "Plantagewerkers van de dochteronderneming",
            ("workers",),
            "Werkers houden paspoorten niet zelf; schulden bij wervingsbureaus",
            True,
            "Vijf werkers, anoniem gesproken",
            "Plantage-afdeling 4",
            ("findings",),
        ),
        (
            90,
            "local_partner",
            "Landrechtenorganisatie",
            ("communities", "indigenous"),
            "Grondconflict met twee inheemse dorpen loopt al tien jaar",
            False,
            "",
            "",
            ("findings", "site"),
        ),
    ],
    "platform": [
        (
            60,
            "affected_group",
            "Bezorgers en chauffeurs van drie platforms",
            ("workers",),
            "Deactivering zonder uitleg en geen bereikbare klachtenlijn",
            False,
            "",
            "",
            ("findings",),
        ),
        (
            100,
            "stakeholder",
            "Arbeidsinspectie",
            ("workers",),
            "De inspectie ziet schijnzelfstandigheid bij een deel van de werkenden",
            False,
            "",
            "",
            ("findings",),
        ),
    ],
    "mica": [
        (
            45,
            "affected_group",
            "Kinderen en hun families bij de mica-putten",
            ("children", "communities"),
            "Kinderen vanaf acht jaar sorteren mica na school en in de vakanties; families "
            "zijn afhankelijk van de opbrengst. Wie praat, vreest de opkoper",
            True,
            "Families van vier kinderen (namen alleen bij de subwerkgroep)",
            "Putten bij het dorp, exacte ligging bij de subwerkgroep",
            (),
        ),
        (
            80,
            "local_partner",
            "Kinderrechtenorganisatie ter plaatse",
            ("children",),
            "De organisatie runt een opvang en kan een schoolprogramma uitbreiden",
            False,
            "",
            "",
            ("findings",),
        ),
    ],
    "big_tech": [
        (
            45,
            "stakeholder",
            "Digitale-rechtenorganisaties",
            ("defenders",),
            "Gegevens van activisten worden op verzoek van overheden gedeeld zonder toetsing",
            True,
            "Twee onderzoekers van de organisaties",
            "",
            ("findings",),
        ),
        (
            90,
            "affected_group",
            "Journalisten en mensenrechtenverdedigers",
            ("defenders",),
            "Accounts worden zonder uitleg geblokkeerd tijdens protesten",
            True,
            "Vier journalisten",
            "Drie landen, bij de groep bekend",
            ("findings",),
        ),
    ],
    "biodiversity": [
        (
            40,
            "local_partner",
            "Natuurorganisatie met satellietdata",
            ("communities",),
            "Ontbossing bij leveranciers is per perceel in kaart gebracht",
            False,
            "",
            "",
            ("findings", "site"),
        ),
        (
            80,
            "affected_group",
            "Gemeenschappen aan de bosrand",
            ("communities", "indigenous"),
            "Bos waarvan de gemeenschappen leven verdwijnt; geen inspraak bij kap",
            False,
            "",
            "",
            ("findings",),
        ),
    ],
}

# Per case: (kind, what, for whom, by whom, statuses with days after selection, evidence).
Remedied = tuple[str, str, str, str, tuple[tuple[str, int], ...], str]
REMEDIES: dict[str, list[Remedied]] = {
    "mining": [
        (
            "remedy",
            "Vervangende landbouwgrond met water",
            "Verhuisde gezinnen van de nieuwe nederzetting",
            "Het mijnbedrijf, met toezicht van de lokale partner",
            (("identified", 250), ("agreed", 330), ("in_progress", 420), ("provided", 560)),
            "Bezoek van de lokale partner: 410 gezinnen bewerken de nieuwe grond",
        ),
        (
            "remedy",
            "Schadevergoeding voor verloren oogsten",
            "Gezinnen zonder grond tussen verhuizing en toewijzing",
            "Het mijnbedrijf",
            (("identified", 250), ("agreed", 400), ("in_progress", 480)),
            "",
        ),
        (
            "policy_change",
            "Beleid voor vrije, voorafgaande en geïnformeerde instemming bij uitbreiding",
            "",
            "Raad van bestuur van het mijnbedrijf",
            (("identified", 260), ("agreed", 450)),
            "",
        ),
    ],
    "palm_oil": [
        (
            "remedy",
            "Terugbetaling van wervingskosten",
            "Plantagewerkers met schulden bij wervingsbureaus",
            "De dochteronderneming",
            (("identified", 200), ("agreed", 320)),
            "",
        ),
        (
            "policy_change",
            "Werkers houden hun eigen paspoort",
            "",
            "De koper, in zijn leveranciersbeleid",
            (("identified", 210), ("in_progress", 330)),
            "",
        ),
    ],
    "big_tech": [
        (
            "remedy",
            "Herstel van onterecht geblokkeerde accounts met een beroepsprocedure",
            "Journalisten en mensenrechtenverdedigers",
            "Het platformbedrijf",
            (("identified", 220), ("agreed", 300), ("provided", 420)),
            "Rapportage van het bedrijf, bevestigd door de digitale-rechtenorganisaties",
        ),
        (
            "policy_change",
            "Mensenrechtentoets vóór het delen van gegevens met overheden",
            "",
            "Het platformbedrijf",
            (("identified", 230), ("agreed", 360), ("provided", 500)),
            "Gepubliceerd beleid en eerste transparantierapport",
        ),
    ],
    "biodiversity": [
        (
            "remedy",
            "Herplant en beheer van gekapt bos met de gemeenschappen",
            "Gemeenschappen aan de bosrand",
            "De leveranciers, gefinancierd door de koper",
            (("identified", 200), ("agreed", 300), ("in_progress", 400)),
            "",
        ),
        (
            "policy_change",
            "Geen ontbossing bij eigen plantages en directe leveranciers",
            "",
            "De koper",
            (("identified", 210), ("agreed", 320), ("provided", 450)),
            "Satellietbeelden van de natuurorganisatie tonen geen nieuwe kap",
        ),
    ],
}
GENERIC_REMEDY: Remedied = (
    "remedy",
    "Herstel voor de getroffen mensen, nog uit te werken",
    "De getroffen mensen",
    "Het bedrijf",
    (("identified", 200),),
    "",
)

# The grievance mechanism: (name, days after selection of each assessment, ratings of each).
RATINGS_FIRST = {
    "legitimate": 1,
    "accessible": 0,
    "predictable": 1,
    "equitable": 1,
    "transparent": 0,
    "rights_compatible": 1,
    "continuous_learning": 0,
    "engagement": 1,
}
RATINGS_LATER = {
    "legitimate": 2,
    "accessible": 2,
    "predictable": 1,
    "equitable": 1,
    "transparent": 2,
    "rights_compatible": 1,
    "continuous_learning": 1,
    "engagement": 0,
}
EVIDENCE = {
    0: "Niet aanwezig volgens de getroffen mensen en de lokale partner",
    1: "Op papier geregeld, in de praktijk nauwelijks gebruikt",
    2: "Deels in orde: klachten komen aan, de afhandeling is traag",
    3: "Voldoet: bevestigd door klagers en de lokale partner",
}
MECHANISMS = {
    "mining": "Klachtenlijn van de mijn voor omwonenden",
    "big_tech": "Beroepsprocedure voor geblokkeerde accounts",
    "biodiversity": "Klachtenprocedure van de koper voor de keten",
}


def _recorder(case: Case) -> User:
    """A person of the group with the ``record`` right: the demo's records are theirs."""
    recorders = [role for role, rights in case_rules.RIGHTS.items() if "record" in rights]
    members = (
        CaseMember.objects.unrestricted(WHY)
        .filter(case=case, role__in=recorders)
        .filter(current_membership_q("membership__"))
        .select_related("membership__user")
        .order_by("pk")
    )
    by_role = {member.role: member.membership.user for member in members}
    for role in ("ngo_expert", "union_expert", "lead_fund", *recorders):
        if role in by_role:
            return by_role[role]
    raise RuntimeError(f"The demo case {case.reference} has nobody who records yet.")


def _on(case: Case, days: int) -> datetime.date:
    """A day of the case's history, never after today."""
    return min(case.selected_on + datetime.timedelta(days=days), timezone.localdate())


def _back_date(model: Any, pk: int, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    model.objects.unrestricted(WHY).filter(pk=pk).update(created_at=moment, updated_at=moment)


def assessment(case: Case, spec: DemoCase) -> list[Consultation]:
    """Step A: the case's consultations (2–3)."""
    by = _recorder(case)
    made = []
    for days, kind, who, groups, findings, at_risk, people, site, opened in CONSULTATIONS.get(
        spec.key, CONSULTATIONS["platform"]
    ):
        held_on = _on(case, days)
        consultation = actions.record_consultation(
            by=by,
            case=case,
            held_on=held_on,
            kind=kind,
            with_whom=f"{who} {MARK}",
            groups=groups,
            people=people,
            site=site,
            findings=f"{findings} {MARK}.",
            people_at_risk=at_risk,
            # Where people are at risk the names and site stay with the group, whatever the
            # plan says; the action would refuse them.
            redactions={f: "case" for f in opened if not (at_risk and f in actions.AT_RISK_HIDDEN)},
        )
        _back_date(Consultation, consultation.pk, held_on)
        made.append(consultation)
    return made


def remediation(case: Case, spec: DemoCase) -> list[Remedy]:
    """Step C: remedies for affected people and the company's policy changes, each with the
    statuses it went through."""
    by = _recorder(case)
    made = []
    for kind, what, for_whom, by_whom, statuses, evidence in REMEDIES.get(
        spec.key, [GENERIC_REMEDY]
    ):
        (first, first_day), *later = statuses
        remedy = actions.record_remedy(
            by=by,
            case=case,
            kind=kind,
            what=f"{what} {MARK}",
            for_whom=for_whom,
            by_whom=by_whom,
            status=first,
            status_on=_on(case, first_day),
            due_on=case.selected_on + datetime.timedelta(days=first_day + 365),
        )
        _back_date(Remedy, remedy.pk, _on(case, first_day))
        for status, day in later:
            remedy = actions.update_remedy(
                by=by,
                remedy=remedy,
                status=status,
                status_on=_on(case, day),
                evidence=f"{evidence} {MARK}." if status == "provided" else None,
            )
        made.append(remedy)
    return made


def monitoring(case: Case, spec: DemoCase) -> list[GrievanceAssessment]:
    """Step D: the grievance mechanism assessed on the eight UNGP 31 criteria; the mining
    case twice, a year apart, so its trend shows. (The plan's milestones are the case
    area's.)"""
    by = _recorder(case)
    mechanism = f"{MECHANISMS.get(spec.key, 'Klachtenmechanisme van het bedrijf')} {MARK}"
    rounds = [(600, RATINGS_FIRST)]
    if spec.key == "mining":
        rounds.append((965, RATINGS_LATER))
    made = []
    for days, ratings in rounds:
        assessed_on = _on(case, days)
        assessment = actions.assess_grievance_mechanism(
            by=by,
            case=case,
            assessed_on=assessed_on,
            mechanism=mechanism,
            summary=f"Beoordeling door de subwerkgroep met de lokale partner {MARK}.",
            ratings={
                c: (ratings[c], f"{EVIDENCE[ratings[c]]} {MARK}.")
                for c in GrievanceCriterion.values
            },
        )
        _back_date(GrievanceAssessment, assessment.pk, assessed_on)
        made.append(assessment)
    return made
