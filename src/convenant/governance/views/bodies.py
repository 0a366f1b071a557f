"""Governance pages: the bodies and the people in them over time, meetings with their
agenda, documents, attendance, outcomes and minutes, action items, and the calendar feed.

Who sits where is public; what a body discusses (meetings, documents, draft minutes,
amendments) goes through ``visible_to`` and reaches only its members and the secretariat.
Writes go through governance.actions.bodies; a refused write comes back as a message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError
from convenant.core.http import (
    AuthenticatedHttpRequest,
    content_type_of,
    extension_of,
    private_download,
)
from convenant.governance import calendar
from convenant.governance.actions import bodies as actions
from convenant.governance.models import (
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    Meeting,
    MinutesAmendment,
    Proposal,
    Seat,
    SeatAssignment,
)
from convenant.parties.models import Constituency, Membership, Party

WHY = "governance pages: who sits where is public"


# --- Forms (parsing only: the actions decide) -------------------------------------------


class PersonField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=actions.people_choices(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>"


class PartyField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Party.objects.all().order_by("name"), **kwargs)


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Body.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200, required=False)
    slug = forms.SlugField(label=gettext_lazy("Short address"), max_length=80)
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Reports to"), queryset=Body.objects.all(), required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Mandate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        **limits.text_field(limits.TEXT),
    )
    established_on = forms.DateField(
        label=gettext_lazy("Established on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SeatForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Seat"), max_length=120)
    constituency = forms.ModelChoiceField(
        label=gettext_lazy("Constituency"), queryset=Constituency.objects.all(), required=False
    )
    has_vote = forms.BooleanField(label=gettext_lazy("Has a vote"), required=False, initial=True)


class AssignForm(forms.Form):
    user = PersonField(label=gettext_lazy("Person"))
    party = PartyField(label=gettext_lazy("For the party"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=SeatAssignment.Role.choices)
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MembershipForm(forms.Form):
    user = PersonField(label=gettext_lazy("Person"))
    party = PartyField(label=gettext_lazy("For the party"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=BodyMembership.Role.choices)
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EndForm(forms.Form):
    end = forms.DateField(
        label=gettext_lazy("First day without"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(label=gettext_lazy("Location"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=1, max_value=600, initial=15
    )
    presenter = PersonField(label=gettext_lazy("Presenter"), required=False)
    parent = forms.IntegerField(label=gettext_lazy("Under item"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        **limits.text_field(limits.TEXT),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    file = forms.FileField(label=gettext_lazy("File"))


class AttendanceForm(forms.Form):
    user = PersonField(label=gettext_lazy("Person"))
    presence = forms.ChoiceField(
        label=gettext_lazy("Presence"), choices=Attendance.Presence.choices
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        """The people of the body on the meeting's day, not every account."""
        super().__init__(*args, **kwargs)
        on = timezone.localdate(meeting.starts_at)
        seats = (
            SeatAssignment.objects.visible_to(None).current(on).filter(seat__body=meeting.body_id)
        )
        members = BodyMembership.objects.visible_to(None).current(on).filter(body=meeting.body_id)
        ids = {*seats.values_list("user_id", flat=True), *members.values_list("user_id", flat=True)}
        field = cast(forms.ModelChoiceField, self.fields["user"])
        field.queryset = actions.people_choices().filter(pk__in=ids)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[c for c in AgendaItem.Outcome.choices if c[0]],
    )
    text = forms.CharField(
        label=gettext_lazy("Outcome"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        **limits.text_field(limits.MESSAGE),
    )
    proposal = forms.ModelChoiceField(
        label=gettext_lazy("Proposal"),
        queryset=Proposal.objects.visible_to(None),  # none; the view offers the body's own
        required=False,
    )
    action_title = forms.CharField(label=gettext_lazy("Action"), max_length=300, required=False)
    owner_user = PersonField(label=gettext_lazy("Owner (person)"), required=False)
    owner_party = PartyField(label=gettext_lazy("Owner (party)"), required=False)
    due_on = forms.DateField(
        label=gettext_lazy("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        **limits.text_field(limits.TEXT),
    )


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Proposed amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("1", gettext_lazy("Accept")), ("0", gettext_lazy("Reject"))],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


class ActionItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Action"), max_length=300)
    owner_user = PersonField(label=gettext_lazy("Owner (person)"), required=False)
    owner_party = PartyField(label=gettext_lazy("Owner (party)"), required=False)
    due_on = forms.DateField(
        label=gettext_lazy("Due on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# --- Helpers -----------------------------------------------------------------------------


def _write(
    request: HttpRequest,
    form: forms.Form,
    do: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
) -> HttpResponse:
    """Run an action from a posted form; come back to ``back`` with what happened."""
    if not form.is_valid():
        errors = [
            f"{form.fields[f].label if f in form.fields else ''}: {e}".lstrip(": ")
            for f, es in form.errors.items()
            for e in es
        ]
        messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        do(form.cleaned_data)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect(back)


def _secretariat(request: HttpRequest) -> None:
    access.require(access.actor_for(request.user).is_secretariat)


def _body(slug: str) -> Body:
    return get_object_or_404(Body, slug=slug)


def seat_table(body: Body, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Each seat with its holder and deputy today. A holder who no longer works for the
    party they sit for leaves the seat vacant until someone is assigned."""
    on = on or timezone.localdate()
    seats = list(body.seats.select_related("constituency"))
    current = list(
        SeatAssignment.objects.visible_to(None)
        .current(on)
        .filter(seat__body=body)
        .select_related("user", "party")
    )
    pairs = {(a.user_id, a.party_id) for a in current if a.party_id}
    still = set(
        Membership.objects.unrestricted("whether a seat's holder still works for the party")
        .filter(
            Q(party__left_on__isnull=True) | Q(party__left_on__gt=on),
            user_id__in={u for u, _p in pairs},
            party_id__in={p for _u, p in pairs},
        )
        .values_list("user_id", "party_id")
    )
    rows = []
    for seat in seats:
        row: dict[str, Any] = {"seat": seat, "holder": None, "deputy": None, "left": []}
        for a in current:
            if a.seat_id != seat.pk:
                continue
            if a.party_id is not None and (a.user_id, a.party_id) not in still:
                row["left"].append(a)  # left their party: the place is vacant
            else:
                row[a.role] = a
        rows.append(row)
    return rows


# --- Bodies ------------------------------------------------------------------------------


@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    """The covenant's bodies: the steering group, its working groups and their sub-working
    groups, the monitoring committee."""
    bodies = list(Body.objects.visible_to(request.user).select_related("parent"))
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(body.parent_id, []).append(body)
    tree: list[tuple[Body, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for body in children.get(parent, []):
            tree.append((body, depth))
            walk(body.pk, depth + 1)

    walk(None, 0)
    actor = access.actor_for(request.user)
    return render(
        request,
        "governance/body_list.html",
        {"tree": tree, "can_manage": actor.is_secretariat, "mine": actor.body_ids},
    )


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request: HttpRequest) -> HttpResponse:
    _secretariat(request)
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = actions.create_body(by=request.user, **form.cleaned_data)
        except ActionError as error:
            from convenant.core.errors import show_on_form

            show_on_form(form, error)
        else:
            messages.success(request, _("%(body)s was created.") % {"body": body})
            return redirect("body_detail", body.slug)
    return render(request, "governance/body_form.html", {"form": form})


@require_GET
def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(slug)
    actor = access.actor_for(request.user)
    member = actor.is_secretariat or body.pk in actor.body_ids
    today = timezone.localdate()
    assignments = (
        SeatAssignment.objects.visible_to(request.user)
        .filter(seat__body=body)
        .select_related("seat", "user", "party")
        .order_by("-start", "seat__order")
    )
    memberships = (
        BodyMembership.objects.visible_to(request.user)
        .filter(body=body)
        .select_related("user", "party")
        .order_by("-start")
    )
    meetings = (
        Meeting.objects.visible_to(request.user).filter(body=body).order_by("-starts_at")
        if member
        else Meeting.objects.none()
    )
    actions_open = (
        ActionItem.objects.visible_to(request.user)
        .filter(body=body, status=ActionItem.Status.OPEN)
        .select_related("owner_user", "owner_party")
    )
    seats = seat_table(body, today)
    if actor.is_secretariat:
        for row in seats:
            row["form"] = AssignForm(auto_id=f"seat{row['seat'].pk}_%s", initial={"start": today})
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "seats": seats,
            "current_members": [
                m for m in memberships if m.start <= today and (m.end is None or m.end > today)
            ],
            "assignments": assignments,
            "memberships": memberships,
            "children": body.children.all(),
            "upcoming": [m for m in meetings if m.starts_at >= timezone.now()][::-1],
            "past": [m for m in meetings if m.starts_at < timezone.now()][:20],
            "actions_open": actions_open,
            "overdue": [a for a in actions_open if a.due_on < today],
            "member": member,
            "can_manage": actor.is_secretariat,
            "today": today,
            # Each form its own ids (auto_id), as several share field names on one page.
            "forms": {
                "seat": SeatForm(auto_id="seat_%s"),
                "membership": MembershipForm(auto_id="member_%s", initial={"start": today}),
                "meeting": MeetingForm(auto_id="meeting_%s"),
                "action": ActionItemForm(auto_id="action_%s"),
            }
            if actor.is_secretariat
            else {},
        },
    )


@login_required
@require_POST
def body_seat_add(request: HttpRequest, slug: str) -> HttpResponse:
    _secretariat(request)
    body = _body(slug)
    return _write(
        request,
        SeatForm(request.POST),
        lambda d: actions.add_seat(by=request.user, body=body, **d),
        _("The seat was added."),
        reverse("body_detail", args=[slug]),
    )


@login_required
@require_POST
def seat_assign(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat(request)
    seat = get_object_or_404(Seat.objects.select_related("body"), pk=pk)
    return _write(
        request,
        AssignForm(request.POST),
        lambda d: actions.assign_seat(by=request.user, seat=seat, **d),
        _("The person was assigned to the seat."),
        reverse("body_detail", args=[seat.body.slug]),
    )


@login_required
@require_POST
def seat_assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat(request)
    assignment = access.get_visible_or_404(SeatAssignment, request.user, pk=pk)
    return _write(
        request,
        EndForm(request.POST),
        lambda d: actions.end_assignment(by=request.user, assignment=assignment, **d),
        _("The assignment ends on that date."),
        reverse("body_detail", args=[assignment.seat.body.slug]),
    )


@login_required
@require_POST
def body_membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    _secretariat(request)
    body = _body(slug)
    return _write(
        request,
        MembershipForm(request.POST),
        lambda d: actions.add_membership(by=request.user, body=body, **d),
        _("The person was added to the body."),
        reverse("body_detail", args=[slug]),
    )


@login_required
@require_POST
def body_membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat(request)
    membership = access.get_visible_or_404(BodyMembership, request.user, pk=pk)
    return _write(
        request,
        EndForm(request.POST),
        lambda d: actions.end_membership(by=request.user, membership=membership, **d),
        _("The membership ends on that date."),
        reverse("body_detail", args=[membership.body.slug]),
    )


# --- Meetings ----------------------------------------------------------------------------


@login_required
@require_POST
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    _secretariat(request)
    body = _body(slug)
    form = MeetingForm(request.POST)
    made: list[Meeting] = []
    response = _write(
        request,
        form,
        lambda d: made.append(actions.create_meeting(by=request.user, body=body, **d)),
        _("The meeting was created as a draft."),
        reverse("body_detail", args=[slug]),
    )
    return redirect("meeting_detail", made[0].pk) if made else response


# The button that takes a meeting to its next state says what it does.
STEP_LABELS: dict[str, Any] = {
    Meeting.State.AGENDA_PUBLISHED: gettext_lazy("Publish the agenda"),
    Meeting.State.IN_PROGRESS: gettext_lazy("Open the meeting"),
    Meeting.State.CLOSED: gettext_lazy("Close the meeting (unhandled items move on)"),
    Meeting.State.MINUTES_APPROVED: gettext_lazy("Record the minutes as approved by the body"),
}


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return access.get_visible_or_404(Meeting.objects.select_related("body"), request.user, pk=pk)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    actor = access.actor_for(request.user)
    items = list(
        AgendaItem.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("presenter", "proposal", "carried_from__meeting")
        .prefetch_related(
            Prefetch("documents", queryset=AgendaDocument.objects.visible_to(request.user)),
            Prefetch(
                "carried_to",
                queryset=AgendaItem.objects.visible_to(request.user).select_related("meeting"),
            ),
        )
        .order_by("order", "pk")
    )
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)
    agenda: list[tuple[AgendaItem, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for item in by_parent.get(parent, []):
            agenda.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 0)
    window = actions.amendment_window_closes(meeting)
    can_manage = actor.is_secretariat
    is_member = meeting.body_id in actor.body_ids
    states = actions.ORDER
    here = states.index(meeting.state)
    next_state = states[here + 1] if here + 1 < len(states) else None
    proposals = Proposal.objects.visible_to(request.user).filter(body=meeting.body)
    item_form = AgendaItemForm(auto_id="item_%s")
    item_form.fields["parent"] = forms.TypedChoiceField(
        label=_("Under item"),
        choices=[("", _("(top level)")), *((i.pk, i.title) for i, _d in agenda)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    amendments = list(
        MinutesAmendment.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("proposed_by")
    )
    if can_manage:
        # Per item and per amendment a form with ids of its own.
        for item, _depth in agenda:
            item.document_form = DocumentForm(auto_id=f"doc{item.pk}_%s")  # type: ignore[attr-defined]
            outcome = OutcomeForm(auto_id=f"outcome{item.pk}_%s")
            cast(forms.ModelChoiceField, outcome.fields["proposal"]).queryset = proposals
            item.outcome_form = outcome  # type: ignore[attr-defined]
        for amendment in amendments:
            amendment.answer_form = AnswerForm(auto_id=f"answer{amendment.pk}_%s")
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "total_minutes": sum(i.duration_minutes for i in items),
            "attendance": Attendance.objects.visible_to(request.user)
            .filter(meeting=meeting)
            .select_related("user", "party"),
            "amendments": amendments,
            "actions": ActionItem.objects.visible_to(request.user)
            .filter(meeting=meeting)
            .select_related("owner_user", "owner_party"),
            "window_closes": window,
            "window_open": window is not None
            and timezone.now() <= window
            and meeting.state != Meeting.State.MINUTES_APPROVED,
            "can_manage": can_manage,
            "can_amend": is_member,
            "next_state": next_state,
            "next_state_label": STEP_LABELS.get(next_state or "", ""),
            "agenda_open": meeting.state in (Meeting.State.DRAFT, Meeting.State.AGENDA_PUBLISHED),
            "forms": {
                "item": item_form,
                "attendance": AttendanceForm(auto_id="attendance_%s", meeting=meeting),
                "minutes": MinutesForm(auto_id="minutes_%s", initial={"minutes": meeting.minutes}),
            }
            if can_manage
            else {},
            "amendment_form": AmendmentForm(auto_id="amendment_%s"),
        },
    )


@login_required
@require_POST
def meeting_advance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _secretariat(request)
    to_state = request.POST.get("state", "")
    label = Meeting.State(to_state).label if to_state in Meeting.State.values else to_state
    return _write(
        request,
        forms.Form(request.POST),
        lambda d: actions.advance_meeting(by=request.user, meeting=meeting, to_state=to_state),
        _("The meeting is now: %(state)s.") % {"state": label},
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _secretariat(request)

    def do(d: dict[str, Any]) -> None:
        parent_id = d.pop("parent")
        parent = (
            AgendaItem.objects.visible_to(request.user)
            .filter(pk=parent_id, meeting=meeting)
            .first()
            if parent_id
            else None
        )
        actions.add_agenda_item(by=request.user, meeting=meeting, parent=parent, **d)

    return _write(
        request,
        AgendaItemForm(request.POST),
        do,
        _("The item was added to the agenda."),
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def agenda_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_visible_or_404(
        AgendaItem.objects.select_related("meeting"), request.user, pk=pk
    )
    _secretariat(request)

    def do(d: dict[str, Any]) -> None:
        upload = d["file"]
        if upload.size > actions.max_document_bytes():
            raise ActionError(
                _("A document may be at most %(mb)d MB.")
                % {"mb": actions.max_document_bytes() // 2**20}
            )
        actions.add_agenda_document(
            by=request.user, item=item, title=d["title"], filename=upload.name, data=upload.read()
        )

    return _write(
        request,
        DocumentForm(request.POST, request.FILES),
        do,
        _("The document was added."),
        reverse("meeting_detail", args=[item.meeting_id]),
    )


@login_required
@require_GET
def agenda_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A meeting document, to the body's members and the secretariat only; always as a
    download, never rendered in the page."""
    document = access.get_visible_or_404(AgendaDocument, request.user, pk=pk)
    name = document.file.name
    return private_download(
        actions.document_storage(),
        name,
        filename=f"{document.title}.{extension_of(name)}",
        content_type=content_type_of(name, actions.DOCUMENT_TYPES),
    )


@login_required
@require_POST
def attendance_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _secretariat(request)
    return _write(
        request,
        AttendanceForm(request.POST, meeting=meeting),
        lambda d: actions.record_attendance(by=request.user, meeting=meeting, **d),
        _("Attendance was recorded."),
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def agenda_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_visible_or_404(
        AgendaItem.objects.select_related("meeting"), request.user, pk=pk
    )
    _secretariat(request)
    form = OutcomeForm(request.POST)
    cast(forms.ModelChoiceField, form.fields["proposal"]).queryset = Proposal.objects.visible_to(
        request.user
    ).filter(body_id=item.meeting.body_id)
    return _write(
        request,
        form,
        lambda d: actions.record_outcome(by=request.user, item=item, **d),
        _("The outcome was recorded."),
        reverse("meeting_detail", args=[item.meeting_id]),
    )


@login_required
@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _secretariat(request)
    return _write(
        request,
        MinutesForm(request.POST),
        lambda d: actions.save_minutes(by=request.user, meeting=meeting, **d),
        _("The draft minutes were saved."),
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _secretariat(request)
    return _write(
        request,
        forms.Form(request.POST),
        lambda d: actions.send_minutes(by=request.user, meeting=meeting),
        _("The draft minutes went to the members: they may propose amendments."),
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def amendment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    access.require(meeting.body_id in access.actor_for(request.user).body_ids)
    return _write(
        request,
        AmendmentForm(request.POST),
        lambda d: actions.propose_amendment(by=request.user, meeting=meeting, **d),
        _("Your amendment was sent to the secretariat."),
        reverse("meeting_detail", args=[pk]),
    )


@login_required
@require_POST
def amendment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = access.get_visible_or_404(MinutesAmendment, request.user, pk=pk)
    _secretariat(request)
    return _write(
        request,
        AnswerForm(request.POST),
        lambda d: actions.answer_amendment(by=request.user, amendment=amendment, **d),
        _("The amendment was answered."),
        reverse("meeting_detail", args=[amendment.meeting_id]),
    )


# --- Action items ------------------------------------------------------------------------


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """The action items of the person: their own, their party's, and their bodies'."""
    actor = access.actor_for(request.user)
    show = request.GET.get("show", "open")
    items = ActionItem.objects.visible_to(request.user).select_related(
        "body", "owner_user", "owner_party", "meeting"
    )
    if show == "open":
        items = items.filter(status=ActionItem.Status.OPEN)
    mine = Q(owner_user_id=actor.user_id) | Q(owner_party_id__in=actor.party_ids)
    page = Paginator(items.order_by("status", "due_on", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/action_list.html",
        {
            "page": page,
            "show": show,
            "mine_ids": set(items.filter(mine).values_list("pk", flat=True)),
            "today": timezone.localdate(),
            "can": {a.pk: actions.can_complete(actor, a) for a in page},
        },
    )


@login_required
@require_POST
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    _secretariat(request)
    body = _body(slug)
    return _write(
        request,
        ActionItemForm(request.POST),
        lambda d: actions.create_action_item(by=request.user, body=body, **d),
        _("The action item was added."),
        reverse("body_detail", args=[slug]),
    )


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_visible_or_404(ActionItem, request.user, pk=pk)
    access.require(actions.can_complete(access.actor_for(request.user), action))
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("action_list")
    return _write(
        request,
        forms.Form(request.POST),
        lambda d: actions.complete_action_item(by=request.user, action=action),
        _("The action is marked done."),
        back,
    )


# --- The calendar feed -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's calendar feed: renewing it gives a new secret address (shown once) and
    the old one stops working."""
    from convenant.governance.models import CalendarFeed

    token = None
    if request.method == "POST":
        token = actions.renew_calendar_feed(by=request.user)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "governance/meeting_calendar.html",
        {
            "feed": feed,
            "url": request.build_absolute_uri(reverse("calendar_feed", args=[token]))
            if token
            else None,
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar programs: anonymous, by its secret token only."""
    user = actions.feed_owner(token)
    if user is None:
        raise Http404
    # No session here: the person's own language, as on their pages.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = calendar.render_ical(calendar.events_for(user), _("Covenant meetings"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
