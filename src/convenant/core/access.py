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

import functools
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar, cast

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
    """The confidentiality levels, from open to closed (DESIGN §5): the one definition."""

    PUBLIC = "public", _("Public")
    COVENANT = "covenant", _("Covenant (all parties)")
    RESTRICTED = "restricted", _("Restricted (named parties and the secretariat)")
    SECRETARIAT = "secretariat", _("Secretariat only")

    @property
    def rank(self) -> int:
        """0 public … 3 secretariat only: a higher rank is more closed."""
        return list(Visibility).index(self)


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
    # What apps above parties add (governance: the bodies a person sits in), read on first
    # use only, so a page that never asks costs no query.
    _extended: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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

    def extended(self, name: str, default: Any) -> Any:
        if self.user_id is None:
            return default
        if not self._extended:
            for extension in _extensions.values():
                self._extended.update(extension(self))
            self._extended.setdefault("", True)  # asked once, even when nothing was added
        return self._extended.get(name, default)

    @property
    def body_ids(self) -> frozenset[int]:
        """Governance bodies the person sits in today (a seat held or deputised, a
        membership)."""
        return cast(frozenset[int], self.extended("body_ids", frozenset()))

    @property
    def is_steering_group(self) -> bool:
        return bool(self.extended("is_steering_group", False))


ANONYMOUS = Actor()

ActorResolver = Callable[[Any], Actor]
_resolver: ActorResolver | None = None
_CACHE_ATTRIBUTE = "_convenant_actor"


def register_actor_resolver(resolver: ActorResolver) -> None:
    """Called once by the app that owns memberships (parties) in its AppConfig.ready()."""
    global _resolver
    _resolver = resolver


# Apps above parties that add to a person's standing (governance: the bodies they sit in)
# register an extension: given the actor, the facts it adds (read on first use).
ActorExtension = Callable[[Actor], Mapping[str, Any]]
_extensions: dict[str, ActorExtension] = {}


def register_actor_extension(name: str, extension: ActorExtension) -> None:
    _extensions[name] = extension


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


def member_of_q(actor: Actor, party_field: str, minimum: Role = Role.VIEWER) -> Q:
    """Rows owned by one of the actor's (active) parties, where the actor has ``minimum``."""
    ids = actor.party_ids_with(minimum)
    return Q(**{f"{party_field}__in": ids}) if ids else nothing()


# --- Enforcement: a restricted model's manager refuses to read without a scope -----------
#
# Every restricted model's default manager hands out a RestrictedQuerySet. Building a chain is
# free; *evaluating* it (rows, get, first, count, exists, aggregate, iterator, update, delete,
# in_bulk …) raises AccessNotScoped unless the chain passed through a scoping method
# (visible_to(user) and its narrower siblings) or through unrestricted(reason), which only
# actions, jobs, tasks, commands and the demo call (tests/test_access_enforced.py checks that
# statically). Writes that read nothing (create, bulk_create, save) stay allowed: who may
# write is the action's decision, made before it writes. See docs/adr/0006.

M = TypeVar("M", bound=models.Model)

# Always on; a test may switch it off to show what it guards against.
ENFORCE = True

# The scoping methods: each narrows a chain to what one person may see (or less).
SCOPING_METHODS = ("visible_to", "editable_by", "aggregatable_by", "handled_by")

_VISIBLE = "visible_to"
# Rows reached through a relation of an object that was itself read in scope
# (``signal.messages.all()``, prefetch_related): they follow that object.
_RELATED = "related"

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
_THIS_FILE = str(Path(__file__).resolve())


class AccessNotScoped(RuntimeError):
    """A restricted queryset was evaluated without visible_to(user) or unrestricted(reason):
    a programming error (a forgotten filter), never an answer for a person."""


def _is_test_code(filename: str) -> bool:
    parts = Path(filename).parts
    return "tests" in parts or parts[-1] in {"conftest.py", "testing.py"}


# Django's own code that must find a row before anyone is known, or only learns whether one
# exists: sign-in, sessions and password reset (a person by e-mail address, session or reset
# link), and uniqueness checks while validating a form.
_DJANGO_AUTH = str(Path(models.__file__).resolve().parent.parent.parent / "contrib" / "auth")
_DJANGO_VALIDATION = {"_perform_unique_checks", "validate_unique", "validate_constraints"}


