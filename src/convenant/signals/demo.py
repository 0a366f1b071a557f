"""Demo signals: FICTIONAL reports at every confidentiality level and in every state, on
fictional companies of the demo register that demo funds hold, made through the real
actions (so funds get their alerts and the risk results their findings). Every title ends in
"(fictief)"; every person, place and event is invented."""

from __future__ import annotations

import datetime
from typing import Any

from convenant.core.models import User
from convenant.parties.demo import demo_email
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer, Position
from convenant.signals import actions
from convenant.signals.models import Signal, State
from convenant.signals.validation import Report

MARK = "(fictief)"


def _report(title: str, company: Issuer | None, **kw: Any) -> Report:
    return Report(
        title=f"{title} {MARK}",
        company_name=company.legal_name if company else "Onbekende Plantage B.V.",
        description=kw.pop(
            "description",
            "Fictief demoverslag: werknemers melden structureel onbetaalde overuren en "
            "intimidatie van vakbondsleden. Niets hiervan is echt gebeurd.",
        ),
        themes=kw.pop("themes", ["freedom-of-association"]),
        impact=kw.pop("impact", "actual"),
        visibility=kw.pop("visibility", "covenant"),
        sharing=kw.pop("sharing", "redacted"),
        country=kw.pop("country", "BD"),
        site=kw.pop("site", "Fictieve fabriek 7, Demostad"),
        people=kw.pop("people", "Fictieve namen: A. Voorbeeld, B. Verzonnen"),
        occurred_period=kw.pop("occurred_period", "sinds maart 2025 (fictief)"),
        affected_count=kw.pop("affected_count", 120),
        affected_groups=kw.pop("affected_groups", ["workers"]),
        sources="Fictieve getuigenverklaringen (demo).",
        **kw,
    )


# What each demo report is about, and the GICS industries (code prefixes) of the companies
# such a report would fit: a garment maker's factory, a miner's opponents, a chemicals plant's
# river, a food company's supplier, an electronics maker's supply chain.
FITS = {
    "garment": ("252030", "2550", "2520"),
    "defenders": ("151040", "101020", "151050"),
    "pollution": ("151010", "151050", "151040"),
    "child-labour": ("302020", "302030", "301010"),
    "electronics": ("452030", "452020", "453010"),
}


def _held_issuers(*fits: tuple[str, ...]) -> list[Issuer]:
    """One company per report, held in the first demo fund's latest holdings (its largest
    positions first) and of an industry that fits the report; any other held or registered
    company where none fits. Each company is chosen once while there are enough."""
    held = list(
        Position.objects.unrestricted("loading the demo")
        .in_latest_snapshots()
        .filter(
            snapshot__fund__code="PF001",
            issuer__in=Issuer.objects.unrestricted("loading the demo").in_register(),
            issuer__merged_into=None,
        )
        .order_by("-value_eur", "issuer_id")
        .values_list("issuer_id", "issuer__sector_code")
    )
    candidates = list(dict.fromkeys(held))  # (issuer, sector) once each, largest first
    if len(candidates) < len(fits):
        candidates += [
            (pk, code)
            for pk, code in Issuer.objects.unrestricted("loading the demo")
            .filter(proposed_by_party=None, merged_into=None)
            .order_by("pk")
            .values_list("pk", "sector_code")[: len(fits)]
        ]
    chosen: list[int] = []
    for prefixes in fits:
        free = [(pk, code) for pk, code in candidates if pk not in chosen] or candidates
        fitting = [  # the most typical industry first, then the largest position
            pk for prefix in prefixes for pk, code in free if (code or "").startswith(prefix)
        ]
        chosen.append(fitting[0] if fitting else free[0][0])
    issuers = Issuer.objects.unrestricted("loading the demo").in_bulk(chosen)
    return [issuers[pk] for pk in chosen]


def _to_shared(
    signal: Signal,
    by: User,
    issuer: Issuer,
    level: str,
    verifier: User,
    assessment: tuple[int, int, int, int] = (3, 3, 2, 4),
    **share: Any,
) -> Signal:
    """Through triage to shared; ``verifier`` is the second person who verifies it (the
    one who filed it may not). ``assessment`` is the handler's scale, scope, irremediable
    character and likelihood."""
    scale, scope, irremediability, likelihood = assessment
    actions.assign_handler(by=by, signal=signal, handler=by)
    actions.change_state(by=by, signal=signal, to=State.IN_REVIEW, reason="Demo: in behandeling.")
    actions.assess_signal(
        by=by,
        signal=signal,
        scale=scale,
        scope=scope,
        irremediability=irremediability,
        likelihood=likelihood,
    )
    actions.link_issuer(by=by, signal=signal, issuer=issuer)
    actions.change_state(
        by=verifier, signal=signal, to=State.VERIFIED, reason="Demo: bevestigd door twee bronnen."
    )
    return actions.share_signal(
        by=by,
        signal=signal,
        visibility=level,
        redactions={"description": 3, "site": 3, "people": 3, "reporter": 3},
        shared_summary="Fictieve samenvatting: onbetaalde overuren en intimidatie (demo).",
        reason="Demo: gedeeld met wie het mag lezen.",
        **share,
    )


