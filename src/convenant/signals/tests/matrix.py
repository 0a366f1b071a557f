"""Permission-matrix rows for signals: a signal at every confidentiality level, one still in
triage, evidence files with and without redaction, a fund's alert, the API and the public
intake pages."""

from typing import Any

from convenant.core.testing import (
    CREATED,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
    other_funds_data,
    party_of,
)

# Who reads a signal shared at each level (the union reported and handles them all).
PUBLIC = everyone(OK)
COVENANT = members(OK, anonymous=HIDDEN, former=HIDDEN)
RESTRICTED = everyone(HIDDEN, union=OK, secretariat=OK, other_fund=OK)  # other fund is named
SECRETARIAT = everyone(HIDDEN, secretariat=OK)  # anonymous report, the secretariat handles it
IN_TRIAGE = everyone(HIDDEN, union=OK, secretariat=OK)
# Triage actions on a signal in triage: its handlers act, the rest may not know it exists.
HANDLERS_POST = everyone(HIDDEN, anonymous=LOGIN, union=REDIRECT, secretariat=REDIRECT)
HANDLERS_GET = everyone(HIDDEN, anonymous=LOGIN, union=OK, secretariat=OK)
API = {"anonymous": LOGIN}


def _attachment(signal: Any) -> Any:
    from django.core.files.base import ContentFile

    from convenant.signals.actions import storage
    from convenant.signals.models import SignalAttachment

    name = storage().save("signals/matrix.pdf", ContentFile(b"%PDF-1.4 test"))
    return SignalAttachment.objects.create(
        signal=signal,
        filename="verklaring.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        stored_name=name,
    )


def extend_world(world: World) -> None:
    from django.core.cache import cache

    from convenant.signals import actions
    from convenant.signals.models import SignalAlert, SignalIssuer
    from convenant.signals.tests.helpers import issuers, load_themes, report, shared_signal

    cache.clear()  # the intake's throttles count per process
    load_themes()
    for level in ("public", "covenant"):
        world.extra[f"sig_{level}"] = shared_signal(
            world, level=level, redactions={"description": 0, "attachments": 1}
        )
    world.extra["sig_restricted"] = shared_signal(
        world, level="restricted", named=[world.other_fund]
    )
    secret, _code = actions.submit_anonymous_signal(report=report(visibility="secretariat"))
    world.extra["sig_secretariat"] = secret
    _parent, child = issuers(world)
    triage = actions.submit_signal(by=world.users["union"], party=world.union, report=report())
    SignalIssuer.objects.get_or_create(
        signal=triage, issuer=child, defaults={"method": "handler", "confidence": 100}
    )
    world.extra["sig_triage"] = triage
    world.extra["child"] = child
    world.extra["file_members"] = _attachment(world.extra["sig_covenant"])
    world.extra["file_team"] = _attachment(world.extra["sig_restricted"])
    world.extra["alert"] = SignalAlert.objects.create(
        fund=world.fund, signal=world.extra["sig_restricted"], issuer=child, full=False
    )
    # Verified, not yet shared: what the share form acts on (four eyes: the secretariat
    # verifies what the union filed).
    verified = actions.submit_signal(by=world.users["union"], party=world.union, report=report())
    actions.change_state(by=world.users["union"], signal=verified, to="in_review", reason="Nagaan")
    actions.assess_signal(
        by=world.users["union"], signal=verified, scale=3, scope=2, irremediability=3, likelihood=4
    )
    actions.link_issuer(by=world.users["union"], signal=verified, issuer=child)
    actions.change_state(
        by=world.users["secretariat"], signal=verified, to="verified", reason="Twee bronnen"
    )
    world.extra["sig_verified"] = verified
    # The other fund's: an alert about a company it holds (its holdings are its own), and a
    # signal it filed that is still in triage (its handlers see it, nobody else yet).
    from convenant.core.testing import OTHER_FUND_MARKER
    from convenant.portfolios.models import Issuer

    held = Issuer.objects.filter(legal_name__startswith=OTHER_FUND_MARKER).first() or child
    SignalAlert.objects.create(
        fund=world.other_fund, signal=world.extra["sig_covenant"], issuer=held, full=True
    )
    actions.submit_signal(
        by=world.users["other_fund"],
        party=world.other_fund,
        report=report(title=f"{FILED_MARKER} in de haven", company_name=f"{FILED_MARKER} B.V."),
    )


