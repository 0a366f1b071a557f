"""What the risk app plugs into core: navigation, demo loader, audit verb names."""

from django.utils.translation import gettext_lazy as _

from convenant.core import access, navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader
from convenant.portfolios import events


def _load_demo_reference() -> str:
    from convenant.portfolios.models import Snapshot
    from convenant.risk.actions import library_folders, load_reference_dataset, score_snapshot

    loaded = [load_reference_dataset(folder) for folder in library_folders()]
    scored = sum(score_snapshot(pk) for pk in Snapshot.objects.values_list("pk", flat=True))
    return (
        "Reference data: "
        + "; ".join(f"{d} ({d.rows} rows)" for d in loaded)
        + f". Risks scored for every snapshot: {scored:,} results."
    )


def _score_after_import(snapshot_id: int) -> None:
    from convenant.risk.actions import score_snapshot

    score_snapshot(snapshot_id)


def _rescore_changed_issuers(issuer_ids: set[int]) -> None:
    from convenant.risk.actions import rescore_issuers

    rescore_issuers(issuer_ids)


def register() -> None:
    navigation.register_nav_item(
        navigation.NavItem(_("Reference data"), "dataset_list", lambda a: True, 60)
    )
    register_demo_loader("reference", _load_demo_reference, 40)
    navigation.register_nav_item(
        navigation.NavItem(
            _("Covenant risks"), "covenant_risks", access.can_see_covenant_aggregates, 55
        )
    )
    events.on_snapshot_imported(_score_after_import)
    events.on_issuers_changed(_rescore_changed_issuers)
    events.offer_snapshot_page(_("Prioritised risks"), "snapshot_risks")
    register_verbs(
        {
            "risk.load_reference": _("Reference dataset loaded"),
            "risk.score_snapshot": _("Risks computed"),
            "risk.judge_risk": _("Risk judged"),
            "risk.rescore_issuers": _("Risks of issuers recomputed"),
            "risk.record_finding": _("Company finding recorded"),
            "risk.withdraw_finding": _("Company finding withdrawn"),
        }
    )
