"""Pages of signals for people of the covenant: the list, filing a signal, a signal's page
with the handler's work, sharing, evidence files, a fund's inbox and the export. Reads go
through ``visible_to`` and, for each redactable field, ``Signal.shows``; writes through
``signals.actions``."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convenant.core import access
from convenant.core.errors import ActionError, show_on_form
from convenant.core.exports import inert_cell
from convenant.core.http import AuthenticatedHttpRequest
from convenant.parties.models import Party
from convenant.portfolios.models import Issuer
from convenant.signals import actions
from convenant.signals.annotations import signal_followups
from convenant.signals.duplicates import possible_duplicates
from convenant.signals.forms import MemberReportForm
from convenant.signals.models import (
    LEVEL_CHOICES,
    REDACTABLE,
    TRANSITIONS,
    Signal,
    SignalAlert,
    SignalAttachment,
    SignalEvent,
    SignalMessage,
    State,
)
from convenant.signals.readable import fold, readable
from convenant.signals.themes import theme_names
from convenant.signals.triage_forms import (
    AssessForm,
    AssignForm,
    LinkForm,
    MergeForm,
    MessageForm,
    ShareForm,
    TransitionForm,
)
from convenant.signals.uploads import evidence_in_memory

# What "waiting for triage by you" counts on the dashboard and filters in the list: new, in
# review, and verified (to be shared or closed).
WAITING_STATES = (State.RECEIVED, State.IN_REVIEW, State.VERIFIED)


def _signals(request: HttpRequest) -> Any:
    qs = (
        Signal.objects.visible_to(request.user)
        .select_related("handling_party", "handler", "reporting_party", "reported_by")
        .prefetch_related("shares", "attachments", "issuer_links__issuer")
    )
    state = request.GET.get("state", "")
    level = request.GET.get("level", "")
    if state in State.values:
        qs = qs.filter(state=state)
    if level in dict(LEVEL_CHOICES):
        qs = qs.filter(visibility=level)
    if request.GET.get("linking") == "1":
        qs = qs.filter(needs_linking=True)
    if request.GET.get("waiting") == "1":
        qs = qs.handled_by(request.user).filter(state__in=WAITING_STATES)
    return qs


def signal_list(request: HttpRequest) -> HttpResponse:
    """Signals the person may read; counts per state from the same rows."""
    qs = _signals(request)
    counts = dict(
        Signal.objects.visible_to(request.user).values_list("state").annotate(n=Count("pk"))
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actor = access.actor_for(request.user)
    names = theme_names()
    return render(
        request,
        "signals/signal_list.html",
        {
            "page": page,
            "rows": [readable(s, actor, names) for s in page],
            "counts": [(v, label, counts.get(v, 0)) for v, label in State.choices],
            "state": request.GET.get("state", ""),
            "level": request.GET.get("level", ""),
            "levels": LEVEL_CHOICES,
            "waiting": request.GET.get("waiting") == "1",
            "can_file": actor.is_covenant_member,
        },
    )


def signal_export(request: HttpRequest) -> HttpResponse:
    """The list as CSV: the same rows, each field as this reader may see it. Cells a
    spreadsheet would run as a formula are written as text."""
    actor = access.actor_for(request.user)
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [
        "reference",
        "title",
        "state",
        "level",
        "company",
        "issuers",
        "country",
        "themes",
        "impact",
        "handler",
        "site",
        "account",
    ]
    writer.writerow(columns)
    names = theme_names()
    for signal in _signals(request).prefetch_related("issuer_links__issuer"):
        r = readable(signal, actor, names)
        row = [
            signal.reference,
            signal.title,
            signal.get_state_display(),
            signal.get_visibility_display(),
            signal.company_name,
            "; ".join(link.issuer.legal_name for link in signal.issuer_links.all()),
            signal.country,
            "; ".join(r["themes"]),
            signal.get_impact_display(),
            r["handler_name"],
            r["site"] or "",
            r["account"] or "",
        ]
        writer.writerow([inert_cell(str(cell)) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="signals.csv"'
    return response


@evidence_in_memory
@login_required
def signal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = access.actor_for(request.user)
    access.require(actor.is_covenant_member)
    parties = Party.objects.filter(pk__in=actor.party_ids).order_by("name")
    covenant_parties = Party.objects.active().order_by("name")
    form = MemberReportForm(parties=parties, covenant_parties=covenant_parties)
    if request.method == "POST":
        form = MemberReportForm(
            request.POST, request.FILES, parties=parties, covenant_parties=covenant_parties
        )
        if form.is_valid():
            try:
                signal = actions.submit_signal(
                    by=request.user,
                    party=Party.objects.get(pk=form.cleaned_data["party"]),
                    report=form.report([int(p) for p in form.cleaned_data["shared_with"]]),
                    files=form.cleaned_data["evidence"],
                    language=request.LANGUAGE_CODE,
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Signal %(reference)s was filed.") % {"reference": signal.reference},
                )
                return redirect(signal)
    chosen = {str(v) for v in (form["shared_with"].value() or [])}
    groups = _party_groups(covenant_parties.select_related("constituency"), "", chosen)
    return render(
        request,
        "signals/signal_form.html",
        {"form": form, "groups": groups, "matches": bool(groups)},
    )


def _get(request: HttpRequest, reference: str) -> Signal:
    return access.get_visible_or_404(
        Signal.objects.select_related(
            "handling_party", "handler", "reporting_party", "reported_by"
        ),
        request.user,
        reference=reference,
    )


def signal_detail(request: HttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    actor = access.actor_for(request.user)
    can_handle = signal.can_handle(actor)
    context: dict[str, Any] = {
        "signal": signal,
        "r": readable(signal, actor),
        "links": list(signal.issuer_links.select_related("issuer", "issuer__parent")),
        "can_handle": can_handle,
        "is_team": signal.is_team(actor),
        "contact": actions.contact_for(signal),
        # What apps above signals say about it (engagement: its follow-up).
        "followups": signal_followups(request.user, signal),
    }
    if signal.is_team(actor):
        ids = [signal.pk, *signal.merged_from.values_list("pk", flat=True)]
        context["events"] = (
            SignalEvent.objects.visible_to(request.user)
            .filter(signal_id__in=ids)
            .select_related("actor", "signal")
        )
        context["conversation"] = SignalMessage.objects.visible_to(request.user).filter(
            signal=signal
        )
        context["merged_from"] = Signal.objects.visible_to(request.user).filter(merged_into=signal)
        context["message_form"] = MessageForm()
    if can_handle:
        # In the order of the workflow, and nothing chosen: closing must be a choice. The
        # person who filed it is not offered the judgements that need a second person.
        allowed = set(TRANSITIONS.get(signal.state, ()))
        four_eyes = signal.is_filed_by(request.user) and bool(allowed & actions.FOUR_EYES)
        if four_eyes:
            allowed -= actions.FOUR_EYES
        choices = [(s.value, s.label) for s in State if s in allowed]
        states = [("", _("— choose —")), *choices] if choices else []
        linked = {link.issuer_id for link in context["links"]}
        context.update(
            transition_form=TransitionForm(states=states) if states else None,
            four_eyes=actions.four_eyes_error(signal).messages[0] if four_eyes else "",
            assess_form=AssessForm(
                initial={
                    "scale": signal.scale,
                    "scope": signal.scope,
                    "irremediability": signal.irremediability,
                    "likelihood": signal.likelihood,
                }
            ),
            assign_form=_assign_form(
                signal,
                actor,
                initial={
                    "handler": signal.handler_id or "",
                    "party": signal.handling_party_id or "",
                },
            ),
            link_form=LinkForm(),
            merge_form=MergeForm(),
            # An issuer already linked is no longer a suggestion.
            suggestions=[
                (issuer, confidence)
                for issuer, confidence in actions.issuer_suggestions(signal)
                if issuer.pk not in linked
            ],
            issuer_q=request.GET.get("issuer_q", "").strip()[:200],
            found_issuers=_found_issuers(request),
            duplicates=possible_duplicates(signal, request.user),
            can_share=signal.state == State.VERIFIED,
        )
    return render(request, "signals/signal_detail.html", context)


def _assign_form(
    signal: Signal, actor: access.Actor, data: Any = None, initial: Any = None
) -> AssignForm:
    handlers = actions.handler_choices(signal)
    parties = (
        Party.objects.active().exclude(type=Party.Type.PENSION_FUND).order_by("name")
        if actor.is_secretariat
        else None
    )
    return AssignForm(data, initial=initial, handlers=handlers, parties=parties)


def _back(signal: Signal) -> HttpResponse:
    return redirect(signal)


def _run(request: HttpRequest, signal: Signal, run: Any, success: str) -> HttpResponse:
    try:
        run()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, success)
    return _back(signal)


@login_required
@require_POST
def signal_transition(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    return _run(
        request,
        signal,
        lambda: actions.change_state(
            by=request.user,
            signal=signal,
            to=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("The state was changed."),
    )


@login_required
@require_POST
def signal_assign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    actor = access.actor_for(request.user)
    access.require(signal.can_handle(actor))
    form = _assign_form(signal, actor, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the handler from the list."))
        return _back(signal)
    handler_id = form.cleaned_data.get("handler")
    party_id = form.cleaned_data.get("party")
    return _run(
        request,
        signal,
        lambda: actions.assign_handler(
            by=request.user,
            signal=signal,
            handler=actions.handler_choices(signal).get(pk=handler_id) if handler_id else None,
            party=Party.objects.get(pk=party_id) if party_id else None,
        ),
        _("The handler was assigned."),
    )


@login_required
@require_POST
def signal_assess(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    form = AssessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a value from 1 to 4."))
        return _back(signal)
    return _run(
        request,
        signal,
        lambda: actions.assess_signal(by=request.user, signal=signal, **form.cleaned_data),
        _("The assessment was saved."),
    )


def _found_issuers(request: HttpRequest) -> list[Issuer]:
    """The handler's search in the register, to link the signal to what it finds."""
    text = request.GET.get("issuer_q", "").strip()
    if not text:
        return []
    return list(
        Issuer.objects.visible_to(request.user)
        .current()
        .in_register()
        .search(text)
        .select_related("parent")
        .order_by("legal_name", "pk")[:10]
    )


