"""What toolkit's texts area adds to the rest of the product: the governance effect
``adopt_toolkit_version`` (the steering group's adopted decision on a release adopts its
versions), the audit verbs, "Toolkit" in the navigation (public) and the demo's toolkit."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs


def _release_link(effect_object: str) -> str | None:
    """An adopted release's decision links to the release's page."""
    from convenant.toolkit.models import Release

    label, _sep, pk = effect_object.partition(":")
    if label != "toolkit.release" or not pk.isdigit():
        return None
    release = Release.objects.visible_to(None).filter(pk=int(pk)).first()
    if release is None:
        return None
    try:
        return reverse("toolkit_release", args=[release.label])
    except NoReverseMatch:  # pragma: no cover - the release page always exists
        return None


def _check(params: dict[str, Any]) -> None:
    """Refuse, when the proposal is written, an adoption that could not be applied."""
    from convenant.toolkit.actions import texts

    texts.check_adoption(params)


def register() -> None:
    from convenant.core.demo import register_demo_loader
    from convenant.governance.effects import register_effect
    from convenant.toolkit import demo_texts
    from convenant.toolkit.actions import texts

    register_effect(
        "adopt_toolkit_version",
        label=_("Adopt a toolkit version"),
        apply=texts.apply_adoption,
        describe=texts.describe_adoption,
        check=_check,
        link=_release_link,
    )
    register_verbs(
        {
            "toolkit.create_text": _("Model text written"),
            "toolkit.update_draft": _("Draft of a model text edited"),
            "toolkit.new_version": _("New version of a model text drafted"),
            "toolkit.open_consultation": _("Model text put to consultation"),
            "toolkit.back_to_draft": _("Model text taken back from consultation"),
            "toolkit.add_comment": _("Comment on a model text"),
            "toolkit.create_release": _("Toolkit release started"),
            "toolkit.add_to_release": _("Version added to a toolkit release"),
            "toolkit.propose_release": _("Toolkit release proposed to the steering group"),
            "toolkit.adopt_release": _("Toolkit release adopted"),
        }
    )
    navigation.register_nav_item(
        navigation.NavItem(_("Toolkit"), "toolkit_index", lambda a: True, 64)
    )
    register_demo_loader("toolkit_texts", demo_texts.load_and_describe, 24)