def _trusted_caller() -> bool:
    """Whether the code that evaluates an unscoped chain may: tests (which read the database
    freely to set up and assert, while the code they exercise may not), the Django code
    above, and scripts outside convenant. The first frame in convenant's own code (outside
    this module) decides."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_PACKAGE_ROOT) and filename != _THIS_FILE:
            return _is_test_code(filename)
        if filename.startswith(_DJANGO_AUTH) or frame.f_code.co_name in _DJANGO_VALIDATION:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    # No frame of convenant's code at all: a script outside the product (a benchmark setting
    # up its data). Pages, the API, tasks and commands always run through convenant's code
    # (its middleware, manage.py, the task) and are checked.
    return True


class RestrictedQuerySet(models.QuerySet[M]):
    """A queryset that must be scoped before it is evaluated (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # None: not scoped; otherwise "visible_to", "related" or unrestricted()'s reason.
        self._access_scope: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each scoping method a subclass defines marks the chain it returns as scoped."""
        super().__init_subclass__(**kwargs)
        for name in SCOPING_METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "_scopes_access", False):
                setattr(cls, name, _scoping(method))

    def unrestricted(self, reason: str) -> Self:
        """Every row, for code that decides access itself: actions (after checking the
        actor), jobs, tasks, commands and the demo. ``reason`` says why, in a few words."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("unrestricted() needs a reason: why may this code read every row?")
        return self._with_scope(reason.strip())

    @property
    def access_scope(self) -> str | None:
        return self._access_scope

    def _with_scope(self, scope: str) -> Any:
        clone = cast(Any, self)._chain()
        clone._access_scope = scope
        return clone

    def _add_hints(self, **hints: Any) -> None:
        """A related manager (``party.memberships``, also behind prefetch_related) is built
        on the default manager's class and hints the object it hangs from. Its rows follow
        that object, which was itself read in scope (``_base_manager``, used by forward
        foreign keys and the deletion collector, is Django's plain manager)."""
        cast(Any, super())._add_hints(**hints)
        if hints.get("instance") is not None and self._access_scope is None:
            self._access_scope = _RELATED

    def _clone(self) -> Any:
        clone = cast(Any, super())._clone()
        clone._access_scope = self._access_scope
        return clone

    def _combined_scope(self, other: Any) -> str | None:
        # A union with an unscoped chain would let its rows in unfiltered.
        other_scope = getattr(other, "_access_scope", _VISIBLE)
        return self._access_scope if other_scope is not None else None

    def __and__(self, other: Any) -> Any:
        combined = super().__and__(other)
        combined._access_scope = self._combined_scope(other)
        return combined

    def __or__(self, other: Any) -> Any:
        combined = super().__or__(other)
        combined._access_scope = self._combined_scope(other)
        return combined

    def __xor__(self, other: Any) -> Any:
        combined = cast(Any, super()).__xor__(other)
        combined._access_scope = self._combined_scope(other)
        return combined

    def _combinator_query(self, combinator: str, *other_qs: Any, all: bool = False) -> Any:
        clone = cast(Any, super())._combinator_query(combinator, *other_qs, all=all)
        for other in other_qs:
            clone._access_scope = self._combined_scope(other) and clone._access_scope
        return clone

    # -- the ways a chain reaches the database --------------------------------------------

    def _check_access(self) -> None:
        if self._access_scope is not None or not ENFORCE:
            return
        if self.query.is_empty() or _trusted_caller():  # none() reads no row
            return
        name = self.model.__name__
        raise AccessNotScoped(
            f"{name} rows were read without a scope. Use {name}.objects.visible_to(user) in "
            f"views, the API and search; actions, jobs, tasks and commands that decide access "
            f'themselves use {name}.objects.unrestricted("why").'
        )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_access()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._check_access()
        return super().iterator(*args, **kwargs)

    async def aiterator(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        self._check_access()
        async for row in super().aiterator(*args, **kwargs):
            yield row

    def count(self) -> int:
        if self._result_cache is None:
            self._check_access()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_access()
        return super().exists()

    def contains(self, obj: Any) -> bool:
        if self._result_cache is None:
            self._check_access()
        return super().contains(obj)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_access()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_access()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_access()
        return super().delete()

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._check_access()
        return super().explain(*args, **kwargs)


def _scoping(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def scoped(self: RestrictedQuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        if isinstance(result, RestrictedQuerySet):
            result = result._with_scope(_VISIBLE)
        return result

    scoped._scopes_access = True  # type: ignore[attr-defined]
    return scoped


# --- Lookups for views and the API ------------------------------------------------------


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


def can_read_audit_log(actor: Actor) -> bool:
    """The secretariat reads the whole log; a party's administrators read the events about
    their own party (AuditEvent.visible_to says which)."""
    return actor.is_secretariat or bool(actor.party_ids_with(Role.ADMINISTRATOR))


def can_manage_members(actor: Actor, party_id: int) -> bool:
    """Invite people to a party, change their roles, remove them."""
    return actor.is_secretariat or actor.has_role(party_id, Role.ADMINISTRATOR)


def can_see_covenant_aggregates(actor: Actor) -> bool:
    """Covenant-wide totals across funds (how many funds hold a company, their combined
    stake), never one fund's own figures: the secretariat and the steering group, always
    under the minimum-of-funds rule the callers apply."""
    return actor.is_secretariat or actor.is_steering_group


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
