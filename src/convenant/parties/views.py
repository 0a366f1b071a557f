"""Pages of the parties app: the public directory, party pages, and managing a party's
people. Reads go through visible_to; writes through parties.actions."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, panels
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from convenant.core.models import User, normalize_email
from convenant.parties import actions
from convenant.parties.forms import (
    AcceptInvitationForm,
    DepartureForm,
    InviteForm,
    PartyForm,
    RenewInvitationForm,
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
    # The dashboard counts the parties in the covenant today; the directory also lists those
    # that left, so it says how many of its rows the dashboard's figures count.
    totals = parties.active().funds().aggregate(assets=Sum("invested_assets_eur"), n=Count("pk"))
    today = timezone.localdate()
    in_covenant = sum(
        1
        for _c, members in groups
        for p in members
        if p.joined_on <= today and (p.left_on is None or p.left_on > today)
    )
    context = {
        "covenant": covenant,
        "groups": groups,
        "status": status,
        "track": track,
        "tracks": covenant.tracks.all(),
        "total": sum(len(m) for _c, m in groups),
        "in_covenant": in_covenant,
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
            "panels": panels.party_panels(request, party),
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


@login_required
@require_http_methods(["GET", "POST"])
def invitation_renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then send an expired invitation again with a new link."""
    invitation = access.get_visible_or_404(
        Invitation.objects.select_related("party", "invited_by"), request.user, pk=pk
    )
    access.require(access.can_manage_members(access.actor_for(request.user), invitation.party_id))
    form = RenewInvitationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    problem = None
    if invitation.status != Invitation.Status.EXPIRED:
        problem = _("Only an expired invitation can be renewed.")
    elif not invitation.party.is_active():
        problem = _(
            "%(party)s is not in the covenant (left on %(date)s); it cannot get new people."
        ) % {
            "party": invitation.party.name,
            "date": invitation.party.left_on.isoformat() if invitation.party.left_on else "–",
        }
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = actions.renew_invitation(
                by=request.user, invitation=invitation, language=form.cleaned_data["language"]
            )
        except ActionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("A new invitation was sent to %(email)s.") % {"email": invitation.email},
            )
        return redirect("invitation_list")
    return render(
        request,
        "parties/invitation_renew.html",
        {
            "invitation": invitation,
            "form": form,
            "problem": problem,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


# Accepting an invitation works like Django's password reset: the e-mailed link puts its
# token in the session and redirects to /invite/, so the page with the form never has the
# token in its address (and so in no Referer), and keeps the site's normal referrer policy
# (with "no-referrer" Chromium sends "Origin: null", which the CSRF check rightly refuses).
INVITATION_SESSION_KEY = "invitation_token"


@require_GET
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail. Anyone holding the link may open it; the token is
    the credential, and it works once."""
    if actions.find_invitation(token) is None:
        response = render(
            request,
            "parties/invitation_accept.html",
            {"problem": actions.unknown_invitation_message()},
            status=404,
        )
    else:
        # A new session key: one planted in the browser beforehand must not get to hold it.
        request.session.cycle_key()
        request.session[INVITATION_SESSION_KEY] = token
        response = redirect("invitation_accept")
    response.headers["Referrer-Policy"] = "no-referrer"  # this address holds the token
    return response


def _accept_page(
    request: HttpRequest,
    *,
    invitation: Invitation | None = None,
    form: AcceptInvitationForm | None = None,
    problem: str | None = None,
    offer_login: bool = True,
    status: int = 200,
) -> HttpResponse:
    """What the person sees: a problem, or the one step that suits who they are."""
    step = ""
    if invitation is not None and problem is None:
        if request.user.is_authenticated:
            same = normalize_email(request.user.email) == invitation.email
            step = "confirm" if same else "other_user"
        elif actions.invited_address_has_account(invitation):
            step = "log_in"
        else:
            step = "create"
    if step == "create" and form is None:
        form = AcceptInvitationForm(
            initial={"full_name": invitation.full_name if invitation else ""}
        )
    return render(
        request,
        "parties/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "problem": problem,
            "offer_login": offer_login,
            "step": step,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The invitation whose link was opened in this session: explain why it cannot be used,
    or let the person create an account, log in, or confirm, and join the party."""
    token = request.session.get(INVITATION_SESSION_KEY)
    posted = request.method == "POST"
    if not token:
        # Never opened here, or the session ended between showing the form and sending it.
        problem = _(
            "No invitation is open in this browser. Open the link in your invitation e-mail "
            "again; it works until it is used or expires."
        )
        if posted:
            problem += " " + _("What you typed was not saved.")
        return _accept_page(request, problem=problem, status=400 if posted else 200)
    invitation = actions.find_invitation(token)
    if invitation is None:  # renewed since: its old link is dead
        del request.session[INVITATION_SESSION_KEY]
        return _accept_page(request, problem=actions.unknown_invitation_message(), status=404)
    try:
        actions.check_invitation_usable(invitation)
    except ActionError as error:
        del request.session[INVITATION_SESSION_KEY]
        # Logging in helps with a used link, not with one that needs renewing.
        return _accept_page(
            request,
            invitation=invitation,
            problem=error.messages[0],
            offer_login=error.code == "used",
        )
    if not posted:
        return _accept_page(request, invitation=invitation)

    if request.POST.get("step") == "log_out":
        # Logging out empties the session; keep the invitation for the person after them.
        # Notices meant for the one logging out are not shown to the next (marked as read).
        for _notice in messages.get_messages(request):
            pass
        logout(request)
        request.session[INVITATION_SESSION_KEY] = token
        return redirect("invitation_accept")
    user = request.user if request.user.is_authenticated else None
    form = None
    if user is None:
        form = AcceptInvitationForm(request.POST)
        if not form.is_valid():
            return _accept_page(request, invitation=invitation, form=form, status=400)
    try:
        membership = actions.accept_invitation(
            token=token,
            user=user,
            full_name=form.cleaned_data["full_name"] if form else "",
            password=form.cleaned_data["password1"] if form else "",
        )
    except ActionError as error:
        if form is not None and error.field:
            show_on_form(form, error)
            return _accept_page(request, invitation=invitation, form=form, status=400)
        # e.g. an account for the address was made meanwhile: the page shows the way on.
        messages.error(request, error.messages[0])
        return redirect("invitation_accept")
    del request.session[INVITATION_SESSION_KEY]
    if user is None:
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome! You now work for %(party)s in convenant.") % {"party": membership.party.name},
    )
    return redirect("dashboard")


@login_required
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = access.get_visible_or_404(User, request.user, pk=pk)
    memberships = (
        Membership.objects.visible_to(request.user).filter(user=person).select_related("party")
    )
    return render(
        request, "parties/person_detail.html", {"person": person, "memberships": memberships}
    )
