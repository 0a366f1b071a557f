"""Views of reporting: reporting cycles and each party's submission: opening a cycle, answering
(saved as the person types), evidence, validation, submitting, reminders and the
secretariat's overview.

A submission and its content are read through ``visible_to`` (the party's members; the
secretariat and the committee once submitted); the secretariat's overview shows per party the
row only — state, dates, counts — never an answer. Writes go through reporting.actions."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.exports import inert_cell
from convenant.core.http import extension_of, private_download
from convenant.reporting.actions import cycles as cycle_actions
from convenant.reporting.actions import submissions as actions
from convenant.reporting.models import (
    Answer,
    Cycle,
    Evidence,
    Framework,
    Indicator,
    Question,
    Submission,
    Target,
)

# --- Forms (parsing only: the actions decide) -------------------------------------------


class CycleForm(forms.Form):
    label = forms.SlugField(
        label=gettext_lazy("Label"),
        max_length=20,
        help_text=gettext_lazy("A short code, like 2021-1."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Cycle.Kind.choices)
    framework = forms.ModelChoiceField(
        label=gettext_lazy("Framework version"), queryset=Framework.objects.none()
    )
    reference_date = forms.DateField(
        label=gettext_lazy("Reference date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    corrections_until = forms.DateField(
        label=gettext_lazy("Corrections until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.visible_to(None)  # type: ignore[attr-defined]
        codes: list[tuple[str, str]] = []
        for indicator in Indicator.objects.filter(
            parent__isnull=True, questionnaire="fund"
        ).order_by("framework__version", "order"):
            if indicator.code not in [c for c, _n in codes]:
                codes.append((indicator.code, indicator.name_in()))
        self.target_codes = [c for c, _n in codes]
        for code, name in codes:
            self.fields[f"target_{code}"] = forms.DecimalField(
                label=_("Target %(indicator)s (%% of funds)") % {"indicator": name},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
            )

    def targets(self) -> dict[str, Any]:
        return {c: self.cleaned_data.get(f"target_{c}") for c in self.target_codes}


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, **limits.text_field(limits.LINE)
    )
    file = forms.FileField(label=gettext_lazy("Document"))


# --- Helpers ----------------------------------------------------------------------------


def _cycle(request: HttpRequest, label: str) -> Cycle:
    return access.get_visible_or_404(
        Cycle.objects.select_related("framework"), request.user, label=label
    )


def _submission(request: HttpRequest, pk: int) -> Submission:
    return access.get_visible_or_404(
        Submission.objects.select_related("cycle", "cycle__framework", "party"),
        request.user,
        pk=pk,
    )


def _writable(request: HttpRequest, pk: int) -> Submission:
    submission = _submission(request, pk)
    access.require(actions.may_write(request.user, submission))
    return submission


def _reads_content(request: HttpRequest, submission: Submission) -> bool:
    return (
        Answer.objects.visible_to(request.user).filter(submission=submission).exists()
        or submission.party_id in access.actor_for(request.user).party_ids
    )


def _detail(submission: Submission, anchor: str = "") -> HttpResponse:
    return redirect(reverse("submission_detail", args=[submission.pk]) + anchor)


def _done(request: HttpRequest, do: Any, success: str) -> bool:
    try:
        do()
    except ActionError as error:
        messages.error(request, error.messages[0])
        return False
    messages.success(request, success)
    return True


def display_value(question: Question, answer: Answer | None) -> str:
    """An answer as a person reads it."""
    if answer is None:
        return ""
    if answer.not_applicable:
        return _("Not applicable")
    value = answer.value
    if value is None:
        return ""
    if question.kind == Question.Kind.YES_NO:
        return _("Yes") if value is True or value in ("yes", "true") else _("No")
    if question.kind == Question.Kind.CHOICE:
        for choice in question.choices or []:
            if choice.get("value") == value:
                english = (request_language() or "nl").startswith("en")
                return str(choice.get("label_en") if english else choice.get("label")) or str(value)
    if question.kind == Question.Kind.PERCENTAGE:
        return f"{value} %"
    return str(value)


def request_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "nl"


def form_value(question: Question, answer: Answer | None) -> str:
    """An answer as the form's field holds it."""
    if answer is None or answer.value is None or answer.not_applicable:
        return ""
    if question.kind == Question.Kind.YES_NO:
        return "yes" if answer.value is True or answer.value == "yes" else "no"
    return str(answer.value)


