"""Pages of the parties app: the public directory, party pages, and managing a party's
people. Reads go through visible_to; writes through parties.actions."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from convenant.core.models import User
from convenant.parties import actions
from convenant.parties.forms import (
    AcceptInvitationForm,
    DepartureForm,
    InviteForm,
    PartyForm,
    RoleForm,
)
from convenant.parties.models import Covenant, Invitation, Membership, Party, Track


def current_covenant() -> Covenant:
    covenant = Covenant.objects.order_by("-start_date").first()
    if covenant is None:
        raise Http404
    return covenant


def party_list(request: HtmxHttpRequest) -> HttpResponse:
    """The public directory, grouped by constituency; neutral bodies last."""
    covenant = current_covenant()
    parties = (
        Party.objects.visible_to(request.user)
        .filter(covenant=covenant)
        .select_related("constituency")
        .prefetch_related(Prefetch("tracks", queryset=Track.objects.order_by("order")))
    )
    status = request.GET.get("status", "")
    track = request.GET.get("track", "")
    if status == "active":
        parties = parties.active()
    elif status == "former":
        parties = parties.exclude(left_on=None)
    if track:
        parties = parties.filter(tracks__code=track)
    parties = parties.order_by("constituency__order", "constituency__name", "type", "name")
    groups = [
        (constituency, list(members))
        for constituency, members in groupby(parties, key=lambda p: p.constituency)
    ]
    totals = parties.funds().aggregate(assets=Sum("invested_assets_eur"), n=Count("pk"))
    context = {
        "covenant": covenant,
        "groups": groups,
        "status": status,
        "track": track,
        "tracks": covenant.tracks.all(),
        "total": sum(len(m) for _c, m in groups),
        "fund_totals": totals,
    }
    template = "parties/_party_groups.html" if request.htmx else "parties/party_list.html"
    return render(request, template, context)


def party_detail(request: HttpRequest, slug: str) -> HttpResponse:
    party = access.get_visible_or_404(
        Party.objects.select_related("constituency", "covenant"), request.user, slug=slug
    )
    actor = access.actor_for(request.user)
    memberships = invitations = None
    if access.can_see_members(actor, party.pk):
        memberships = (
            Membership.objects.visible_to(request.user).filter(party=party).select_related("user")
        )
    can_manage = access.can_manage_members(actor, party.pk)
    if can_manage:
        invitations = Invitation.objects.visible_to(request.user).filter(party=party).pending()
    return render(
        request,
        "parties/party_detail.html",
        {
            "party": party,
            "tracks": party.tracks.all(),
            "memberships": memberships,
            "invitations": invitations,
            "can_manage_members": can_manage,
            "can_administer": access.can_administer_covenant(actor),
            "is_active": party.is_active(),
        },
    )


def _party_form_changes(form: PartyForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {
        k: data[k]
        for k in (
            "name",
            "short_name",
            "code",
            "type",
            "constituency",
            "website",
            "description",
            "invested_assets_eur",
            "invested_assets_as_of",
            "joined_on",
            "tracks",
        )
    }


@login_required
def party_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(access.can_administer_covenant(access.actor_for(request.user)))
    covenant = current_covenant()
    form = PartyForm(request.POST or None, covenant=covenant)
    if request.method == "POST" and form.is_valid():
        changes = _party_form_changes(form)
        try:
            party = actions.create_party(
                by=request.user,
                covenant=covenant,
                slug=form.slug(),
                tracks=list(changes.pop("tracks")),
                **changes,
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("%(party)s was added.") % {"party": party.name})
            return redirect(party)
    return render(request, "parties/party_form.html", {"form": form, "party": None})


@login_required
def party_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    party = access.get_visible_or_404(Party, request.user, slug=slug)
    access.require(access.can_administer_covenant(access.actor_for(request.user)))
    initial = {
        f: getattr(party, f)
        for f in (
            "name",
            "short_name",
            "code",
            "type",
            "constituency",
            "website",
            "description",
            "invested_assets_eur",
            "invested_assets_as_of",
            "joined_on",
        )
    }
    initial["tracks"] = list(party.tracks.all())
    form = PartyForm(request.POST or None, covenant=party.covenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            party = actions.update_party(
                by=request.user,
                party=party,
                changes=_party_form_changes(form),
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("The details of %(party)s were saved.") % {"party": party.name}
            )
            return redirect(party)
    return render(request, "parties/party_form.html", {"form": form, "party": party})


@login_required
def party_departure(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    party = access.get_visible_or_404(Party, request.user, slug=slug)
    access.require(access.can_administer_covenant(access.actor_for(request.user)))
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_departure(by=request.user, party=party, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("The departure of %(party)s was recorded.") % {"party": party.name}
            )
            return redirect(party)
    return render(request, "parties/party_departure.html", {"form": form, "party": party})


@login_required
def member_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    party = access.get_visible_or_404(Party, request.user, slug=slug)
    access.require(access.can_manage_members(access.actor_for(request.user), party.pk))
    form = InviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = actions.invite_person(
                by=request.user,
                party=party,
                **form.cleaned_data,
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(party)
    return render(request, "parties/member_invite.html", {"form": form, "party": party})


@login_required
def membership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = access.get_visible_or_404(
        Membership.objects.select_related("user", "party"), request.user, pk=pk
    )
    access.require(access.can_manage_members(access.actor_for(request.user), membership.party_id))
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_role(
                by=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("The role of %(person)s was changed.") % {"person": membership.user}
            )
            return redirect(membership.party)
    return render(request, "parties/membership_edit.html", {"form": form, "membership": membership})


@login_required
@require_POST
def membership_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = access.get_visible_or_404(
        Membership.objects.select_related("user", "party"), request.user, pk=pk
    )
    access.require(access.can_manage_members(access.actor_for(request.user), membership.party_id))
    try:
        actions.remove_member(by=request.user, membership=membership)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(person)s no longer works for %(party)s.")
            % {"person": membership.user, "party": membership.party.name},
        )
    return redirect(membership.party)


@login_required
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(actor.is_secretariat or bool(actor.party_ids_with(access.Role.ADMINISTRATOR)))
    invitations = Invitation.objects.visible_to(request.user).select_related("party", "invited_by")
    show = request.GET.get("show", "open")
    if show == "open":
        invitations = invitations.open()
    return render(
        request, "parties/invitation_list.html", {"invitations": invitations[:500], "show": show}
    )


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_visible_or_404(Invitation, request.user, pk=pk)
    try:
        actions.revoke_invitation(by=request.user, invitation=invitation)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("invitation_list")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail. Anyone holding the link may open it; the token is
    the credential, and it works once."""
    invitation = actions.find_invitation(token)
    existing = User.objects.filter(email__iexact=invitation.email).exists() if invitation else False
    form = AcceptInvitationForm(
        request.POST or None, initial={"full_name": invitation.full_name if invitation else ""}
    )
    problem = None
    if invitation is None:
        problem = _(
            "This invitation link is not valid. Check that you copied the whole link "
            "from the e-mail."
        )
    if request.method == "POST" and invitation is not None and (existing or form.is_valid()):
        try:
            membership = actions.accept_invitation(
                token=token,
                user=request.user if request.user.is_authenticated else None,
                full_name=form.cleaned_data.get("full_name", "") if not existing else "",
                password=form.cleaned_data.get("password1", "") if not existing else "",
            )
        except ActionError as error:
            if error.field:
                show_on_form(form, error)
            else:
                problem = error.messages[0]
        else:
            if not request.user.is_authenticated:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You now work for %(party)s in convenant.")
                % {"party": membership.party.name},
            )
            return redirect("dashboard")
    elif invitation is not None and request.method != "POST":
        try:
            actions.check_invitation_usable(invitation)
        except ActionError as error:
            problem = error.messages[0]
    response = render(
        request,
        "parties/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "problem": problem,
            "existing": existing,
        },
        status=404 if invitation is None else 200,
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # keep the token out of Referer headers
    return response


@login_required
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = access.get_visible_or_404(User, request.user, pk=pk)
    memberships = (
        Membership.objects.visible_to(request.user).filter(user=person).select_related("party")
    )
    return render(
        request, "parties/person_detail.html", {"person": person, "memberships": memberships}
    )