def load_demo_signals() -> str:
    if Signal.objects.unrestricted("loading the demo").filter(title__endswith=MARK).exists():
        signals = Signal.objects.unrestricted("loading the demo").count()
        return f"Signals: {signals} fictional signals (already loaded)."
    union_person = (
        User.objects.unrestricted("loading the demo").filter(email=demo_email("vakbond")).first()
    )
    ngo_person = (
        User.objects.unrestricted("loading the demo").filter(email=demo_email("ngo")).first()
    )
    secretariat = (
        User.objects.unrestricted("loading the demo")
        .filter(email=demo_email("secretariaat"))
        .first()
    )
    fnv = Party.objects.filter(code="FNV").first()
    oxfam = Party.objects.filter(code="OXN").first()
    if not (union_person and ngo_person and secretariat and fnv and oxfam):
        return "Signals: skipped (the demo parties are not loaded)."
    if not Issuer.objects.unrestricted("loading the demo").exists():
        return "Signals: skipped (no issuers in the demo register)."
    a, b, c, d, e = _held_issuers(
        FITS["garment"],
        FITS["defenders"],
        FITS["pollution"],
        FITS["child-labour"],
        FITS["electronics"],
    )

    covenant = actions.submit_signal(
        by=union_person,
        party=fnv,
        report=_report(
            "Onbetaalde overuren in kledingfabriek",
            a,
            themes=["freedom-of-association", "living-wage"],
        ),
    )
    _to_shared(covenant, union_person, a, "covenant", secretariat, assessment=(3, 3, 3, 4))
    restricted = actions.submit_signal(
        by=ngo_person,
        party=oxfam,
        report=_report(
            "Bedreiging van een mensenrechtenverdediger",
            b,
            themes=["human-rights-defenders"],
            visibility="restricted",
            affected_groups=["defenders"],
            affected_count=1,
            shared_with=[fnv.pk],
        ),
    )
    _to_shared(
        restricted,
        ngo_person,
        b,
        "restricted",
        secretariat,
        assessment=(4, 2, 4, 4),
        shared_with=[fnv],
    )
    public = actions.submit_signal(
        by=ngo_person,
        party=oxfam,
        report=_report(
            "Lozing van afvalwater in rivier",
            c,
            themes=["pollution"],
            visibility="public",
            sharing="as_reported",
            affected_groups=["communities"],
        ),
    )
    _to_shared(public, ngo_person, c, "public", secretariat, assessment=(3, 3, 3, 4))
    actions.change_state(
        by=ngo_person, signal=public, to=State.CLOSED, reason="Demo: bedrijf heeft hersteld."
    )
    duplicate = actions.submit_signal(
        by=union_person,
        party=fnv,
        report=_report("Onbetaalde overuren in kledingfabriek, tweede melding", a),
    )
    actions.merge_signals(
        by=union_person, duplicate=duplicate, into=covenant, reason="Demo: zelfde misstand."
    )
    verified = actions.submit_signal(
        by=union_person,
        party=fnv,
        report=_report("Kinderarbeid bij toeleverancier", d, themes=["child-labour"]),
    )
    actions.change_state(by=union_person, signal=verified, to=State.IN_REVIEW, reason="Demo.")
    actions.link_issuer(by=union_person, signal=verified, issuer=d)
    actions.change_state(
        by=secretariat, signal=verified, to=State.VERIFIED, reason="Demo: bevestigd."
    )
    # A risk that has not (yet) materialised: verified and shared as a potential impact.
    potential = actions.submit_signal(
        by=ngo_person,
        party=oxfam,
        report=_report(
            "Wervingskosten bij toeleverancier van componenten",
            e,
            description=(
                "Fictief demoverslag: arbeidsmigranten bij een toeleverancier betalen hoge "
                "wervingskosten en hun paspoorten worden ingehouden; het bedrijf koopt er "
                "onderdelen. Niets hiervan is echt gebeurd."
            ),
            themes=["forced-labour"],
            impact="potential",
            country="MY",
            site="Fictief industrieterrein 3, Demostad",
            affected_groups=["workers"],
            affected_count=400,
        ),
    )
    _to_shared(potential, ngo_person, e, "covenant", secretariat, assessment=(3, 3, 3, 3))
    unfounded = actions.submit_signal(
        by=union_person, party=fnv, report=_report("Ontslag van stakers", d)
    )
    actions.change_state(by=union_person, signal=unfounded, to=State.IN_REVIEW, reason="Demo.")
    actions.change_state(
        by=secretariat,
        signal=unfounded,
        to=State.UNSUBSTANTIATED,
        reason="Demo: geen bevestiging gevonden.",
    )
    secret, _code = actions.submit_anonymous_signal(
        report=_report(
            "Landonteigening zonder instemming",
            None,
            themes=["land-rights"],
            visibility="secretariat",
            sharing="not_shared",
            affected_groups=["indigenous", "communities"],
            country="PE",
        ),
        language="es",
    )
    actions.assign_handler(by=secretariat, signal=secret, handler=secretariat)
    actions.change_state(by=secretariat, signal=secret, to=State.IN_REVIEW, reason="Demo.")
    received, _code = actions.submit_anonymous_signal(
        report=_report("Gedwongen overwerk op plantage", None, themes=["forced-labour"]),
        addressed_to=fnv,
        language="en",
    )
    actions.post_message(
        by=union_person,
        signal=received,
        text="Fictieve vraag: kunt u aangeven sinds wanneer dit speelt? (demo)",
    )
    signals = Signal.objects.unrestricted("loading the demo").count()
    return (
        f"Signals: {signals} fictional signals in every state and at every "
        f"level (as of {datetime.date.today():%Y-%m-%d})."
    )
