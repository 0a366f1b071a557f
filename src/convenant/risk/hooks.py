"""What the risk app plugs into core: navigation, demo loader, audit verb names."""

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader


def _load_demo_reference() -> str:
    from convenant.risk.actions import library_folders, load_reference_dataset

    loaded = [load_reference_dataset(folder) for folder in library_folders()]
    return "Reference data: " + "; ".join(f"{d} ({d.rows} rows)" for d in loaded) + "."


def register() -> None:
    navigation.register_nav_item(
        navigation.NavItem(_("Reference data"), "dataset_list", lambda a: True, 60)
    )
    register_demo_loader("reference", _load_demo_reference, 40)
    register_verbs({"risk.load_reference": _("Reference dataset loaded")})