def depends_value(question: Question) -> str:
    """The answer a dependent question waits for, as its form field holds it (for the page's
    script, which shows the question once that answer is given)."""
    value = question.depends_value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def questionnaire(submission: Submission, user: Any, *, editing: bool = False) -> dict[str, Any]:
    """The questionnaire of the frozen version grouped by main and sub-indicator, each
    question asked with its answer, evidence and what is missing. ``editing``: the questions
    not (yet) asked come too, hidden, so that the page's script shows them once the answer
    they depend on is given."""
    reads = Answer.objects.visible_to(user).filter(submission=submission)
    answers = {a.question.code: a for a in reads.select_related("question")}
    evidence: dict[int | None, list[Evidence]] = {}
    for e in Evidence.objects.visible_to(user).filter(submission=submission):
        evidence.setdefault(e.question_id, []).append(e)
    questions = actions.questions_of(submission)
    by_code = {q.code: q for q in questions}
    asked = [q for q in questions if actions.is_asked(q, answers, by_code)]
    missing: dict[str, str] = {}
    if answers:
        missing = {m.question.code: m.reason for m in actions.missing(submission, answers)}
    mains = list(
        Indicator.objects.filter(
            framework_id=submission.cycle.framework_id,
            parent__isnull=True,
            questionnaire=submission.questionnaire,
        ).order_by("order")
    )
    subs = list(
        Indicator.objects.filter(
            framework_id=submission.cycle.framework_id,
            parent__isnull=False,
            questionnaire=submission.questionnaire,
        ).order_by("order")
    )
    groups = []
    for main in mains:
        parts = []
        for sub in [main, *[s for s in subs if s.parent_id == main.pk]]:
            items = []
            for q in questions if editing else asked:
                if q.indicator_id != sub.pk:
                    continue
                a = answers.get(q.code)
                choices = [
                    (
                        str(c.get("value")),
                        str(
                            c.get("label_en")
                            if request_language().startswith("en")
                            else c.get("label")
                        ),
                    )
                    for c in (q.choices or [])
                ]
                items.append(
                    {
                        "question": q,
                        "text": q.text_in(),
                        "help": q.help_in(),
                        "answer": a,
                        "display": display_value(q, a),
                        "value": form_value(q, a),
                        "choices": choices,
                        "evidence": evidence.get(q.pk, []),
                        "missing": missing.get(q.code, ""),
                        "prefilled": a is not None and a.state == Answer.State.PREFILLED,
                        "asked": q in asked,
                        "depends_value": depends_value(q),
                    }
                )
            if items:
                parts.append({"indicator": sub, "name": sub.name_in(), "items": items})
        if parts:
            groups.append({"indicator": main, "name": main.name_in(), "parts": parts})
    progress = actions.progress_of(questions, answers)
    return {
        "groups": groups,
        "missing": [(q, missing[q.code]) for q in asked if q.code in missing],
        "progress": progress,
        "mains": mains,
    }


# --- Landing page -----------------------------------------------------------------------


@login_required
@require_GET
def reporting_home(request: HttpRequest) -> HttpResponse:
    """A party member's submissions per cycle with state and deadline; for the secretariat
    and the committee the cycles."""
    actor = access.actor_for(request.user)
    access.require(actor.is_covenant_member or actor.is_secretariat)
    cycles = list(Cycle.objects.visible_to(request.user).select_related("framework"))
    mine = list(
        Submission.objects.visible_to(request.user)
        .filter(party_id__in=actor.party_ids)
        .in_force()
        .select_related("cycle", "party")
        .order_by("-cycle__reference_date", "party__name", "-version")
    )
    today = timezone.localdate()
    return render(
        request,
        "reporting/submissions/home.html",
        {
            "cycles": cycles,
            "mine": [{"submission": s, "late": actions.is_late(s, today)} for s in mine],
            "administers": actor.is_secretariat or actor.is_monitoring_committee,
            "may_prepare": actor.is_secretariat,
        },
    )


