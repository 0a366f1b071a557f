"""Views of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``).

Nominations, rounds and scores are the covenant's own: every party's members and the
secretariat read them (``visible_to``); a former party and visitors read nothing. What the
platform knows about a nominated company is computed when the page is shown, each part at
the reader's level: covenant risks and the number of funds holding it only under the
minimum-of-funds rule, signals and engagements through their own access rules."""

from __future__ import annotations

import csv
import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.exports import inert_cell
from convenant.engagement.actions import selection as actions
from convenant.engagement.models import (
    Case,
    Criterion,
    Engagement,
    Nomination,
    NominationScore,
    SelectionRound,
)
from convenant.parties.models import Constituency, Party
from convenant.portfolios.models import Issuer, Position, Snapshot

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The criteria's short names, for the columns of the ranked overview.
SHORT = {
    "severity": gettext_lazy("Severity"),
    "likelihood": gettext_lazy("Likelihood"),
    "added_value": gettext_lazy("Added value"),
    "labour_rights": gettext_lazy("Labour and human rights"),
    "learning": gettext_lazy("Learning value"),
}
SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def _reader(request: HttpRequest) -> access.Actor:
    """The selection is read by the covenant's parties and the secretariat (403 otherwise)."""
    actor = access.actor_for(request.user)
    access.require(actor.is_secretariat or actor.is_covenant_member)
    return actor


def _held_issuers(user: Any) -> list[tuple[str, str]]:
    """The companies in the reader's funds' latest snapshots, as the engagement form offers
    them; any other company by its number."""
    latest = Snapshot.objects.visible_to(user).latest_per_fund()
    issuers = (
        Position.objects.visible_to(user)
        .filter(snapshot__in=latest, issuer__isnull=False)
        .values_list("issuer_id", "issuer__legal_name")
        .distinct()
        .order_by("issuer__legal_name")
    )
    return [("", "—")] + [(str(pk), name) for pk, name in issuers]


def _run(form: forms.Form, do: Any) -> Any:
    try:
        return do()
    except ActionError as error:
        show_on_form(form, error)
        return None


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "engagement/cases/selection/form.html",
        {"form": form, "title": title, "back": back},
    )


def board_url() -> str:
    """The case board once it exists; until then the nominations."""
    try:
        return reverse("case_board")
    except NoReverseMatch:
        return reverse("nomination_list")


# --- Forms -------------------------------------------------------------------------------


