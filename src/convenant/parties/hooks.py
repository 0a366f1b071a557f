"""What the parties app plugs into core: the actor resolver (memberships → Actor), navigation,
dashboard panels and search targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.core import access, navigation, search
from convenant.core.access import Actor, Role
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader
from convenant.core.mail import register_email_purpose
from convenant.core.models import User
from convenant.parties.models import Constituency, Invitation, Membership, Party

# Callbacks run once a party that joins the covenant is committed (created by the
# secretariat or admitted by a decision): higher apps (reporting) give it what joiners get.
_on_party_joined: list[Callable[[Party], Any]] = []


def register_on_party_joined(callback: Callable[[Party], Any]) -> None:
    if callback not in _on_party_joined:
        _on_party_joined.append(callback)


def party_joined(party: Party) -> None:
    """Call inside the action's transaction: the callbacks run after it commits."""
    from django.db import transaction

    for callback in _on_party_joined:
        transaction.on_commit(lambda callback=callback: callback(party), robust=True)  # type: ignore[misc]


def resolve_actor(user: Any) -> Actor:
    """One query: the person's memberships with the facts the policy needs about each party."""
    today = timezone.localdate()
    roles: dict[int, Role] = {}
    constituencies: set[int] = set()
    former: set[int] = set()
    funds: set[int] = set()
    secretariat = monitoring = False
    # The access policy's own input: a person's memberships, read before any scope exists.
    memberships = Membership.objects.unrestricted("resolving a person's standing")
    rows = memberships.filter(user_id=user.pk).values_list(
        "party_id",
        "role",
        "party__type",
        "party__constituency_id",
        "party__joined_on",
        "party__left_on",
    )
    for party_id, role, party_type, constituency_id, joined_on, left_on in rows:
        if joined_on > today or (left_on is not None and left_on <= today):
            former.add(party_id)
            continue
        roles[party_id] = Role(role)
        if constituency_id is not None:
            constituencies.add(constituency_id)
        if party_type == Party.Type.PENSION_FUND:
            funds.add(party_id)
        secretariat |= party_type == Party.Type.SECRETARIAT
        monitoring |= party_type == Party.Type.MONITORING_COMMITTEE
    return Actor(
        user_id=user.pk,
        roles=roles,
        constituency_ids=frozenset(constituencies),
        is_secretariat=secretariat,
        is_monitoring_committee=monitoring,
        former_party_ids=frozenset(former),
        fund_ids=frozenset(funds),
    )


def _my_parties_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    if not actor.is_authenticated:
        return None
    parties = (
        Party.objects.filter(pk__in=actor.party_ids)
        .select_related("constituency")
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related("tracks")
    )
    pending = Invitation.objects.visible_to(request.user).pending()
    former = Party.objects.filter(pk__in=actor.former_party_ids)
    return {
        "parties": [(p, actor.roles[p.pk]) for p in parties],
        "pending_invitations": pending.filter(party_id__in=actor.party_ids).count(),
        "former_parties": former,
    }


def _covenant_panel(request: HttpRequest, actor: Actor) -> dict[str, Any] | None:
    """Covenant-wide figures, public facts about who signed (no party's own data is in
    them); the secretariat also sees the state of people and invitations."""
    active = Party.objects.active()
    funds = active.funds()
    by_constituency = Constituency.objects.filter(parties__in=active).annotate(
        n=Count("parties", distinct=True)
    )
    figures = {
        "active_parties": active.count(),
        "funds": funds.count(),
        "assets": funds.aggregate(total=Sum("invested_assets_eur"))["total"] or 0,
        "deep_track_funds": funds.filter(tracks__code="deep").count(),
        "by_constituency": list(by_constituency),
        "former_parties": Party.objects.filter(left_on__lte=timezone.localdate()).count(),
    }
    if access.can_administer_covenant(actor):
        invitations = Invitation.objects.visible_to(request.user)
        figures["people"] = User.objects.visible_to(request.user).filter(is_active=True).count()
        figures["pending_invitations"] = invitations.pending().count()
        figures["expired_invitations"] = (
            invitations.open().filter(expires_at__lte=timezone.now()).count()
        )
        figures["parties_without_people"] = (
            active.annotate(n=Count("memberships")).filter(n=0).count()
        )
    return figures


def register() -> None:
    from convenant.parties import demo

    access.register_actor_resolver(resolve_actor)
    register_email_purpose("parties.invitation", _("Invitation"))
    register_demo_loader("parties", demo.load_and_describe, 10)
    register_verbs(
        {
            "parties.create_party": _("Party added"),
            "parties.update_party": _("Party details changed"),
            "parties.record_departure": _("Departure recorded"),
            "parties.admit_party": _("Party admitted by a decision"),
            "parties.expel_party": _("Party expelled by a decision"),
            "parties.invite_person": _("Person invited"),
            "parties.accept_invitation": _("Invitation accepted"),
            "parties.revoke_invitation": _("Invitation withdrawn"),
            "parties.renew_invitation": _("Invitation renewed"),
            "parties.change_role": _("Role changed"),
            "parties.remove_member": _("Person removed from party"),
            "parties.load_demo": _("Demo covenant loaded"),
            "parties.bootstrap": _("Installation set up"),
        }
    )
    navigation.register_nav_item(navigation.NavItem(_("Parties"), "party_list", lambda a: True, 20))
    navigation.register_nav_item(
        navigation.NavItem(
            _("Invitations"),
            "invitation_list",
            lambda a: a.is_secretariat or bool(a.party_ids_with(Role.ADMINISTRATOR)),
            30,
        )
    )
    navigation.register_dashboard_panel(
        "my_parties",
        navigation.DashboardPanel("parties/panels/my_parties.html", _my_parties_panel, 10),
    )
    navigation.register_dashboard_panel(
        "covenant", navigation.DashboardPanel("parties/panels/covenant.html", _covenant_panel, 20)
    )
    search.register_search(
        "parties",
        search.SearchTarget(
            model=Party,
            label=_("Parties"),
            title_fields=("name", "short_name", "code"),
            text_fields=("description",),
            describe=lambda p: p.get_type_display(),
        ),
    )
    search.register_search(
        "people",
        search.SearchTarget(
            model=User,
            label=_("People"),
            title_fields=("full_name", "email"),
            describe=lambda u: u.email,
        ),
    )
