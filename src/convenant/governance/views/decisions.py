"""Governance views: a body's proposals, a proposal's page with its versions, seats, votes and
proxies, and the public decision log with its CSV and PDF export. Proposals and votes are
read through ``visible_to`` (the body and the secretariat); every write goes through
``governance.actions.decisions``. A proposal past its deadline is closed before it is shown.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.exports import inert_cell
from convenant.core.models import User
from convenant.governance import effects
from convenant.governance.actions import decisions as actions
from convenant.governance.actions.bodies import (
    DOCUMENT_TYPES,
    document_storage,
    max_document_bytes,
)
from convenant.governance.models import (
    Body,
    Decision,
    Meeting,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
    Proxy,
    Seat,
    Vote,
)
from convenant.parties.models import Constituency, Party

# --- Forms -------------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Proposal.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        **limits.text_field(limits.TEXT),
    )
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes at"), widget=DateTimeInput)
    confidential = forms.BooleanField(
        label=gettext_lazy("Confidential: the decision stays with the body and the secretariat"),
        required=False,
    )
    party_name = forms.CharField(
        label=gettext_lazy("Party to admit: name"), max_length=200, required=False
    )
    party_code = forms.CharField(
        label=gettext_lazy("Party to admit: code"), max_length=20, required=False
    )
    party_type = forms.ChoiceField(
        label=gettext_lazy("Party to admit: type"),
        choices=[("", "—"), *Party.Type.choices],
        required=False,
    )
    party_constituency = forms.ModelChoiceField(
        label=gettext_lazy("Party to admit: constituency"),
        queryset=Constituency.objects.none(),
        required=False,
    )
    party = forms.ModelChoiceField(
        label=gettext_lazy("Party to expel"), queryset=Party.objects.none(), required=False
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        constituencies = Constituency.objects.filter(covenant=body.covenant)
        self.fields["party_constituency"].queryset = constituencies  # type: ignore[attr-defined]
        self.fields["party"].queryset = (  # type: ignore[attr-defined]
            Party.objects.visible_to(None).filter(covenant=body.covenant).active()
        )

    def effect_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] == Proposal.Kind.ADMIT_PARTY:
            constituency = data.get("party_constituency")
            return {
                "name": data.get("party_name", ""),
                "code": data.get("party_code", ""),
                "type": data.get("party_type", ""),
                "constituency": constituency.code if constituency else "",
            }
        if data["kind"] == Proposal.Kind.EXPEL_PARTY:
            party = data.get("party")
            return {"party_id": party.pk if party else None}
        return {}


class AmendForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        **limits.text_field(limits.TEXT),
    )
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=300)


class VoteForm(forms.Form):
    seat = forms.ModelChoiceField(label=gettext_lazy("Seat"), queryset=Seat.objects.none())
    choice = forms.ChoiceField(
        label=gettext_lazy("Vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (required with an objection)"),
        required=False,
        **limits.text_field(limits.MESSAGE),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, seats: list[Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["seat"]
        field.queryset = Seat.objects.filter(pk__in=[s.pk for s in seats])  # type: ignore[attr-defined]
        if len(seats) == 1:
            field.initial = seats[0].pk


class ProxyForm(forms.Form):
    seat = forms.ModelChoiceField(label=gettext_lazy("Seat"), queryset=Seat.objects.none())
    grantee = forms.TypedChoiceField(label=gettext_lazy("Give the seat's vote to"), coerce=int)
    scope = forms.ChoiceField(label=gettext_lazy("For"))

    def __init__(
        self,
        *args: Any,
        seats: list[Seat],
        people: list[User],
        meetings: list[Meeting],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in people}
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["seat"].queryset = Seat.objects.filter(pk__in=[s.pk for s in seats])  # type: ignore[attr-defined]
        self.fields["grantee"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (u.pk, u.full_name) for u in people
        ]
        # One proposal, or one meeting whose agenda has it (then every proposal of it).
        self.fields["scope"].choices = [("", _("this proposal"))] + [  # type: ignore[attr-defined]
            (str(m.pk), _("the meeting %(title)s") % {"title": m.title}) for m in meetings
        ]
        self.fields["scope"].required = False
        if len(seats) == 1:
            self.fields["seat"].initial = seats[0].pk

    def clean_grantee(self) -> User:
        return self.people[self.cleaned_data["grantee"]]

    def meeting(self) -> Meeting | None:
        return self.meetings.get(self.cleaned_data.get("scope") or "")


class AttachmentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    file = forms.FileField(label=gettext_lazy("File"))


class OutcomeForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Outcome statement"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.MESSAGE),
    )
    review_on = forms.DateField(
        label=gettext_lazy("Review on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CorrectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Corrected decision"),
        widget=forms.Textarea(attrs={"rows": 6}),
        **limits.text_field(limits.TEXT),
    )


# --- Helpers -----------------------------------------------------------------------------


def _proposal(request: HttpRequest, number: int) -> Proposal:
    """The proposal if the reader is in its body or the secretariat (else 404), closed
    first if its deadline has passed."""
    proposal = access.get_visible_or_404(
        Proposal.objects.select_related("body", "proposed_by"), request.user, number=number
    )
    return actions.close_if_due(proposal)


def _back(proposal: Proposal) -> HttpResponse:
    return redirect("proposal_detail", proposal.number)


def _meetings_of(request: HttpRequest, proposal: Proposal) -> list[Meeting]:
    """The meetings to come whose agenda has the proposal: a proxy may be for one of them."""
    return list(
        Meeting.objects.visible_to(request.user)
        .filter(items__proposal=proposal, ends_at__gt=timezone.now())
        .distinct()
        .order_by("starts_at")
    )


def _run(request: HttpRequest, proposal: Proposal, do: Any, done: str) -> HttpResponse:
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return _back(proposal)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


# --- A body's proposals ------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body.objects.visible_to(request.user), slug=slug)
    actor = access.actor_for(request.user)
    access.require(actions.can_see(actor, body))
    proposals = Proposal.objects.visible_to(request.user).filter(body=body)
    for due in proposals.filter(state=Proposal.State.OPEN, closes_at__lte=timezone.now()):
        actions.close_if_due(due)  # closed when read, before the list shows it
    proposals = list(proposals.select_related("body"))
    open_first = sorted(
        proposals, key=lambda p: (p.state != Proposal.State.OPEN, p.state != "draft", -p.number)
    )
    return render(
        request,
        "governance/proposal_list.html",
        {
            "body": body,
            "proposals": open_first,
            "can_propose": actions.can_write(actor, body),
        },
    )


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body.objects.visible_to(request.user), slug=slug)
    access.require(actions.can_write(access.actor_for(request.user), body))
    form = ProposalForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = actions.create_proposal(
                by=request.user,  # type: ignore[arg-type]
                body=body,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                closes_at=form.cleaned_data["closes_at"],
                confidential=form.cleaned_data["confidential"],
                effect_params=form.effect_params(),
            )
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("Proposal #%(n)s is open for votes.") % {"n": proposal.number}
            )
            return _back(proposal)
    return render(request, "governance/proposal_form.html", {"form": form, "body": body})


# --- A proposal --------------------------------------------------------------------------


@login_required
def proposal_detail(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    user = request.user
    actor = access.actor_for(user)
    body = proposal.body
    versions = list(
        ProposalVersion.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("written_by")
        .order_by("number")
    )
    attachments = (
        ProposalAttachment.objects.visible_to(user)
        .filter(version__proposal=proposal)
        .select_related("version")
    )
    tally = actions.tally_of(proposal)
    current = actions.current_votes(proposal)
    seats = []
    for seat in Seat.objects.filter(body=body).order_by("order", "pk"):
        vote = current.get(seat.pk)
        seats.append(
            {
                "seat": seat,
                "vote": vote,
                "stale": seat.pk in tally.stale,
                "not_voted": seat.pk in tally.not_voted,
            }
        )
    is_open = proposal.state == Proposal.State.OPEN
    own_seats = actions.seats_of(user, body) if is_open else []
    proxy_seats = [
        s
        for s in actions.voting_seats(body)
        if s not in own_seats and is_open and actions.usable_proxy(user, proposal, s)
    ]
    history = (
        Vote.objects.visible_to(user)
        .filter(proposal=proposal)
        .select_related("seat", "cast_by", "version", "proxy__granted_by")
        .order_by("-created_at")
    )
    proxies = (
        Proxy.objects.visible_to(user)
        .filter(Q(proposal=proposal) | Q(meeting__items__proposal=proposal))
        .distinct()
        .select_related("seat", "grantee", "granted_by", "meeting")
        .order_by("-created_at")
    )
    is_author = actor.is_secretariat or proposal.proposed_by_id == user.pk
    decision = Decision.objects.visible_to(user).filter(proposal=proposal).first()
    return render(
        request,
        "governance/proposal_detail.html",
        {
            "proposal": proposal,
            "body": body,
            "versions": versions,
            "current_version": versions[-1] if versions else None,
            "attachments": attachments,
            "tally": tally,
            "seats": seats,
            "not_voted": [s["seat"] for s in seats if s["not_voted"]],
            "vote_form": VoteForm(seats=own_seats + proxy_seats)
            if own_seats or proxy_seats
            else None,
            "proxy_form": (
                ProxyForm(
                    seats=own_seats,
                    people=actions.proxy_candidates(body, user),
                    meetings=_meetings_of(request, proposal),
                )
                if own_seats
                else None
            ),
            "history": history,
            "proxies": proxies,
            "my_seat_ids": {s.pk for s in own_seats},
            "is_open": is_open,
            "can_amend": is_author and proposal.state in ("draft", "open"),
            "can_close": actor.is_secretariat and is_open and tally.everyone_voted,
            # Open, the statement closes it: only once every seat has voted.
            "can_record_outcome": actor.is_secretariat
            and proposal.state != "draft"
            and (not is_open or tally.everyone_voted),
            "outcome_form": OutcomeForm(
                initial={"statement": proposal.outcome_statement, "review_on": proposal.review_on}
            ),
            "attachment_form": AttachmentForm(),
            "amend_form": AmendForm(initial={"text": versions[-1].text if versions else ""}),
            "decision": decision,
            "effect_text": effects.describe(
                effects.effect_type_of(proposal.kind), proposal.effect_params
            ),
        },
    )


@login_required
@require_POST
def proposal_vote(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    seats = actions.voting_seats(proposal.body)
    form = VoteForm(request.POST, seats=seats)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(proposal)
    seat = form.cleaned_data["seat"]
    return _run(
        request,
        proposal,
        lambda: actions.cast_vote(
            by=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            seat=seat,
            choice=form.cleaned_data["choice"],
            reason=form.cleaned_data["reason"],
        ),
        _("The vote of %(seat)s is recorded.") % {"seat": seat.label},
    )


@login_required
@require_POST
def proposal_amend(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    form = AmendForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(proposal)
    return _run(
        request,
        proposal,
        lambda: actions.amend_proposal(
            by=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            text=form.cleaned_data["text"],
            note=form.cleaned_data["note"],
        ),
        _("A new version is out; the seats must vote on it again."),
    )


@login_required
@require_POST
def proposal_attach(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(proposal)
    upload = form.cleaned_data["file"]
    if upload.size > max_document_bytes():  # refused before it is read into memory
        messages.error(
            request,
            _("A document may be at most %(mb)d MB.") % {"mb": max_document_bytes() // 2**20},
        )
        return _back(proposal)
    return _run(
        request,
        proposal,
        lambda: actions.add_proposal_attachment(
            by=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            title=form.cleaned_data["title"],
            filename=upload.name,
            data=upload.read(),
        ),
        _("The document was added."),
    )


@login_required
def proposal_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A proposal's document, to the body's members and the secretariat only; always as a
    download, never rendered in the page."""
    attachment = access.get_visible_or_404(ProposalAttachment, request.user, pk=pk)
    storage = document_storage()
    if not attachment.file.name or not storage.exists(attachment.file.name):
        raise Http404
    extension = attachment.file.name.rsplit(".", 1)[-1]
    types = {v: k for k, v in DOCUMENT_TYPES.items()}
    response = FileResponse(
        storage.open(attachment.file.name, "rb"),
        as_attachment=True,
        filename=f"{attachment.title}.{extension}",
        content_type=types.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    return _run(
        request,
        proposal,
        lambda: actions.withdraw_proposal(
            by=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            reason=request.POST.get("reason", ""),
        ),
        _("The proposal is withdrawn."),
    )


@login_required
@require_POST
def proposal_close(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    return _run(
        request,
        proposal,
        lambda: actions.close_proposal(by=request.user, proposal=proposal),  # type: ignore[arg-type]
        _("The proposal is closed."),
    )


@login_required
@require_POST
def proposal_outcome(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(proposal)
    return _run(
        request,
        proposal,
        lambda: actions.record_outcome_statement(
            by=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            statement=form.cleaned_data["statement"],
            review_on=form.cleaned_data["review_on"],
        ),
        _("The outcome statement is recorded."),
    )


@login_required
@require_POST
def proxy_grant(request: HttpRequest, number: int) -> HttpResponse:
    proposal = _proposal(request, number)
    seats = actions.seats_of(request.user, proposal.body)
    access.require(bool(seats))  # only a seat's holder or deputy gives its proxy
    form = ProxyForm(
        request.POST,
        seats=seats,
        people=actions.proxy_candidates(proposal.body, request.user),
        meetings=_meetings_of(request, proposal),
    )
    if not form.is_valid():
        _form_errors(request, form)
        return _back(proposal)
    meeting = form.meeting()
    return _run(
        request,
        proposal,
        lambda: actions.grant_proxy(
            by=request.user,  # type: ignore[arg-type]
            seat=form.cleaned_data["seat"],
            grantee=form.cleaned_data["grantee"],
            proposal=None if meeting else proposal,
            meeting=meeting,
        ),
        _("The proxy is given."),
    )


@login_required
@require_POST
def proxy_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    proxy = access.get_visible_or_404(
        Proxy.objects.select_related("seat", "proposal", "meeting"), request.user, pk=pk
    )
    try:
        actions.revoke_proxy(by=request.user, proxy=proxy)  # type: ignore[arg-type]
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The proxy is revoked."))
    # Back to the proposal it was for, or to the page the revoking came from (a meeting's).
    if proxy.proposal is not None:
        return _back(proxy.proposal)
    number = request.POST.get("proposal", "")
    if number.isdigit():
        return redirect("proposal_detail", int(number))
    return redirect("meeting_detail", proxy.meeting_id)


# --- The decision log --------------------------------------------------------------------


def _decisions(request: HttpRequest) -> Any:
    return (
        Decision.objects.visible_to(request.user)
        .select_related("body", "corrects", "proposal")
        .prefetch_related("corrections")
        .order_by("-number")
    )


def effect_text(effect_type: str, params: dict[str, Any]) -> str:
    """What a decision does, in words: as its effect type says, or, while no app has
    registered it, the type of proposal it came from."""
    text = effects.describe(effect_type, params)
    if text or not effect_type:
        return text
    return str(Proposal.Kind(effect_type).label) if effect_type in Proposal.Kind.values else ""


def _with_effects(decisions: Any) -> list[Decision]:
    rows = list(decisions)
    for d in rows:
        d.effect_text = effect_text(d.effect_type, d.effect_params)
        d.effect_url = effects.link(d.effect_type, d.effect_object)
    return rows


def decision_log(request: HttpRequest) -> HttpResponse:
    """The public decision log: numbered, corrections linked; confidential entries only for
    the deciding body and the secretariat."""
    return render(
        request,
        "governance/decision_list.html",
        {"decisions": _with_effects(_decisions(request))},
    )


def decision_detail(request: HttpRequest, number: int) -> HttpResponse:
    decision = access.get_visible_or_404(
        Decision.objects.select_related("body", "corrects", "proposal"),
        request.user,
        number=number,
    )
    actor = access.actor_for(request.user)
    _with_effects([decision])
    corrections = Decision.objects.visible_to(request.user).filter(corrects=decision)
    return render(
        request,
        "governance/decision_detail.html",
        {
            "decision": decision,
            "corrections": corrections,
            "proposal_visible": decision.proposal is not None
            and actions.can_see(actor, decision.body),
            "can_correct": actor.is_secretariat,
            "can_apply": actor.is_secretariat
            and decision.effect_state in (Decision.EffectState.PENDING, Decision.EffectState.FAILED)
            and effects.effect_for(decision.effect_type) is not None,
            "correction_form": CorrectionForm(
                initial={"title": decision.title, "text": decision.text}
            ),
        },
    )


@login_required
@require_POST
def decision_correct(request: HttpRequest, number: int) -> HttpResponse:
    decision = access.get_visible_or_404(Decision, request.user, number=number)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("decision_detail", number)
    try:
        entry = actions.correct_decision(
            by=request.user,  # type: ignore[arg-type]
            decision=decision,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
        return redirect("decision_detail", number)
    messages.success(request, _("Decision %(n)s corrects it.") % {"n": entry.number})
    return redirect("decision_detail", entry.number)


@login_required
@require_POST
def decision_apply(request: HttpRequest, number: int) -> HttpResponse:
    decision = access.get_visible_or_404(Decision, request.user, number=number)
    try:
        decision = actions.apply_decision_effect(by=request.user, decision=decision)  # type: ignore[arg-type]
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        if decision.effect_state == Decision.EffectState.APPLIED:
            messages.success(request, _("The decision has taken effect."))
        else:
            messages.error(request, decision.effect_note)
    return redirect("decision_detail", number)


EXPORT_COLUMNS = [
    "number",
    "decided_on",
    "body",
    "title",
    "text",
    "corrects",
    "effect",
    "effect_state",
    "confidential",
]


def decision_log_csv(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for d in _with_effects(_decisions(request)):
        writer.writerow(
            [
                inert_cell(v)
                for v in (
                    d.number,
                    d.decided_on.isoformat(),
                    str(d.body),
                    d.title,
                    d.text,
                    d.corrects.number if d.corrects else "",
                    d.effect_text,  # type: ignore[attr-defined]
                    d.effect_state,
                    "yes" if d.confidential else "no",
                )
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decision-log.csv"'
    return response


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"not fetched: {url}")


def decision_log_pdf(request: HttpRequest) -> HttpResponse:
    """The same log as the page, printed by WeasyPrint from its own print template."""
    from weasyprint import HTML

    html = render_to_string(
        "governance/decision_print.html",
        {"decisions": _with_effects(_decisions(request)), "printed_on": timezone.localdate()},
        request=request,
    )
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="decision-log.pdf"'
    return response


# --- A party's page links back to the decisions that changed it -------------------------


def party_decisions_panel(request: HttpRequest, party: Any) -> dict[str, Any] | None:
    ref = effects.object_ref("parties.party", party.pk)
    found = list(
        Decision.objects.visible_to(request.user).filter(effect_object=ref).order_by("number")
    )
    return {"decisions": found} if found else None
