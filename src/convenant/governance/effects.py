"""What an adopted decision does in the rest of the system (DESIGN §4): a registry of effect
types. The app a decision concerns registers how to apply it, through one of its own
actions: governance itself admits and expels parties (parties is below it); toolkit,
engagement and reporting register theirs when they exist. A decision whose type nobody has
registered yet is kept with its effect *pending*, and applied later (an action) once the app
registers.

``apply(decision, by)`` carries the effect out and returns what it made or changed, as
"app.model:pk" (the decision links to it, and the object's page back to the decision); it
raises ActionError when it cannot. ``describe(params)`` says in words what the decision will
do; ``check(params)``, if given, refuses parameters it could not apply when the proposal is
written; ``link(effect_object)`` gives the page of what was changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class EffectType:
    kind: str
    label: str | Promise
    apply: Callable[[Any, Any], str]
    describe: Callable[[dict[str, Any]], str]
    check: Callable[[dict[str, Any]], None] | None = None
    link: Callable[[str], str | None] | None = None


_effects: dict[str, EffectType] = {}

# The proposal types that change something elsewhere, each by the effect type of its name.
# Recommendations and other proposals are decisions in words only.
EFFECT_KINDS = (
    "admit_party",
    "expel_party",
    "adopt_toolkit_version",
    "select_cases",
    "approve_report",
    "approve_summary",
)


def register_effect(
    kind: str,
    *,
    label: str | Promise,
    apply: Callable[[Any, Any], str],
    describe: Callable[[dict[str, Any]], str],
    check: Callable[[dict[str, Any]], None] | None = None,
    link: Callable[[str], str | None] | None = None,
) -> None:
    """Called by an app in ``AppConfig.ready()``."""
    _effects[kind] = EffectType(kind, label, apply, describe, check, link)


def unregister_effect(kind: str) -> None:
    """For tests that show a decision waiting for its app."""
    _effects.pop(kind, None)


def effect_for(kind: str) -> EffectType | None:
    return _effects.get(kind)


def effect_type_of(proposal_kind: str) -> str:
    """The effect type a proposal of this kind has when adopted ("" for none)."""
    return proposal_kind if proposal_kind in EFFECT_KINDS else ""


def describe(kind: str, params: dict[str, Any]) -> str:
    effect = _effects.get(kind)
    if effect is None:
        return ""
    try:
        return effect.describe(params)
    except (KeyError, TypeError, ValueError):
        return ""


def link(kind: str, effect_object: str) -> str | None:
    effect = _effects.get(kind)
    if effect is None or effect.link is None or not effect_object:
        return None
    return effect.link(effect_object)


# --- Links back: from what a decision changed to the decision ------------------------------


def object_ref(model_label: str, pk: Any) -> str:
    """How a decision names what it changed: "parties.party:12"."""
    return f"{model_label}:{pk}"


# --- Governance's own effects: admitting and expelling a party (parties is below it) -------


def _constituency(covenant: Any, code: str) -> Any:
    from convenant.parties.models import Constituency

    if not code:
        return None
    found = Constituency.objects.filter(covenant=covenant, code=code).first()
    if found is None:
        from convenant.core.errors import ActionError

        raise ActionError(_("No constituency with the code %(code)s.") % {"code": code})
    return found


def _check_admit(params: dict[str, Any]) -> None:
    from convenant.core.errors import ActionError
    from convenant.parties.models import Party

    if not str(params.get("name", "")).strip() or not str(params.get("code", "")).strip():
        raise ActionError(_("Name the party to admit and give it a code."), field="party_name")
    if params.get("type") not in Party.Type.values:
        raise ActionError(_("Choose the type of the party to admit."), field="party_type")
    if Party.objects.filter(code=str(params["code"]).strip().upper()).exists():
        raise ActionError(_("Another party already uses this code."), field="party_code")


def _apply_admit(decision: Any, by: Any) -> str:
    from convenant.parties import actions as parties

    params = decision.effect_params
    covenant = decision.body.covenant
    joined = params.get("joined_on")
    party = parties.admit_party(
        by=by,
        decision=object_ref("governance.decision", decision.number),
        covenant=covenant,
        name=params["name"],
        code=params["code"],
        type=params["type"],
        constituency=_constituency(covenant, params.get("constituency", "")),
        joined_on=datetime.date.fromisoformat(joined) if joined else decision.decided_on,
        website=params.get("website", ""),
    )
    return object_ref("parties.party", party.pk)


def _describe_admit(params: dict[str, Any]) -> str:
    return _("Admit %(name)s (%(code)s) to the covenant") % {
        "name": params["name"],
        "code": str(params["code"]).upper(),
    }


def _party_of(params: dict[str, Any]) -> Any:
    from convenant.parties.models import Party

    party_id = params.get("party_id")
    if not isinstance(party_id, int):
        return None
    return Party.objects.filter(pk=party_id).first()


def _check_expel(params: dict[str, Any]) -> None:
    from convenant.core.errors import ActionError

    party = _party_of(params)
    if party is None or not party.is_active():
        raise ActionError(_("Choose a party that is in the covenant."), field="party")


def _apply_expel(decision: Any, by: Any) -> str:
    from convenant.core.errors import ActionError
    from convenant.parties import actions as parties

    party = _party_of(decision.effect_params)
    if party is None:
        raise ActionError(_("The party to expel no longer exists."))
    parties.expel_party(
        by=by,
        decision=object_ref("governance.decision", decision.number),
        party=party,
        left_on=decision.decided_on,
        reason=decision.effect_params.get("reason", "") or decision.title,
    )
    return object_ref("parties.party", party.pk)


def _describe_expel(params: dict[str, Any]) -> str:
    party = _party_of(params)
    return _("Expel %(party)s from the covenant") % {"party": party.name if party else "?"}


def _party_link(effect_object: str) -> str | None:
    from convenant.parties.models import Party

    label, _sep, pk = effect_object.partition(":")
    if label != "parties.party" or not pk.isdigit():
        return None
    party = Party.objects.filter(pk=int(pk)).first()
    return party.get_absolute_url() if party else None


def register_own() -> None:
    register_effect(
        "admit_party",
        label=gettext_lazy("Admit a party"),
        apply=_apply_admit,
        describe=_describe_admit,
        check=_check_admit,
        link=_party_link,
    )
    register_effect(
        "expel_party",
        label=gettext_lazy("Expel a party"),
        apply=_apply_expel,
        describe=_describe_expel,
        check=_check_expel,
        link=_party_link,
    )
