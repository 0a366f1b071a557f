"""The access policy: the one place that decides who may see and change what (DESIGN §5).

Every model with restricted data gets a queryset method ``visible_to(user)`` (and where
needed ``editable_by(user)``) built from the pieces below; views, the API and search use
those methods and nothing else. An object a person may not see answers 404, exactly like
one that does not exist (``get_visible_or_404``).

``core`` sits at the bottom of the app stack, so it cannot import the ``parties`` app that
knows about memberships. Instead ``parties`` registers a resolver that turns a user into an
:class:`Actor`: a small, immutable summary of that person's standing in the covenant (which
parties, which role in each, whether they belong to the secretariat or the monitoring
committee). The rules here are written against the Actor only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A person's role in one party. Higher roles include the lower ones."""

    ADMINISTRATOR = "administrator", _("Administrator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")

    @property
    def rank(self) -> int:
        return {"viewer": 1, "editor": 2, "administrator": 3}[self.value]


class Visibility(models.TextChoices):
    """Confidentiality levels, from open to closed (DESIGN §5)."""

    PUBLIC = "public", _("Public")
    COVENANT = "covenant", _("Covenant (all parties)")
    RESTRICTED = "restricted", _("Restricted (named parties and the secretariat)")
    PARTY = "party", _("Own party (and the secretariat)")
    SECRETARIAT = "secretariat", _("Secretariat only")


@dataclass(frozen=True)
class Actor:
    """Who is asking: resolved once per request from the database, never from the client."""

    user_id: int | None = None
    # Active parties only: a party that left (or has not joined yet) grants nothing.
    roles: Mapping[int, Role] = field(default_factory=dict)
    constituency_ids: frozenset[int] = frozenset()
    is_secretariat: bool = False
    is_monitoring_committee: bool = False
    # Parties the person still belongs to but which are no longer in the covenant.
    former_party_ids: frozenset[int] = frozenset()
    # The active parties among the person's that invest (pension funds): they hold portfolios.
    fund_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_covenant_member(self) -> bool:
        """Belongs to at least one party that is in the covenant today."""
        return bool(self.roles)

    @property
    def party_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    def party_ids_with(self, minimum: Role) -> frozenset[int]:
        return frozenset(pid for pid, role in self.roles.items() if role.rank >= minimum.rank)

    def has_role(self, party_id: int | None, minimum: Role = Role.VIEWER) -> bool:
        role = self.roles.get(party_id) if party_id is not None else None
        return role is not None and role.rank >= minimum.rank


ANONYMOUS = Actor()

ActorResolver = Callable[[Any], Actor]
_resolver: ActorResolver | None = None
_CACHE_ATTRIBUTE = "_convenant_actor"


def register_actor_resolver(resolver: ActorResolver) -> None:
    """Called once by the app that owns memberships (parties) in its AppConfig.ready()."""
    global _resolver
    _resolver = resolver


def actor_for(user: Any, *, fresh: bool = False) -> Actor:
    """The Actor for a user object (or AnonymousUser/None). Cached on the user object, which
    lives for one request; actions pass ``fresh=True`` to decide on the current state."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if not fresh:
        cached = getattr(user, _CACHE_ATTRIBUTE, None)
        if cached is not None:
            return cached
    if _resolver is None:  # pragma: no cover - configuration error
        raise RuntimeError("No actor resolver registered; is convenant.parties installed?")
    actor = _resolver(user)
    setattr(user, _CACHE_ATTRIBUTE, actor)
    return actor


# --- Building blocks for visible_to() --------------------------------------------------


def nothing() -> Q:
    """A filter that matches no row."""
    return Q(pk__in=[])


def everything() -> Q:
    return Q()


def member_of_q(actor: Actor, party_field: str, minimum: Role = Role.VIEWER) -> Q:
    """Rows owned by one of the actor's (active) parties, where the actor has ``minimum``."""
    ids = actor.party_ids_with(minimum)
    return Q(**{f"{party_field}__in": ids}) if ids else nothing()


def level_q(
    actor: Actor,
    *,
    level_field: str = "visibility",
    owner_field: str | None = None,
    shared_with_field: str | None = None,
) -> Q:
    """Rows whose confidentiality level lets the actor read them.

    public → everyone; covenant → members of any active party; restricted → the named parties
    (``shared_with_field``), the owner and the secretariat; party → the owner and the
    secretariat; secretariat → the secretariat only. The owner always sees its own rows.
    """
    if actor.is_secretariat:
        return everything()
    q = Q(**{level_field: Visibility.PUBLIC})
    if not actor.is_covenant_member:
        return q
    q |= Q(**{level_field: Visibility.COVENANT})
    if owner_field:
        q |= member_of_q(actor, owner_field)
    if shared_with_field:
        q |= Q(**{level_field: Visibility.RESTRICTED}) & member_of_q(actor, shared_with_field)
    return q


# --- Lookups for views and the API ------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def visible(model: type[M], user: Any) -> models.QuerySet[M]:
    """``model.objects.visible_to(user)``, insisting that the model has the method."""
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise TypeError(f"{model.__name__} has no visible_to(); add it before exposing it.")
    return manager.visible_to(user)


def get_visible_or_404(model_or_qs: type[M] | models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """The object if the user may see it; otherwise 404, the same answer as for a missing one."""
    qs: Any = (
        model_or_qs.visible_to(user)  # type: ignore[attr-defined]
        if isinstance(model_or_qs, models.QuerySet)
        else visible(model_or_qs, user)
    )
    try:
        return qs.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(allowed: bool) -> None:
    """403 when a person may see an object but not perform the action on it."""
    if not allowed:
        raise PermissionDenied


# --- Rules that are not a filter --------------------------------------------------------


def can_administer_covenant(actor: Actor) -> bool:
    """Create and edit parties, record joining and leaving, see the audit log."""
    return actor.is_secretariat


def can_manage_members(actor: Actor, party_id: int) -> bool:
    """Invite people to a party, change their roles, remove them."""
    return actor.is_secretariat or actor.has_role(party_id, Role.ADMINISTRATOR)


def can_see_covenant_aggregates(actor: Actor) -> bool:
    """Covenant-wide totals across funds (how many funds hold a company, their combined
    stake), never one fund's own figures: the secretariat."""
    return actor.is_secretariat


def can_see_joint_leverage(actor: Actor, fund_id: int) -> bool:
    """Beside a fund's own risks: how many funds hold a company and their combined stake, as
    the covenant's leverage — for the fund's own people (and the secretariat), and only where
    enough *other* funds hold it that no one fund's position can be read (the caller applies
    AGGREGATE_MIN_FUNDS to the other funds)."""
    return actor.is_secretariat or fund_id in actor.fund_ids


def can_see_members(actor: Actor, party_id: int) -> bool:
    """Names and e-mail addresses of a party's people are personal data: the party's own
    members and the secretariat see them, nobody else."""
    return actor.is_secretariat or actor.has_role(party_id, Role.VIEWER)


def can_manage_job(actor: Actor, *, created_by_id: int | None, party_id: int | None) -> bool:
    """Cancel a queued job or try a failed one again: the person who asked, an editor of the
    party it concerns, or — for work that concerns no party (e-mails) — the secretariat."""
    if not actor.is_authenticated:
        return False
    if created_by_id is not None and created_by_id == actor.user_id:
        return True
    if party_id is not None:
        return actor.has_role(party_id, Role.EDITOR)
    return actor.is_secretariat
