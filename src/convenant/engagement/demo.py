"""Demo engagements: FICTIONAL individual engagements of several demo funds on demo companies
they hold, made through the real actions. Some follow up the demo's signals and the risks of
the companies with evidence; some are escalated (a milestone overdue, an AGM vote, a public
statement); some objectives are closed, so the success rate has something to count. Every
title ends in "(fictief)"; every event is invented. Loading twice changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from convenant.core.access import Visibility
from convenant.core.models import User
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Engagement, Objective
from convenant.parties.demo import demo_email, fund_code
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Position

MARK = "(fictief)"
WHY = "loading the demo"


def _person(key: str) -> User | None:
    return User.objects.unrestricted(WHY).filter(email=demo_email(key)).first()


def _held(fund: Party, skip: set[int]) -> Issuer | None:
    """The fund's largest holding in its latest snapshot that no other demo engagement has."""
    issuer_id = (
        Position.objects.unrestricted(WHY)
        .in_latest_snapshots()
        .filter(snapshot__fund=fund, issuer__isnull=False, issuer__merged_into=None)
        .exclude(issuer_id__in=skip)
        .order_by("-value_eur", "issuer_id")
        .values_list("issuer_id", flat=True)
        .first()
    )
    return Issuer.objects.unrestricted(WHY).filter(pk=issuer_id).first() if issuer_id else None