class NominationForm(forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("Nominated by"))
    title = forms.CharField(label=gettext_lazy("Title"), **limits.text_field(limits.LINE))
    target = forms.ChoiceField(label=gettext_lazy("Target"), choices=Nomination.Target.choices)
    issuer = forms.ChoiceField(label=gettext_lazy("A company you hold"), required=False)
    issuer_number = forms.IntegerField(
        label=gettext_lazy("or the company's number"), required=False, min_value=1
    )
    sector_code = forms.CharField(
        label=gettext_lazy("Sector (GICS code)"), required=False, **limits.text_field(20)
    )
    issue = forms.CharField(label=gettext_lazy("Issue"), required=False, **limits.text_field(300))
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        **limits.text_field(
            limits.LINE, help_text=gettext_lazy("Keys separated by commas, e.g. living-wage.")
        ),
    )
    rationale = forms.CharField(
        label=gettext_lazy("Why this case"),
        widget=forms.Textarea(attrs={"rows": 4}),
        **limits.text_field(limits.TEXT),
    )
    evidence_severity = forms.CharField(
        label=Criterion.SEVERITY.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    evidence_likelihood = forms.CharField(
        label=Criterion.LIKELIHOOD.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    evidence_added_value = forms.CharField(
        label=Criterion.ADDED_VALUE.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    evidence_labour_rights = forms.CharField(
        label=Criterion.LABOUR_RIGHTS.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    evidence_learning = forms.CharField(
        label=Criterion.LEARNING.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.TEXT),
    )
    into_round = forms.BooleanField(
        label=gettext_lazy("Enter it in the open round"), required=False
    )

    def __init__(self, *args: Any, user: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _set_choices(self, "issuer", _held_issuers(user))
        _set_choices(self, "party", [(str(p.pk), p.display_name) for p in parties])
        if not actions.scoring_open(actions.open_round()):
            del self.fields["into_round"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("issuer_number") or (int(data["issuer"]) if data.get("issuer") else 0)
        data["issuer_obj"] = None
        if number:
            data["issuer_obj"] = Issuer.objects.visible_to(self.user).filter(pk=number).first()
            if data["issuer_obj"] is None:
                self.add_error("issuer_number", _("No company with this number."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, **limits.text_field(limits.MESSAGE)
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), **limits.text_field(200))
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Scores close on"), widget=DATE)


class ScoreForm(forms.Form):
    constituency = forms.ChoiceField(label=gettext_lazy("Scoring for"))

    def __init__(self, *args: Any, constituencies: list[Constituency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "constituency", [(str(c.pk), c.name) for c in constituencies])
        for value, label in Criterion.choices:
            self.fields[f"score_{value}"] = forms.ChoiceField(
                label=label, choices=SCORES, required=False
            )
            self.fields[f"comment_{value}"] = forms.CharField(
                label=gettext_lazy("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                **limits.text_field(limits.MESSAGE),
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {
            c: (int(data[f"score_{c}"]), data[f"comment_{c}"])
            for c in Criterion.values
            if data.get(f"score_{c}")
        }


class ProposeForm(forms.Form):
    nominations = forms.MultipleChoiceField(
        label=gettext_lazy("Nominations to select"), widget=forms.CheckboxSelectMultiple
    )
    closes_on = forms.DateField(label=gettext_lazy("Votes close on"), widget=DATE)
    text = forms.CharField(
        label=gettext_lazy("Text of the proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        **limits.text_field(
            limits.TEXT,
            help_text=gettext_lazy("Left empty, the proposal names the chosen nominations."),
        ),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "nominations", choices)


# --- Nominations -------------------------------------------------------------------------


@login_required
@require_GET
def nomination_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    rows = Nomination.objects.visible_to(request.user).select_related("party", "issuer", "round")
    state = request.GET.get("state", "")
    if state in Nomination.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    return render(
        request,
        "engagement/cases/selection/nomination_list.html",
        {
            "nominations": list(rows.order_by("-created_at", "-pk")[:500]),
            "state": state,
            "states": Nomination.State.choices,
            "can_nominate": actions.can_nominate(actor),
            "open_round": actions.open_round(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_add(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    parties = actions.nominating_parties(actor)
    access.require(bool(parties))
    form = NominationForm(
        request.POST or None,
        user=request.user,
        parties=parties,
        initial={"into_round": True},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nomination = _run(
            form,
            lambda: actions.nominate(
                by=request.user,
                party=Party.objects.filter(pk=int(data["party"])).first(),
                title=data["title"],
                target=data["target"],
                issuer=data["issuer_obj"],
                sector_code=data["sector_code"],
                issue=data["issue"],
                themes=data["themes"].split(","),
                rationale=data["rationale"],
                evidence={c: data[f"evidence_{c}"] for c in Criterion.values},
                into_round=bool(data.get("into_round")),
            ),
        )
        if nomination is not None:
            messages.success(request, _("The nomination was submitted."))
            return redirect("nomination_detail", nomination.reference)
    return _form_page(request, form, _("Nominate a deep-track case"), reverse("nomination_list"))


def _nomination(request: HttpRequest, reference: str) -> Nomination:
    return access.get_visible_or_404(
        Nomination.objects.select_related("party", "issuer", "round", "nominated_by"),
        request.user,
        reference=reference,
    )


def platform_knows(nomination: Nomination, user: Any) -> dict[str, Any]:
    """What the platform knows about the nominated company (or sector), computed now, each
    part at the reader's level."""
    from convenant.risk.models import CovenantRisk, RiskResult
    from convenant.signals.models import Signal, SignalIssuer

    actor = access.actor_for(user)
    issuer = nomination.issuer
    minimum = settings.AGGREGATE_MIN_FUNDS
    known: dict[str, Any] = {"minimum": minimum, "issuer": issuer}
    engagements = Engagement.objects.visible_to(user).select_related("lead_party")
    if issuer is not None:
        engagements = engagements.filter(Q(issuer=issuer) | Q(risks__issuer=issuer))
    elif nomination.sector_code:
        engagements = engagements.filter(sector_code=nomination.sector_code)
    else:
        engagements = engagements.none()
    known["engagements"] = list(engagements.distinct().order_by("-start_date", "title")[:50])
    if issuer is None:
        return known
    # Covenant risks by theme, for those who see covenant aggregates: only themes at least
    # the minimum of funds carry (each fund has one result per company and theme).
    known["covenant_risks"] = list(
        CovenantRisk.objects.visible_to(user)
        .filter(issuer=issuer)
        .values("theme")
        .annotate(funds=Sum("funds"), top=Max("rank"))
        .filter(funds__gte=minimum)
        .order_by("-top", "theme")
    )
    known["sees_covenant_risks"] = access.can_see_covenant_aggregates(actor)
    # The reader's own funds' risks on the company, in their latest snapshots.
    latest = Snapshot.objects.visible_to(user).latest_per_fund()
    known["own_risks"] = list(
        RiskResult.objects.visible_to(user)
        .filter(issuer=issuer, snapshot__in=latest)
        .select_related("snapshot__fund")
        .order_by("-rank", "theme")[:50]
    )
    signal_ids = SignalIssuer.objects.visible_to(user).filter(issuer=issuer).values("signal_id")
    known["signals"] = list(
        Signal.objects.visible_to(user)
        .filter(pk__in=signal_ids, merged_into__isnull=True)
        .order_by("-pk")[:50]
    )
    known["holders"] = _holders(user, issuer, minimum)
    return known


def _holders(user: Any, issuer: Issuer, minimum: int) -> dict[str, Any] | None:
    """How many funds hold the company in their latest snapshots, never which: for those
    who see covenant aggregates, a number once at least the minimum of funds hold it; for a
    fund's own people the covenant's joint leverage beside their fund (a number where at
    least the minimum of *other* funds hold it). Otherwise "fewer than"; nobody else is told."""
    actor = access.actor_for(user)
    if access.can_see_covenant_aggregates(actor):
        funds = (
            Position.objects.aggregatable_by(user)
            .in_latest_snapshots()
            .filter(issuer=issuer, status=Position.Status.MATCHED)
            .aggregate(funds=Count("snapshot__fund", distinct=True))["funds"]
        )
        return {"funds": funds} if funds >= minimum else {"withheld": True}
    if actor.fund_ids:
        joint = Position.objects.joint_leverage_for(user, min(actor.fund_ids), [issuer.pk])
        found = joint.get(issuer.pk)
        return {"funds": found["funds"]} if found and "funds" in found else {"withheld": True}
    return None


@login_required
@require_GET
def nomination_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _reader(request)
    actor = access.actor_for(request.user)
    nomination = _nomination(request, reference)
    scores = list(
        NominationScore.objects.visible_to(request.user)
        .filter(nomination=nomination)
        .select_related("constituency")
        .order_by("constituency__order", "criterion")
    )
    by_criterion = {c: [s for s in scores if s.criterion == c] for c in Criterion.values}
    # The case it became, for those who may read the case.
    case = Case.objects.visible_to(request.user).filter(nomination=nomination).first()
    may_withdraw = actions.can_withdraw(actor, nomination) and nomination.state in (
        Nomination.State.SUBMITTED,
        Nomination.State.NOT_SELECTED,
    )
    return render(
        request,
        "engagement/cases/selection/nomination_detail.html",
        {
            "nomination": nomination,
            "criteria": [
                {
                    "label": label,
                    "evidence": nomination.evidence(value),
                    "scores": by_criterion[value],
                }
                for value, label in Criterion.choices
            ],
            "known": platform_knows(nomination, request.user),
            "may_withdraw": may_withdraw,
            "may_score": bool(actions.scoring_constituencies(actor))
            and nomination.state == Nomination.State.SUBMITTED
            and actions.scoring_open(nomination.round),
            "withdraw_form": WithdrawForm(),
            "may_enter": actions.can_withdraw(actor, nomination)
            and nomination.round_id is None
            and nomination.state == Nomination.State.SUBMITTED
            and actions.scoring_open(actions.open_round()),
            "case": case,
        },
    )


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    _reader(request)
    nomination = _nomination(request, reference)
    access.require(actions.can_withdraw(access.actor_for(request.user), nomination))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    else:
        try:
            actions.withdraw_nomination(
                by=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
            )
        except ActionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The nomination was withdrawn."))
    return redirect("nomination_detail", nomination.reference)


@login_required
@require_POST
def nomination_enter(request: HttpRequest, reference: str) -> HttpResponse:
    _reader(request)
    nomination = _nomination(request, reference)
    access.require(actions.can_withdraw(access.actor_for(request.user), nomination))
    try:
        actions.enter_round(by=request.user, nomination=nomination)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The nomination entered the open round."))
    return redirect("nomination_detail", nomination.reference)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_score(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _reader(request)
    nomination = _nomination(request, reference)
    constituencies = actions.scoring_constituencies(actor)
    access.require(bool(constituencies))
    chosen = request.POST.get("constituency") or request.GET.get("constituency") or ""
    constituency = next((c for c in constituencies if str(c.pk) == chosen), constituencies[0])
    initial: dict[str, Any] = {"constituency": str(constituency.pk)}
    for s in NominationScore.objects.visible_to(request.user).filter(
        nomination=nomination, constituency=constituency
    ):
        initial[f"score_{s.criterion}"] = str(s.score)
        initial[f"comment_{s.criterion}"] = s.comment
    form = ScoreForm(request.POST or None, constituencies=constituencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: actions.score_nomination(
                by=request.user,
                nomination=nomination,
                constituency=constituency,
                scores=form.scores(),
            ),
        )
        if done is not None:
            messages.success(request, _("The scores were saved."))
            return redirect("nomination_detail", nomination.reference)
    title = _("Score %(nomination)s") % {"nomination": nomination.reference}
    return _form_page(
        request, form, title, reverse("nomination_detail", args=[nomination.reference])
    )


# --- Selection rounds --------------------------------------------------------------------


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    rounds = (
        SelectionRound.objects.visible_to(request.user)
        .annotate(nominated=Count("nominations"))
        .order_by("-opens_on", "-pk")
    )
    return render(
        request,
        "engagement/cases/selection/round_list.html",
        {"rounds": list(rounds[:200]), "can_open": actor.is_secretariat},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_add(request: HttpRequest) -> HttpResponse:
    access.require(_reader(request).is_secretariat)
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + datetime.timedelta(days=42)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        selection_round = _run(
            form,
            lambda: actions.open_selection_round(
                by=request.user,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
            ),
        )
        if selection_round is not None:
            messages.success(request, _("The selection round is open."))
            return redirect("round_detail", selection_round.pk)
    return _form_page(request, form, _("Open a selection round"), reverse("round_list"))


def _round(request: HttpRequest, pk: int) -> SelectionRound:
    return access.get_visible_or_404(
        SelectionRound.objects.select_related("proposal"), request.user, pk=pk
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    selection_round = _round(request, pk)
    rows = actions.ranking(selection_round, request.user)
    mine = {c.pk for c in actions.scoring_constituencies(actor)}
    scored_by_me = set()
    if mine:
        scored_by_me = set(
            NominationScore.objects.visible_to(request.user)
            .filter(nomination__round=selection_round, constituency_id__in=mine)
            .values_list("nomination_id", flat=True)
        )
    proposal = selection_round.proposal
    return render(
        request,
        "engagement/cases/selection/round_detail.html",
        {
            "round": selection_round,
            "rows": rows,
            "criteria": [(value, label, SHORT[value]) for value, label in Criterion.choices],
            "constituencies": actions.constituency_count(),
            "scoring_open": actions.scoring_open(selection_round),
            "may_score": bool(mine),
            "scored_by_me": scored_by_me,
            "is_secretariat": actor.is_secretariat,
            "proposal": proposal,
            "may_propose": actor.is_secretariat
            and selection_round.state == SelectionRound.State.CLOSED
            and not actions._proposal_pending(selection_round),
            "board_url": board_url(),
        },
    )


def ranking_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    header = [
        _("Rank"),
        _("Reference"),
        _("Nomination"),
        _("Nominated by"),
        _("State"),
        *[str(label) for _value, label in Criterion.choices],
        _("Total"),
        _("Constituencies scored"),
        _("Complete"),
    ]
    out: list[list[Any]] = [header]
    for row in rows:
        n, r = row["nomination"], row["ranked"]
        out.append(
            [
                row["position"],
                n.reference,
                n.title,
                n.party.display_name,
                n.get_state_display(),
                *[f"{r.by_criterion[c]:.2f}" for c in Criterion.values],
                f"{r.total:.2f}",
                r.constituencies,
                _("yes") if r.complete else _("no"),
            ]
        )
    return out


@login_required
@require_GET
def round_ranking_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    selection_round = _round(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"ranking-round-{selection_round.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    for line in ranking_rows(actions.ranking(selection_round, request.user)):
        writer.writerow([inert_cell(v) for v in line])
    return response


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    selection_round = _round(request, pk)
    access.require(access.actor_for(request.user).is_secretariat)
    try:
        actions.close_selection_round(by=request.user, selection_round=selection_round)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Scoring of the round is closed."))
    return redirect("round_detail", selection_round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_propose(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    selection_round = _round(request, pk)
    access.require(access.actor_for(request.user).is_secretariat)
    ranked = actions.ranking(selection_round, request.user)
    choices = [
        (
            row["nomination"].reference,
            f"{row['position']}. {row['nomination'].title} ({row['nomination'].reference}) — "
            f"{row['ranked'].total:.2f}",
        )
        for row in ranked
        if row["nomination"].state == Nomination.State.SUBMITTED
    ]
    form = ProposeForm(
        request.POST or None,
        choices=choices,
        initial={"closes_on": timezone.localdate() + datetime.timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["nominations"])
        nominations = [row["nomination"] for row in ranked if row["nomination"].reference in chosen]
        closes_at = timezone.make_aware(
            datetime.datetime.combine(data["closes_on"], datetime.time(17))
        )
        proposal = _run(
            form,
            lambda: actions.propose_selection(
                by=request.user,
                selection_round=selection_round,
                nominations=nominations,
                closes_at=closes_at,
                text=data["text"],
            ),
        )
        if proposal is not None:
            messages.success(request, _("The proposal was put to the steering group."))
            return redirect("round_detail", selection_round.pk)
    return _form_page(
        request,
        form,
        _("Propose the selection to the steering group"),
        reverse("round_detail", args=[selection_round.pk]),
    )


# --- The dashboard ------------------------------------------------------------------------


def dashboard_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """Scores due: an open round in which the reader's constituency has not scored every
    nomination yet, for an editor who scores for it."""
    selection_round = actions.open_round()
    if not actions.scoring_open(selection_round):
        return None
    constituencies = actions.scoring_constituencies(actor)
    if not constituencies:
        return None
    nominations = set(
        Nomination.objects.visible_to(request.user)
        .filter(round=selection_round, state=Nomination.State.SUBMITTED)
        .values_list("pk", flat=True)
    )
    due = []
    for constituency in constituencies:
        scored = set(
            NominationScore.objects.visible_to(request.user)
            .filter(nomination_id__in=nominations, constituency=constituency)
            .values("nomination_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=len(Criterion.values))
            .values_list("nomination_id", flat=True)
        )
        if nominations - scored:
            due.append({"constituency": constituency, "open": len(nominations - scored)})
    if not due:
        return None
    return {"round": selection_round, "due": due}