# --- Cycles (the secretariat) ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest) -> HttpResponse:
    access.require(access.actor_for(request.user).is_secretariat)
    if request.method == "POST":
        form = CycleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                cycle = cycle_actions.create_cycle(
                    by=request.user,  # type: ignore[arg-type]
                    label=d["label"],
                    name=d["name"],
                    kind=d["kind"],
                    framework=d["framework"],
                    reference_date=d["reference_date"],
                    opens_on=d["opens_on"],
                    closes_on=d["closes_on"],
                    corrections_until=d["corrections_until"],
                    targets=form.targets(),
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The cycle is prepared. Open it when it is ready."))
                return redirect("cycle_detail", cycle.label)
    else:
        form = CycleForm()
    return render(request, "reporting/submissions/cycle_form.html", {"form": form, "cycle": None})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, label: str) -> HttpResponse:
    cycle = _cycle(request, label)
    access.require(access.actor_for(request.user).is_secretariat)
    if cycle.state != Cycle.State.DRAFT:
        messages.error(
            request, _("An opened cycle no longer changes: its framework and dates are fixed.")
        )
        return redirect("cycle_detail", cycle.label)
    if request.method == "POST":
        form = CycleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            changes = {f: d[f] for f in cycle_actions.CYCLE_FIELDS}
            changes["targets"] = form.targets()
            try:
                cycle = cycle_actions.update_cycle(
                    by=request.user,  # type: ignore[arg-type]
                    cycle=cycle,
                    changes=changes,
                )
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The cycle was changed."))
                return redirect("cycle_detail", cycle.label)
    else:
        initial = {f: getattr(cycle, f) for f in cycle_actions.CYCLE_FIELDS}
        for t in Target.objects.visible_to(request.user).filter(cycle=cycle):
            initial[f"target_{t.indicator_code}"] = t.share
        form = CycleForm(initial=initial)
    return render(request, "reporting/submissions/cycle_form.html", {"form": form, "cycle": cycle})


@login_required
@require_POST
def cycle_open(request: HttpRequest, label: str) -> HttpResponse:
    cycle = _cycle(request, label)
    access.require(access.actor_for(request.user).is_secretariat)
    _done(
        request,
        lambda: cycle_actions.open_cycle(by=request.user, cycle=cycle),  # type: ignore[arg-type]
        _("The cycle is open: every party that reports has its submission."),
    )
    return redirect("cycle_detail", cycle.label)


@login_required
@require_POST
def cycle_close(request: HttpRequest, label: str) -> HttpResponse:
    cycle = _cycle(request, label)
    access.require(access.actor_for(request.user).is_secretariat)
    _done(
        request,
        lambda: cycle_actions.close_cycle(by=request.user, cycle=cycle),  # type: ignore[arg-type]
        _("The cycle is closed."),
    )
    return redirect("cycle_detail", cycle.label)


FILTERS = {
    "late": gettext_lazy("Late"),
    "incomplete": gettext_lazy("Incomplete"),
    "submitted": gettext_lazy("Submitted"),
}


def _filtered(rows: list[actions.OverviewRow], wanted: str) -> list[actions.OverviewRow]:
    if wanted == "late":
        return [r for r in rows if r.late]
    if wanted == "incomplete":
        return [r for r in rows if not r.submission.is_submitted and not r.progress.complete]
    if wanted == "submitted":
        return [r for r in rows if r.submission.is_submitted]
    return rows


@login_required
@require_GET
def cycle_detail(request: HttpRequest, label: str) -> HttpResponse:
    """The cycle; for the secretariat and the committee its overview per party (the row,
    never an answer), with filters and reminders; for a party member its own submissions."""
    cycle = _cycle(request, label)
    actor = access.actor_for(request.user)
    administers = actor.is_secretariat or actor.is_monitoring_committee
    wanted = request.GET.get("filter", "")
    rows: list[actions.OverviewRow] = []
    counts: dict[str, int] = {}
    if administers and cycle.state != Cycle.State.DRAFT:
        every = actions.overview(by=request.user, cycle=cycle)  # type: ignore[arg-type]
        counts = {key: len(_filtered(every, key)) for key in FILTERS}
        counts["all"] = len(every)
        rows = _filtered(every, wanted if wanted in FILTERS else "")
    mine = list(
        Submission.objects.visible_to(request.user)
        .filter(cycle=cycle, party_id__in=actor.party_ids)
        .in_force()
        .select_related("party")
    )
    targets = list(Target.objects.visible_to(request.user).filter(cycle=cycle))
    names = {
        i.code: i.name_in()
        for i in Indicator.objects.filter(framework_id=cycle.framework_id, parent__isnull=True)
    }
    return render(
        request,
        "reporting/submissions/cycle_detail.html",
        {
            "cycle": cycle,
            "administers": administers,
            "is_secretariat": actor.is_secretariat,
            "rows": rows,
            "counts": counts,
            "filters": FILTERS,
            "wanted": wanted,
            "mine": mine,
            "targets": [(names.get(t.indicator_code, t.indicator_code), t.share) for t in targets],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def cycle_remind(request: HttpRequest, label: str) -> HttpResponse:
    """The secretariat reminds the parties it chose on its overview."""
    cycle = _cycle(request, label)
    access.require(access.actor_for(request.user).is_secretariat)
    ids = []
    for raw in request.POST.getlist("submission"):
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    try:
        sent = actions.send_reminders(
            by=request.user,  # type: ignore[arg-type]
            cycle=cycle,
            submission_ids=ids,
        )
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "A reminder was sent to %(n)d party.",
                "A reminder was sent to %(n)d parties.",
                len(sent),
            )
            % {"n": len(sent)},
        )
    return redirect("cycle_detail", cycle.label)


