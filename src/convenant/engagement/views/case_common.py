"""What every page of a deep-track case shares: finding the case through the access policy,
the reader's standing in it (in the group or not, their rights) and the tabs of its steps.

Each area of the deep track has its own views module; they all start from ``case_for`` and
render with ``case_context``, so a page never shows a case the reader may not read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import access
from convenant.engagement import case_rules
from convenant.engagement.models import Case, in_group


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: str | Promise
    step: str = ""  # the step it belongs to, marked when the case stands there


# The case's pages, in the order of its work. A tab whose page does not exist is skipped.
TABS = (
    Tab("case_detail", _("Overview and plan")),
    Tab("case_assessment", _("A · Assessment"), "A"),
    Tab("case_leverage", _("B · Leverage"), "B"),
    Tab("case_remediation", _("C · Remediation"), "C"),
    Tab("case_monitoring", _("D · Monitoring"), "D"),
    Tab("case_communication", _("E · Communication"), "E"),
    Tab("case_lessons", _("Lessons and closure")),
    Tab("case_timeline", _("Timeline")),
    Tab("case_report", _("Report")),
)


def case_for(request: HttpRequest, reference: str) -> Case:
    """The case, if the reader may read it (404 otherwise: its existence is not told)."""
    case = (
        Case.objects.visible_to(request.user)
        .select_related("issuer", "body", "nomination")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


@dataclass(frozen=True)
class Standing:
    in_group: bool
    rights: frozenset[str]

    def may(self, right: str) -> bool:
        return right in self.rights


def standing_in(request: HttpRequest, case: Case) -> Standing:
    actor = access.actor_for(request.user)
    return Standing(in_group=in_group(actor, case), rights=case_rules.actor_rights(actor, case))


def case_context(request: HttpRequest, case: Case, tab: str, **extra: Any) -> dict[str, Any]:
    """The context every case page renders with: the case, the reader's standing, the tabs."""
    standing = standing_in(request, case)
    return {
        "case": case,
        "standing": standing,
        "tabs": TABS,
        "active_tab": tab,
        **extra,
    }
