"""API of the parties app: the directory of parties, and people (as the access policy allows)."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from convenant.core import access
from convenant.core.access import Role
from convenant.core.api import PUBLIC, Error
from convenant.core.models import User
from convenant.parties.models import Membership, Party

router = Router(tags=["parties"])


class PartyOut(Schema):
    id: int
    slug: str
    code: str
    name: str
    short_name: str
    type: Party.Type
    constituency: str | None
    tracks: list[str]
    website: str
    invested_assets_eur: Decimal | None
    invested_assets_as_of: datetime.date | None
    joined_on: datetime.date
    left_on: datetime.date | None
    departure: str

    @staticmethod
    def resolve_constituency(obj: Party) -> str | None:
        return obj.constituency.code if obj.constituency else None

    @staticmethod
    def resolve_tracks(obj: Party) -> list[str]:
        return [t.code for t in obj.tracks.all()]


class MembershipOut(Schema):
    party: str
    role: Role

    @staticmethod
    def resolve_party(obj: Membership) -> str:
        return obj.party.slug


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.all())  # prefetched through visible_to, see _people()


def _parties(request: HttpRequest):
    return (
        Party.objects.visible_to(request.user)
        .select_related("constituency")
        .prefetch_related("tracks")
        .order_by("name")
    )


@router.get("/parties", response=list[PartyOut], auth=PUBLIC, summary="List parties")
@paginate
def list_parties(request: HttpRequest, type: Party.Type | None = None, active: bool | None = None):
    """Every party of the covenant, current and former (public)."""
    parties = _parties(request)
    if type:
        parties = parties.filter(type=type)
    if active is True:
        parties = parties.active()
    elif active is False:
        parties = parties.exclude(pk__in=Party.objects.active())
    return parties


@router.get(
    "/parties/{slug}", response={200: PartyOut, 404: Error}, auth=PUBLIC, summary="Get a party"
)
def get_party(request: HttpRequest, slug: str) -> Party:
    return access.get_visible_or_404(_parties(request), request.user, slug=slug)


def _people(request: HttpRequest):
    visible_memberships = Membership.objects.visible_to(request.user).select_related("party")
    return (
        User.objects.visible_to(request.user)
        .filter(is_active=True)
        .prefetch_related(Prefetch("memberships", queryset=visible_memberships))
    )


@router.get("/people", response=list[PersonOut], summary="List people")
@paginate
def list_people(request: HttpRequest, party: str | None = None):
    """People you may see: yourself, the people of your own parties, and everyone for the
    secretariat."""
    people = _people(request)
    if party:
        people = people.filter(memberships__party__slug=party)
    return people.order_by("full_name", "pk")


@router.get("/people/me", response=PersonOut, summary="Who am I")
def me(request: HttpRequest) -> User:
    return access.get_visible_or_404(_people(request), request.user, pk=request.user.pk)


@router.get("/people/{person_id}", response={200: PersonOut, 404: Error}, summary="Get a person")
def get_person(request: HttpRequest, person_id: int) -> User:
    return access.get_visible_or_404(_people(request), request.user, pk=person_id)
