"""What the risk app plugs into core: navigation, demo loader, audit verb names."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from convenant.core import access, navigation
from convenant.core.access import Actor
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.demo import register_demo_loader
from convenant.portfolios import events
from convenant.risk import jobs as risk_jobs


def _load_demo_reference() -> str:
    from convenant.portfolios.models import Snapshot
    from convenant.risk.actions import library_folders, load_reference_dataset, score_snapshot

    loaded = [load_reference_dataset(folder) for folder in library_folders()]
    # Conduct data first: a violation is company evidence that scoring takes in.
    conduct = _load_demo_conduct()
    scored = sum(
        score_snapshot(pk)
        for pk in Snapshot.objects.unrestricted("loading the demo").values_list("pk", flat=True)
    )
    return (
        "Reference data: "
        + "; ".join(f"{d} ({d.rows} rows)" for d in loaded)
        + f". Risks scored for every snapshot: {scored:,} results."
        + f" Conduct data (SFDR PAI 10 and 11) from a fictional provider: {conduct:,} companies."
    )


DEMO_CONDUCT_SOURCE = "Voorbeeld ESG-data (fictief)"
# The violations the fictional provider reports, each about one held company of an industry
# (GICS code prefixes) where such a case is typical, with the themes it concerns and a note.
DEMO_VIOLATIONS = (
    (("151040", "101020"), "land-rights;human-rights-defenders", "fictional: land conflict"),
    (("302020", "301010"), "deforestation-biodiversity;land-rights", "fictional: plantations"),
    (("252030", "2550"), "living-wage;freedom-of-association", "fictional: supplier factories"),
    (("201030", "2010"), "forced-labour;health-and-safety", "fictional: migrant workers"),
)


def _load_demo_conduct() -> int:
    """A fictional conduct data provider's file about the held companies, loaded through the
    same action as a real one: a handful involved in violations (naming the themes), the rest
    not, some without compliance processes."""
    import random
    import tempfile
    from pathlib import Path

    from convenant.core.models import User
    from convenant.portfolios.models import Position
    from convenant.risk.actions import load_conduct_records

    secretariat = (
        User.objects.unrestricted("loading the demo")
        .filter(email="secretariaat@demo.convenant.example")
        .first()
    )
    if secretariat is None:
        return 0
    chooser = random.Random(10_11)  # noqa: S311 - fictional demo data, not security
    held = [
        (lei or "", code)
        for lei, code in Position.objects.unrestricted("loading the demo")
        .filter(status=Position.Status.MATCHED, issuer__lei__isnull=False)
        .values_list("issuer__lei", "issuer__sector_code")
        .distinct()
        .order_by("issuer__lei")
    ]
    violations: dict[str, tuple[str, str]] = {}
    for prefixes, themes, note in DEMO_VIOLATIONS:
        for prefix in prefixes:  # the most typical industry first
            fitting = [lei for lei, code in held if (code or "").startswith(prefix)]
            fitting = [lei for lei in fitting if lei not in violations]
            if fitting:
                violations[chooser.choice(fitting)] = (themes, note)
                break
    lines = ["identifier,violation,monitoring,as_of,themes,note"]
    for lei, _code in held:
        if lei in violations:
            themes, note = violations[lei]
            lines.append(f"{lei},yes,yes,2024-12-31,{themes},{note}")
            continue
        if chooser.random() < 0.15:
            continue  # not covered by the provider
        monitoring = "no" if chooser.random() < 0.2 else "yes"
        lines.append(f"{lei},no,{monitoring},2024-12-31,,fictional")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "conduct.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return load_conduct_records(path=path, source=DEMO_CONDUCT_SOURCE, by=secretariat)


def _fund_risks_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """For a fund's people: the latest holdings of each of their funds, with the number of
    very high and high risks and the positions that wait for review. Through visible_to."""
    from convenant.portfolios.models import Position, Snapshot
    from convenant.risk.models import RiskResult

    if not actor.fund_ids:
        return None
    latest = list(
        Snapshot.objects.visible_to(request.user)
        .filter(fund_id__in=actor.fund_ids)
        .latest_per_fund()
        .select_related("fund")
        .order_by("fund__name")
    )
    counts: dict[tuple[int, str], int] = {
        (snapshot_id, priority): n
        for snapshot_id, priority, n in RiskResult.objects.visible_to(request.user)
        .filter(snapshot__in=latest, priority__in=["very-high", "high"])
        .order_by()
        .values_list("snapshot_id", "priority")
        .annotate(n=Count("pk"))
    }
    review = dict(
        Position.objects.visible_to(request.user)
        .filter(snapshot__in=latest, status=Position.Status.REVIEW)
        .order_by()
        .values_list("snapshot_id")
        .annotate(n=Count("row"))
    )
    funds = [
        {
            "snapshot": snapshot,
            "very_high": counts.get((snapshot.pk, "very-high"), 0),
            "high": counts.get((snapshot.pk, "high"), 0),
            "review": review.get(snapshot.pk, 0),
        }
        for snapshot in latest
    ]
    return {"funds": funds}


def _load_demo_covenant_risks() -> str:
    """The covenant risks from every fund's latest scored holdings, after the demo's imports,
    signals and conduct data changed them: the same rebuild an operator runs for repair."""
    from convenant.risk.actions import refresh_covenant_risks

    rows = refresh_covenant_risks()
    return f"Covenant risks rebuilt from every fund's latest holdings: {rows:,} rows."


def register() -> None:
    navigation.register_nav_item(
        navigation.NavItem(_("Reference data"), "dataset_list", lambda a: True, 60)
    )
    register_demo_loader("reference", _load_demo_reference, 40)
    # Last: after the holdings, their scoring, the signals' findings and conduct data.
    register_demo_loader("covenant risks", _load_demo_covenant_risks, 90)
    navigation.register_nav_item(
        navigation.NavItem(
            _("Covenant risks"), "covenant_risks", access.can_see_covenant_aggregates, 55
        )
    )
    navigation.register_dashboard_panel(
        "fund_risks",
        navigation.DashboardPanel("risk/panels/fund_risks.html", _fund_risks_panel, 15),
    )
    from convenant.core.panels import register_issuer_panel
    from convenant.risk.panels import PANEL as issuer_risks_panel

    register_issuer_panel(issuer_risks_panel)
    risk_jobs.register()
    events.on_snapshot_imported(risk_jobs.queue_scoring)
    events.on_snapshot_imported(risk_jobs.queue_covenant_refresh_after_import)
    events.on_issuers_changed(risk_jobs.queue_rescoring)
    events.offer_snapshot_page(_("Prioritised risks"), "snapshot_risks")
    events.offer_snapshot_page(_("SFDR indicators 10 and 11"), "snapshot_sfdr")
    register_verbs(
        {
            "risk.load_reference": _("Reference dataset loaded"),
            "risk.score_snapshot": _("Risks computed"),
            "risk.judge_risk": _("Risk judged"),
            "risk.rescore_issuers": _("Risks of issuers recomputed"),
            "risk.load_conduct": _("Conduct data loaded"),
            "risk.record_finding": _("Company finding recorded"),
            "risk.withdraw_finding": _("Company finding withdrawn"),
            "risk.refresh_covenant": _("Covenant risks brought up to date"),
        }
    )
    # A fund's risk results and its judgements of them are its own (DESIGN §5). Recomputing
    # issuers follows a fund's match decisions too: the issuers it names would tell which
    # companies a fund just confirmed. It names no party, so nobody reads its content.
    register_confidential_verbs({"risk.score_snapshot", "risk.judge_risk", "risk.rescore_issuers"})