def ref(key: str) -> Any:
    return lambda w: [w.extra[key].reference]


# A signal the other fund filed, still in triage: only it and the handlers may list it.
FILED_MARKER = "Kraanvogel"
TRIAGE_OUTSIDERS = ("anonymous", "fund_viewer", "fund_editor", "fund_admin", "former", "monitoring")


def filed_in_triage(world: World) -> list[str]:
    return [FILED_MARKER]


def share_form(world: World) -> dict[str, Any]:
    from convenant.signals.models import REDACTABLE, Tier

    return {
        "visibility": "covenant",
        "title": "Gedeeld na verificatie",
        "shared_summary": "Samenvatting",
        "reason": "Geverifieerd door twee bronnen",
        **{f"redact_{field}": Tier.TEAM.value for field in REDACTABLE},
    }


INTAKE_POST = {
    "title": "Test",
    "company_name": "Onbekend B.V.",
    "description": "Iets gebeurde.",
    "themes": ["forced-labour"],
    "impact": "actual",
    "visibility": "secretariat",
    "sharing": "not_shared",
}

ROWS = [
    Row(
        "signal_list",
        everyone(OK),
        absent=filed_in_triage,
        absent_for=TRIAGE_OUTSIDERS,
        present=lambda w: [w.extra["sig_public"].reference],
    ),
    Row(
        "signal_list",
        everyone(OK),
        query="state=shared&level=restricted",
        absent=filed_in_triage,
        absent_for=TRIAGE_OUTSIDERS,
    ),
    Row("signal_export", everyone(OK), absent=filed_in_triage, absent_for=TRIAGE_OUTSIDERS),
    Row("signal_create", members(OK, former=FORBIDDEN)),
    # Filing for one's own party.
    Row(
        "signal_create",
        members(REDIRECT, former=FORBIDDEN),
        method="post",
        data_for=lambda w, actor: {
            **INTAKE_POST,
            "party": party_of(w, actor).pk,
            "visibility": "covenant",
            "sharing": "as_reported",
        },
    ),
    # A fund's inbox: alerts about what it holds, never another fund's.
    Row(
        "signal_inbox",
        members(
            FORBIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK, other_fund=OK, secretariat=OK
        ),
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    Row(
        "signal_alert_read",
        members(HIDDEN, fund_viewer=REDIRECT, fund_editor=REDIRECT, fund_admin=REDIRECT),
        method="post",
        args=lambda w: [w.extra["alert"].pk],
    ),
    # Reading a signal: its level decides, once shared; in triage only its handlers.
    Row("signal_detail", PUBLIC, args=ref("sig_public")),
    Row("signal_detail", COVENANT, args=ref("sig_covenant")),
    Row("signal_detail", RESTRICTED, args=ref("sig_restricted")),
    Row("signal_detail", SECRETARIAT, args=ref("sig_secretariat")),
    Row("signal_detail", IN_TRIAGE, args=ref("sig_triage")),
    Row("signal_detail", everyone(HIDDEN), args=lambda w: ["SIG-1999-9999"], missing=True),
    # Evidence files: readers of the signal whom the redaction admits.
    Row(
        "signal_attachment",
        COVENANT,
        args=lambda w: [w.extra["sig_covenant"].reference, w.extra["file_members"].pk],
    ),
    Row(
        "signal_attachment",
        IN_TRIAGE,  # hidden from the named other fund: evidence stays with the handlers
        args=lambda w: [w.extra["sig_restricted"].reference, w.extra["file_team"].pk],
    ),
    Row(
        "signal_attachment",
        everyone(HIDDEN),  # a file of another signal, through this one
        args=lambda w: [w.extra["sig_public"].reference, w.extra["file_team"].pk],
        missing=True,  # no such file on this signal
    ),
    # Triage: handlers only; readers who may not handle get 403, the rest 404.
    Row(
        "signal_transition",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"state": "in_review", "reason": "Nagaan"},
    ),
    Row(
        "signal_transition",
        members(FORBIDDEN, former=HIDDEN, union=REDIRECT, secretariat=REDIRECT),
        method="post",
        args=ref("sig_covenant"),
        data=lambda w: {"state": "closed", "reason": "Afgerond"},
    ),
    Row(
        "signal_assign",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"handler": w.users["union"].pk},
    ),
    Row(
        "signal_assess",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"scale": 3, "scope": 2, "irremediability": 2, "likelihood": 3},
    ),
    Row(
        "signal_link",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"issuer": w.extra["child"].parent_id, "with_parent": ""},
    ),
    Row(
        "signal_unlink",
        HANDLERS_POST,
        method="post",
        args=lambda w: [w.extra["sig_triage"].reference, w.extra["child"].pk],
    ),
    Row(
        "signal_merge",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"into": w.extra["sig_covenant"].reference, "reason": "Dubbel"},
    ),
    Row(
        "signal_message",
        HANDLERS_POST,
        method="post",
        args=ref("sig_triage"),
        data=lambda w: {"text": "Een vraag"},
    ),
    Row("signal_share", HANDLERS_GET, args=ref("sig_triage")),
    Row(
        "signal_share",
        members(FORBIDDEN, former=HIDDEN, union=OK, secretariat=OK),
        args=ref("sig_covenant"),
    ),
    Row(
        "signal_share",
        HANDLERS_POST,
        method="post",
        args=ref("sig_verified"),
        data=share_form,
    ),
    # The API answers exactly like the pages.
    Row(
        "api:list_signals",
        members(OK, **API),
        absent=filed_in_triage,
        absent_for=TRIAGE_OUTSIDERS,
        present=filed_in_triage,
        present_for=("other_fund", "secretariat"),  # who filed it, and who handles it
    ),
    Row("api:get_signal", members(OK, **API), args=ref("sig_public")),
    Row("api:get_signal", {**COVENANT, **API}, args=ref("sig_covenant")),
    Row("api:get_signal", {**RESTRICTED, **API}, args=ref("sig_restricted")),
    Row("api:get_signal", {**SECRETARIAT, **API}, args=ref("sig_secretariat")),
    Row("api:get_signal", {**IN_TRIAGE, **API}, args=ref("sig_triage")),
    Row(
        "api:list_alerts",
        members(OK, **API),
        absent=other_funds_data,
        present=other_funds_data,
        present_for=("other_fund",),
    ),
    # Filing through the API: only for a party one belongs to (here the union).
    Row(
        "api:submit_signal",
        members(FORBIDDEN, union=CREATED, **API),
        method="post",
        data=lambda w: {
            "party": w.union.code,
            "title": "Via de API",
            "company_name": "Voorbeeld B.V.",
            "description": "Wat er gebeurde.",
            "themes": ["forced-labour"],
            "impact": "potential",
            "visibility": "covenant",
            "sharing": "as_reported",
        },
        as_json=True,
    ),
    # The public intake: open to everyone, signed in or not, and never a log-in.
    Row("signal_intake_start", everyone(REDIRECT)),
    Row("signal_intake", everyone(OK), args=lambda w: ["nl"]),
    Row("signal_intake", everyone(OK), args=lambda w: ["fr"]),
    Row("signal_intake", everyone(OK), args=lambda w: ["es"]),
    Row("signal_intake", everyone(HIDDEN), args=lambda w: ["de"], missing=True),
    Row(
        "signal_intake",
        everyone(OK),
        method="post",
        args=lambda w: ["en"],
        data=lambda w: INTAKE_POST,
    ),
    Row("signal_follow_up", everyone(OK), args=lambda w: ["en"]),
    Row(
        "signal_follow_up",
        everyone(HIDDEN),
        method="post",
        args=lambda w: ["es"],
        data=lambda w: {"code": "NOT-A-REAL-CODE"},
        missing=True,  # no such receipt code
    ),
]

__all__ = ["CREATED", "ROWS"]