EXPORT_HEADER = (
    "party",
    "code",
    "type",
    "left_on",
    "state",
    "version",
    "last_saved",
    "answered",
    "asked",
    "to_confirm",
    "late",
    "submitted_at",
    "reminders",
)


def export_rows(rows: list[actions.OverviewRow]) -> list[list[Any]]:
    out = []
    for r in rows:
        s = r.submission
        out.append(
            [
                s.party.name,
                s.party.code,
                s.party.type,
                s.party.left_on.isoformat() if s.party.left_on else "",
                s.state,
                s.version,
                r.last_saved.isoformat() if r.last_saved else "",
                r.progress.answered,
                r.progress.asked,
                r.progress.to_confirm,
                "yes" if r.late else "no",
                s.submitted_at.isoformat() if s.submitted_at else "",
                len(r.reminders),
            ]
        )
    return out


@login_required
@require_GET
def cycle_export(request: HttpRequest, label: str, file_format: str) -> HttpResponseBase:
    """The overview as CSV or XLSX: the row per party, no answer."""
    cycle = _cycle(request, label)
    actor = access.actor_for(request.user)
    access.require(actor.is_secretariat or actor.is_monitoring_committee)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    rows = export_rows(actions.overview(by=request.user, cycle=cycle))  # type: ignore[arg-type]
    name = f"reporting-{cycle.label}-overview.{file_format}"
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_HEADER)
        for row in rows:
            writer.writerow([inert_cell(v) for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = cycle.label[:31]
        sheet.append(list(EXPORT_HEADER))
        for row in rows:
            sheet.append([inert_cell(v) for v in row])
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(
            data.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- A party's submission ---------------------------------------------------------------


def _changes_from_post(request: HttpRequest, submission: Submission) -> list[actions.Change]:
    """The whole form as sent without JavaScript: each asked question's value, N/A and
    explanation."""
    changes = []
    for question in actions.questions_of(submission):
        code = question.code
        if f"present-{code}" not in request.POST:
            continue  # not on the page (not asked, or read-only)
        changes.append(
            actions.Change(
                code=code,
                value=request.POST.get(f"q-{code}", ""),
                value_sent=question.kind != Question.Kind.EVIDENCE,
                not_applicable=(f"na-{code}" in request.POST)
                if question.allows_not_applicable
                else None,
                comment=request.POST.get(f"c-{code}", ""),
            )
        )
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The party's submission: the questionnaire grouped by indicator, saved as the person
    types (static/reporting/autosave.js) or with the Save button; validation, evidence, the
    opt-in to publish, Submit. Locked once submitted. The committee and the secretariat read a
    submitted version here too; of a draft they see the row only."""
    submission = _submission(request, pk)
    may_write = actions.may_write(request.user, submission)
    editable = may_write and submission.state in actions.WRITABLE
    if request.method == "POST":
        access.require(may_write)
        try:
            actions.save_answers(
                by=request.user,  # type: ignore[arg-type]
                submission=submission,
                changes=_changes_from_post(request, submission),
            )
        except ActionError as error:
            messages.error(request, error.messages[0])
            anchor = f"#q-{error.field}" if error.field else ""
            return _detail(submission, anchor)
        messages.success(request, _("The answers were saved."))
        return _detail(submission)
    content = _reads_content(request, submission)
    context: dict[str, Any] = {
        "submission": submission,
        "cycle": submission.cycle,
        "may_write": may_write,
        "editable": editable and submission.state != Submission.State.NOT_STARTED,
        "may_start": editable and submission.state == Submission.State.NOT_STARTED,
        "content": content,
        "late": actions.is_late(submission),
        "evidence_form": EvidenceForm(),
        "max_mb": actions.max_evidence_bytes() // 2**20,
        "threads": _threads(request, submission) if content else None,
    }
    if content:
        context.update(questionnaire(submission, request.user, editing=bool(context["editable"])))
    return render(request, "reporting/submissions/detail.html", context)


def _threads(request: HttpRequest, submission: Submission) -> Any:
    """The committee's questions and the party's answers (area review), when it provides
    them."""
    try:
        from convenant.reporting.views.review import threads_for
    except ImportError:
        return None
    return threads_for(request.user, submission)


@login_required
@require_POST
def submission_start(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    _done(
        request,
        lambda: actions.start_submission(by=request.user, submission=submission),  # type: ignore[arg-type]
        _(
            "The submission is started; answers the platform knows are pre-filled: confirm or "
            "change each."
        ),
    )
    return _detail(submission)


@login_required
@require_POST
def submission_confirm(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    submission = _writable(request, pk)
    if code == "all":
        _done(
            request,
            lambda: actions.confirm_all(by=request.user, submission=submission),  # type: ignore[arg-type]
            _("The pre-filled answers are confirmed."),
        )
        return _detail(submission)
    _done(
        request,
        lambda: actions.confirm_answer(by=request.user, submission=submission, code=code),  # type: ignore[arg-type]
        _("The pre-filled answer is confirmed."),
    )
    return _detail(submission, f"#q-{code}")


@login_required
@require_POST
def submission_evidence_upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    submission = _writable(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for es in form.errors.values() for e in es))
        return _detail(submission, f"#q-{code}")
    upload = form.cleaned_data["file"]
    if upload.size > actions.max_evidence_bytes():
        messages.error(
            request,
            _("A document may be at most %(mb)d MB.")
            % {"mb": actions.max_evidence_bytes() // 2**20},
        )
        return _detail(submission, f"#q-{code}")
    _done(
        request,
        lambda: actions.upload_evidence(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            code=code,
            title=form.cleaned_data["title"],
            filename=upload.name,
            data=upload.read(),
        ),
        _("The document was added."),
    )
    return _detail(submission, f"#q-{code}")


@login_required
@require_GET
def submission_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """An evidence document, to whoever reads the submission's content; always a download."""
    submission = _submission(request, pk)
    evidence = access.get_visible_or_404(
        Evidence.objects.filter(submission=submission), request.user, pk=evidence_pk
    )
    name = evidence.file.name
    return private_download(
        actions.evidence_storage(),
        name,
        filename=f"{evidence.title}.{extension_of(name)}",
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def submission_publish(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    _done(
        request,
        lambda: actions.set_public_indicators(
            by=request.user,  # type: ignore[arg-type]
            submission=submission,
            codes=request.POST.getlist("indicator"),
        ),
        _("Your choice of what to publish is saved."),
    )
    return _detail(submission, "#publish")


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _writable(request, pk)
    _done(
        request,
        lambda: actions.submit(by=request.user, submission=submission),  # type: ignore[arg-type]
        _("The submission was sent to the monitoring committee."),
    )
    return _detail(submission)


# --- The dashboard ----------------------------------------------------------------------


def dashboard_panel(request: HttpRequest, actor: access.Actor) -> dict[str, Any] | None:
    """Submission due: the reader's parties' submissions not yet sent in open cycles; for the
    secretariat the open cycles with how many have submitted."""
    if not actor.is_authenticated:
        return None
    today = timezone.localdate()
    due = list(
        Submission.objects.visible_to(request.user)
        .filter(
            party_id__in=actor.party_ids,
            cycle__state=Cycle.State.OPEN,
            state__in=[*actions.NOT_SUBMITTED, Submission.State.QUESTIONS_RAISED],
        )
        .select_related("cycle", "party")
        .order_by("cycle__closes_on")
    )
    cycles: list[dict[str, Any]] = []
    if actor.is_secretariat:
        for cycle in Cycle.objects.visible_to(request.user).filter(state=Cycle.State.OPEN):
            rows = Submission.objects.visible_to(request.user).filter(cycle=cycle).in_force()
            cycles.append(
                {
                    "cycle": cycle,
                    "total": rows.values("party_id").distinct().count(),
                    "submitted": rows.exclude(state__in=actions.NOT_SUBMITTED)
                    .values("party_id")
                    .distinct()
                    .count(),
                }
            )
    if not due and not cycles:
        return None
    return {
        "due": [
            {
                "submission": s,
                "late": actions.is_late(s, today),
                "days": (s.cycle.closes_on - today).days,
            }
            for s in due
        ],
        "cycles": cycles,
    }