@login_required
@require_POST
def signal_link(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    form = LinkForm(request.POST)
    issuer = None
    if form.is_valid():
        issuer = (
            Issuer.objects.visible_to(request.user).filter(pk=form.cleaned_data["issuer"]).first()
        )
    if issuer is None:
        messages.error(request, _("Choose an issuer of the register."))
        return _back(signal)
    return _run(
        request,
        signal,
        lambda: actions.link_issuer(
            by=request.user,
            signal=signal,
            issuer=issuer,
            with_parent=form.cleaned_data["with_parent"],
        ),
        _("The issuer was linked."),
    )


@login_required
@require_POST
def signal_unlink(
    request: AuthenticatedHttpRequest, reference: str, issuer_id: int
) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    issuer = access.get_visible_or_404(Issuer, request.user, pk=issuer_id)
    return _run(
        request,
        signal,
        lambda: actions.unlink_issuer(by=request.user, signal=signal, issuer=issuer),
        _("The link was removed."),
    )


@login_required
@require_POST
def signal_merge(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    form = MergeForm(request.POST)
    into = None
    if form.is_valid():
        into = (
            Signal.objects.visible_to(request.user)
            .filter(reference=form.cleaned_data["into"].strip().upper())
            .first()
        )
    if into is None:
        messages.error(request, _("Give the reference of a signal you handle."))
        return _back(signal)
    return _run(
        request,
        signal,
        lambda: actions.merge_signals(
            by=request.user, duplicate=signal, into=into, reason=form.cleaned_data["reason"]
        ),
        _("The signal was merged."),
    )


@login_required
@require_POST
def signal_message(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    actor = access.actor_for(request.user)
    access.require(signal.can_handle(actor) or actor.has_role(signal.reporting_party_id))
    return _run(
        request,
        signal,
        lambda: actions.post_message(
            by=request.user, signal=signal, text=request.POST.get("text", "")
        ),
        _("The message was sent."),
    )


def _party_groups(parties: Any, query: str, chosen: set[str]) -> list[dict[str, Any]]:
    """The parties of the share form by constituency (the covenant's own bodies last). A
    search shows only the parties whose name matches, plus those already chosen; the others
    stay in the form, hidden, so a search without JavaScript keeps nothing out."""
    needle = fold(query)
    groups: dict[Any, dict[str, Any]] = {}
    for party in parties:
        key = party.constituency_id
        group = groups.setdefault(
            key,
            {
                "name": str(party.constituency) if party.constituency else _("Covenant bodies"),
                # The covenant's own bodies (no constituency) after the constituencies.
                "order": (0, party.constituency.order) if party.constituency else (1, 0),
                "parties": [],
                "shown": 0,
            },
        )
        shown = not needle or needle in fold(f"{party.name} {party.short_name} {party.code}")
        shown = shown or str(party.pk) in chosen
        group["parties"].append(
            {"party": party, "shown": shown, "checked": str(party.pk) in chosen}
        )
        group["shown"] += int(shown)
    # A long list starts folded, except where something is chosen or found.
    folded = len(parties) > 20 and not needle
    for group in groups.values():
        checked = any(item["checked"] for item in group["parties"])
        group["open"] = not folded or checked
    return sorted(groups.values(), key=lambda g: (g["order"], fold(g["name"])))


def _share_initial(data: Any) -> dict[str, Any]:
    initial = {name: data.get(name, "") for name in data if name != "csrfmiddlewaretoken"}
    initial["shared_with"] = data.getlist("shared_with")
    initial["with_holders"] = bool(data.get("with_holders"))
    return initial


@login_required
def signal_share(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    signal = _get(request, reference)
    access.require(signal.can_handle(access.actor_for(request.user)))
    parties = Party.objects.active().select_related("constituency").order_by("name")
    form = ShareForm(
        initial={
            "visibility": signal.visibility,
            "title": signal.title,
            "shared_with": [str(p) for p in signal.shares.values_list("party_id", flat=True)],
            "with_holders": signal.share_with_holders,
        },
        parties=parties,
    )
    query = request.GET.get("party_q", "").strip()[:100]
    if request.method == "POST" and "party_search" in request.POST:
        # The party search without JavaScript: the same page, filtered, with everything
        # typed and ticked so far kept (nothing is shared).
        query = request.POST.get("party_q", "").strip()[:100]
        form = ShareForm(initial=_share_initial(request.POST), parties=parties)
    elif request.method == "POST":
        form = ShareForm(request.POST, parties=parties)
        if form.is_valid():
            try:
                actions.share_signal(
                    by=request.user,
                    signal=signal,
                    visibility=form.cleaned_data["visibility"],
                    redactions=form.redactions(),
                    shared_with=list(
                        parties.filter(pk__in=[int(p) for p in form.cleaned_data["shared_with"]])
                    ),
                    shared_summary=form.cleaned_data["shared_summary"],
                    title=form.cleaned_data["title"],
                    reason=form.cleaned_data["reason"],
                    with_holders=form.cleaned_data["with_holders"],
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request, _("The signal was shared; the funds that hold the company are told.")
                )
                return _back(signal)
    chosen = {str(v) for v in (form["shared_with"].value() or [])}
    groups = _party_groups(parties, query, chosen)
    return render(
        request,
        "signals/signal_share.html",
        {
            "signal": signal,
            "form": form,
            "redactable": REDACTABLE,
            "groups": groups,
            "matches": any(group["shown"] for group in groups),
            "party_q": query,
        },
    )


def signal_attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponseBase:
    """An evidence file, only to readers the redaction lets see the evidence; always as a
    download, never rendered in the page."""
    signal = _get(request, reference)
    if not signal.shows("attachments", access.actor_for(request.user)):
        raise Http404
    attachment = access.get_visible_or_404(SignalAttachment, request.user, pk=pk, signal=signal)
    handle = actions.storage().open(attachment.stored_name, "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def signal_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A fund's alerts: signals on companies it holds, at the level each signal allows."""
    actor = access.actor_for(request.user)
    access.require(bool(actor.fund_ids) or actor.is_secretariat)
    alerts = (
        SignalAlert.objects.visible_to(request.user)
        .select_related("signal", "issuer", "fund", "signal__handling_party")
        .order_by("-created_at")
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    names = theme_names()
    rows = []
    for alert in page:
        readable_signal = (
            Signal.objects.visible_to(request.user).filter(pk=alert.signal_id).first()
            if alert.full
            else None
        )
        rows.append(
            {
                "alert": alert,
                "signal": readable_signal,
                "themes": [names.get(t, t) for t in readable_signal.themes]
                if readable_signal
                else [],
                "contact": actions.contact_for(alert.signal),
            }
        )
    return render(request, "signals/inbox.html", {"page": page, "rows": rows})


@login_required
@require_POST
def alert_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = access.get_visible_or_404(SignalAlert, request.user, pk=pk)
    actions.mark_alert_read(by=request.user, alert=alert)
    return redirect("signal_inbox")