def _signals_on_held(reader: User) -> list[tuple[Any, Issuer]]:
    """The demo's signals the reader may read, each with the company it is linked to."""
    from convenant.signals.models import SignalIssuer

    links = (
        SignalIssuer.objects.visible_to(reader)
        .filter(signal__title__endswith=MARK, signal__merged_into__isnull=True)
        .select_related("signal", "issuer")
        .order_by("signal_id", "issuer_id")
    )
    seen: dict[int, tuple[Any, Issuer]] = {}
    for link in links:
        seen.setdefault(link.signal_id, (link.signal, link.issuer))
    return list(seen.values())


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def load() -> int:
    """The demo engagements; returns how many were created (0 when already loaded)."""
    load_ladder()
    if Engagement.objects.unrestricted(WHY).filter(title__endswith=MARK).exists():
        return 0
    editor, other = _person("fonds-redacteur"), _person("ander-fonds")
    secretariat = _person("secretariaat")
    funds = {i: Party.objects.filter(code=fund_code(i)).first() for i in range(4)}
    if not (editor and other and secretariat and all(funds.values())):
        return 0
    pf1, pf2, pf3, pf4 = (funds[i] for i in range(4))
    assert pf1 and pf2 and pf3 and pf4
    signals = _signals_on_held(editor)
    used: set[int] = {issuer.pk for _signal, issuer in signals}
    created = 0

    # 1. PF001 leads, PF002 supports: a garment maker of a covenant-wide signal. Escalated:
    # milestone 2 is overdue, and PF001 voted against at the AGM.
    if signals:
        signal, company = signals[0]
        first = actions.create_engagement(
            by=editor,
            title=f"Leefbaar loon en vakbondsvrijheid bij {company.legal_name} {MARK}",
            target=Engagement.Target.ISSUER,
            issuer=company,
            lead_party=pf1,
            start_date=_ago(540),
            themes=["living-wage", "freedom-of-association"],
            visibility=Visibility.COVENANT,
            participants=[(pf2, "supporting")],
        )
        created += 1
        actions.link_signal(by=editor, engagement=first, signal=signal)
        actions.link_risk(by=editor, engagement=first, issuer=company, theme="living-wage")
        wage = actions.add_objective(
            by=editor,
            engagement=first,
            title="Leefbaar loon in de eigen fabrieken en bij de tier-1-leveranciers (fictief)",
            theme="living-wage",
            targets={1: _ago(500), 2: _ago(200), 3: _ago(-180), 4: _ago(-540)},
        )
        m1 = wage.milestones.unrestricted(WHY).get(number=1)
        actions.reach_milestone(
            by=editor,
            milestone=m1,
            reached_on=_ago(510),
            evidence="Brief aan de raad van bestuur verstuurd (fictief).",
        )
        actions.log_activity(
            by=editor,
            engagement=first,
            objective=wage,
            step="letter",
            occurred_on=_ago(510),
            party=pf1,
            summary="Brief aan de voorzitter over de bevindingen uit het signaal (fictief).",
            confidentiality=Visibility.COVENANT,
        )
        actions.log_activity(
            by=editor,
            engagement=first,
            objective=wage,
            step="meeting-management",
            occurred_on=_ago(420),
            party=pf1,
            participants="Fictief: hoofd duurzaamheid, investor relations",
            company_response="Het bedrijf wil eerst eigen audits afwachten (fictief).",
            summary="Gesprek met het management; geen toezeggingen (fictief).",
        )
        actions.log_activity(
            by=editor,
            engagement=first,
            objective=wage,
            step="agm-vote",
            occurred_on=_ago(190),
            party=pf1,
            summary="Tegen het remuneratiebeleid gestemd (fictief).",
            agm_item="Agendapunt 4: remuneratiebeleid (fictief)",
            vote="against",
            vote_rationale="Geen koppeling aan leefbaar loon in de keten (fictief).",
            confidentiality=Visibility.COVENANT,
        )

    # 2. PF001 on another company with evidence: a public statement after a slow start;
    # the first objective met, so the success rate counts it.
    if len(signals) > 1:
        signal, company = signals[1]
        second = actions.create_engagement(
            by=editor,
            title=f"Verontreiniging rond de vestiging van {company.legal_name} {MARK}",
            target=Engagement.Target.ISSUER,
            issuer=company,
            lead_party=pf1,
            start_date=_ago(800),
            themes=list(signal.themes or [])[:1] or ["pollution"],
        )
        created += 1
        actions.link_signal(by=editor, engagement=second, signal=signal)
        policy = actions.add_objective(
            by=editor,
            engagement=second,
            title="Een openbaar waterbeheerplan met meetresultaten (fictief)",
            targets={1: _ago(760), 2: _ago(600), 3: _ago(400), 4: _ago(100)},
        )
        for number, days, evidence in [
            (1, 780, "Brief verstuurd (fictief)."),
            (2, 640, "Antwoord van de CEO (fictief)."),
            (3, 380, "Plan gepubliceerd op de website (fictief)."),
            (4, 90, "Eerste meetrapport openbaar (fictief)."),
        ]:
            actions.reach_milestone(
                by=editor,
                milestone=policy.milestones.unrestricted(WHY).get(number=number),
                reached_on=_ago(days),
                evidence=evidence,
            )
        actions.log_activity(
            by=editor,
            engagement=second,
            objective=policy,
            step="public-statement",
            occurred_on=_ago(500),
            party=pf1,
            summary="Publieke verklaring na uitblijven van een plan (fictief).",
            confidentiality=Visibility.PUBLIC,
        )
        actions.record_outcome(
            by=editor,
            objective=policy,
            outcome=Objective.Outcome.MET,
            rationale="Het plan is uitgevoerd en de metingen zijn openbaar (fictief).",
            closed_on=_ago(60),
        )

    # 3. PF002 leads on one of its own holdings: one objective partly met, one open.
    held = _held(pf2, used)
    if held is not None:
        used.add(held.pk)
        third = actions.create_engagement(
            by=other,
            title=f"Kinderarbeid in de toeleveringsketen van {held.legal_name} {MARK}",
            target=Engagement.Target.ISSUER,
            issuer=held,
            lead_party=pf2,
            start_date=_ago(700),
            themes=["child-labour"],
        )
        created += 1
        actions.link_risk(by=other, engagement=third, issuer=held, theme="child-labour")
        audit = actions.add_objective(
            by=other,
            engagement=third,
            title="Onafhankelijke audits bij leveranciers (fictief)",
            targets={1: _ago(650), 2: _ago(500)},
        )
        for number, days in [(1, 660), (2, 480)]:
            actions.reach_milestone(
                by=other,
                milestone=audit.milestones.unrestricted(WHY).get(number=number),
                reached_on=_ago(days),
                evidence="Schriftelijke bevestiging (fictief).",
            )
        actions.record_outcome(
            by=other,
            objective=audit,
            outcome=Objective.Outcome.PARTLY_MET,
            rationale="Audits bij de helft van de leveranciers (fictief).",
            closed_on=_ago(120),
        )
        actions.add_objective(
            by=other,
            engagement=third,
            title="Herstel voor getroffen kinderen en gezinnen (fictief)",
            targets={1: _ago(90)},
        )

    # 4. PF003 (its engagement entered by the secretariat): no result, so the fund reduced
    # its position and the objective ended by divestment.
    held = _held(pf3, used)
    if held is not None:
        used.add(held.pk)
        fourth = actions.create_engagement(
            by=secretariat,
            title=f"Mensenrechten en veiligheid bij {held.legal_name} {MARK}",
            target=Engagement.Target.ISSUER,
            issuer=held,
            lead_party=pf3,
            start_date=_ago(900),
            themes=["human-rights-defenders"],
            participants=[(pf4, "co_lead")],
        )
        created += 1
        rights = actions.add_objective(
            by=secretariat,
            engagement=fourth,
            title="Een beleid tegen represailles (fictief)",
            targets={1: _ago(850), 2: _ago(700)},
        )
        actions.reach_milestone(
            by=secretariat,
            milestone=rights.milestones.unrestricted(WHY).get(number=1),
            reached_on=_ago(860),
            evidence="Brief verstuurd (fictief).",
        )
        for step, days, summary in [
            ("letter", 860, "Brief aan het bestuur (fictief)."),
            ("meeting-board", 600, "Gesprek met de raad van commissarissen (fictief)."),
            ("position-reduced", 300, "Positie gehalveerd (fictief)."),
            ("divestment", 200, "Belang verkocht en uitgesloten (fictief)."),
        ]:
            actions.log_activity(
                by=secretariat,
                engagement=fourth,
                objective=rights,
                step=step,
                occurred_on=_ago(days),
                party=pf3,
                summary=summary,
            )
        actions.record_outcome(
            by=secretariat,
            objective=rights,
            outcome=Objective.Outcome.DIVESTED,
            rationale="Geen voortgang na drie jaar; het fonds heeft het belang verkocht (fictief).",
            closed_on=_ago(200),
        )
    return created


def load_and_describe() -> str:
    created = load()
    engagements = Engagement.objects.unrestricted(WHY).filter(title__endswith=MARK)
    objectives = Objective.objects.unrestricted(WHY).filter(engagement__in=engagements)
    state = "" if created else " (already loaded, or the demo funds are missing)"
    return (
        f"Engagements: {engagements.count()} fictional engagements of demo funds with "
        f"{objectives.count()} objectives{state}."
    )
