"""Views of reporting: the monitoring committee's workspace: each submitted submission with its
evidence, questions threaded per question, scores confirmed or corrected, acceptance, reopening
and corrections, findings and recommendations.

Every read goes through ``visible_to(user)``. The workspace is the committee's (the secretariat
reads it too); a submission's content reaches them only once that version has been submitted —
a draft answers 404 there, as if it did not exist. The party reads the committee's questions
about its own submission and answers them on its questions page (or where the submissions area
includes ``reporting/review/_threads.html`` with ``threads_for``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convenant.core import access, limits
from convenant.core.errors import ActionError, show_on_form
from convenant.core.http import private_download
from convenant.reporting import scoring
from convenant.reporting.actions import review as actions
from convenant.reporting.models import (
    SUBMITTED_STATES,
    Answer,
    Cycle,
    Evidence,
    Finding,
    Indicator,
    Outcome,
    Question,
    ReviewMessage,
    ReviewThread,
    Score,
    Submission,
)
from convenant.reporting.views.submissions import display_value

S = Submission.State


def is_reviewer(actor: access.Actor) -> bool:
    """The committee's workspace: the committee, and the secretariat reading along."""
    return actor.is_monitoring_committee or actor.is_secretariat


def _submission(request: HttpRequest, pk: int) -> Submission:
    return access.get_visible_or_404(
        Submission.objects.select_related("cycle", "party", "cycle__framework"),
        request.user,
        pk=pk,
    )


def _content_visible(actor: access.Actor, submission: Submission) -> bool:
    """A version's content: the party's own; the others' once it has been submitted."""
    return actor.has_role(submission.party_id) or (
        is_reviewer(actor) and submission.state in SUBMITTED_STATES
    )


def _reviewed_submission(request: HttpRequest, pk: int) -> Submission:
    """A submission in the committee's workspace: 403 to those who may see its row but do not
    review; 404 for a draft, whose content is the party's own."""
    submission = _submission(request, pk)
    actor = access.actor_for(request.user)
    access.require(is_reviewer(actor))
    if submission.state not in SUBMITTED_STATES:
        raise Http404
    return submission


# --- The workspace --------------------------------------------------------------------------


@login_required
@require_GET
def review_home(request: HttpRequest) -> HttpResponse:
    """The cycles opened so far, each with how many versions wait for the committee."""
    access.require(is_reviewer(access.actor_for(request.user)))
    cycles = (
        Cycle.objects.visible_to(request.user)
        .exclude(state=Cycle.State.DRAFT)
        .order_by("-reference_date", "label")
    )
    counts: dict[int, dict[str, int]] = {}
    for cycle_id, state, n in (
        Submission.objects.visible_to(request.user)
        .filter(cycle__in=cycles, state__in=SUBMITTED_STATES)
        .values_list("cycle_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(cycle_id, {})[state] = n
    rows = [
        {
            "cycle": cycle,
            "to_review": sum(
                counts.get(cycle.pk, {}).get(s, 0) for s in (S.SUBMITTED, S.RESUBMITTED)
            ),
            "in_review": sum(
                counts.get(cycle.pk, {}).get(s, 0) for s in (S.UNDER_REVIEW, S.QUESTIONS_RAISED)
            ),
            "accepted": counts.get(cycle.pk, {}).get(S.ACCEPTED, 0),
        }
        for cycle in cycles
    ]
    return render(request, "reporting/review/home.html", {"rows": rows})


FILTERS = {
    "open": Q(open_threads__gt=0),
    "to_confirm": Q(to_confirm__gt=0),
    "to_review": Q(state__in=[S.SUBMITTED, S.RESUBMITTED]),
    "accepted": Q(state=S.ACCEPTED),
    "excluded": Q(excluded=True),
}


@login_required
@require_GET
def workspace(request: HttpRequest, label: str) -> HttpResponse:
    """Every submitted version of the cycle with its state, its open questions, its scores
    still to confirm and its evidence; filters."""
    cycle = access.get_visible_or_404(Cycle, request.user, label=label)
    actor = access.actor_for(request.user)
    access.require(is_reviewer(actor))
    rows = (
        Submission.objects.visible_to(request.user)
        .filter(cycle=cycle, state__in=SUBMITTED_STATES)
        .select_related("party")
        .annotate(
            open_threads=Count(
                "threads", filter=Q(threads__resolved_at__isnull=True), distinct=True
            ),
            to_confirm=Count("scores", filter=Q(scores__confirmed=""), distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .order_by("party__name", "version")
    )
    chosen = request.GET.get("filter", "")
    if chosen in FILTERS:
        rows = rows.filter(FILTERS[chosen])
    waiting = (
        Submission.objects.visible_to(request.user)
        .filter(cycle=cycle)
        .exclude(state__in=SUBMITTED_STATES)
        .count()
    )
    return render(
        request,
        "reporting/review/workspace.html",
        {
            "cycle": cycle,
            "rows": rows,
            "chosen": chosen,
            "filters": [
                ("", _("All")),
                ("to_review", _("To review")),
                ("open", _("With open questions")),
                ("to_confirm", _("Scores to confirm")),
                ("accepted", _("Accepted")),
                ("excluded", _("Left out of the figures")),
            ],
            "waiting": waiting,
            "findings_count": Finding.objects.visible_to(request.user).filter(cycle=cycle).count(),
        },
    )


# --- A submission's review page -------------------------------------------------------------


@dataclass
class ScoredIndicator:
    indicator: Indicator
    outcome: str = ""
    score: Score | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)
    subs: list[ScoredIndicator] = field(default_factory=list)


def _threads(user: Any, submission: Submission) -> list[ReviewThread]:
    return list(
        ReviewThread.objects.visible_to(user)
        .filter(submission=submission)
        .select_related("question", "opened_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ReviewMessage.objects.visible_to(user).select_related("author"),
            )
        )
    )


def sent_threads(user: Any, submission: Submission) -> list[ReviewThread]:
    """The committee's questions as the party reads them: those it has sent. While the
    committee reviews a version, the questions it raises on it are its drafts until it sends
    them; those of an earlier round stay in sight."""
    threads = _threads(user, submission)
    if submission.state not in (S.SUBMITTED, S.UNDER_REVIEW) or submission.submitted_at is None:
        return threads
    return [t for t in threads if t.created_at < submission.submitted_at]


def review_tree(user: Any, submission: Submission) -> list[ScoredIndicator]:
    """Per main indicator its sub-indicators, each with its score and its questions (the
    answer with its source, the evidence, the committee's threads about it)."""
    framework = submission.cycle.framework
    indicators = list(
        Indicator.objects.filter(framework=framework, questionnaire=submission.questionnaire)
    )
    questions = list(Question.objects.filter(framework=framework, indicator__in=indicators))
    answers = {
        a.question_id: a for a in Answer.objects.visible_to(user).filter(submission=submission)
    }
    evidence: dict[int | None, list[Evidence]] = {}
    for item in Evidence.objects.visible_to(user).filter(submission=submission):
        evidence.setdefault(item.question_id, []).append(item)
    threads: dict[int | None, list[ReviewThread]] = {}
    for thread in _threads(user, submission):
        threads.setdefault(thread.question_id, []).append(thread)
    scores = {
        s.indicator_id: s for s in Score.objects.visible_to(user).filter(submission=submission)
    }
    nodes = {i.pk: ScoredIndicator(i, score=scores.get(i.pk)) for i in indicators}
    by_code = {q.code: q for q in questions}
    answered = {q.code: answers[q.pk] for q in questions if q.pk in answers}
    for question in questions:
        node = nodes.get(question.indicator_id)
        # A question its dependency did not put to the party is left out, unless the
        # committee has asked about it or evidence hangs from it.
        asked = scoring.is_asked(question, answered, by_code)
        if node is not None and (asked or question.pk in threads or question.pk in evidence):
            answer = answers.get(question.pk)
            node.questions.append(
                {
                    "question": question,
                    "answer": answer,
                    "display": display_value(question, answer),
                    "evidence": evidence.get(question.pk, []),
                    "threads": threads.get(question.pk, []),
                }
            )
    mains = []
    for indicator in indicators:
        node = nodes[indicator.pk]
        if indicator.parent_id is None:
            mains.append(node)
        elif indicator.parent_id in nodes:
            nodes[indicator.parent_id].subs.append(node)
    for main in mains:
        for sub in main.subs:
            sub.outcome = sub.score.outcome if sub.score else Outcome.NEGATIVE
        # Positive only if positive on all its sub-indicators (the framework's rule).
        main.outcome = scoring.main_outcome(main.indicator, [s.outcome for s in main.subs])
    return mains


class QuestionForm(forms.Form):
    question = forms.ModelChoiceField(
        label=gettext_lazy("About the question"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=gettext_lazy("The submission as a whole"),
    )
    text = forms.CharField(
        label=gettext_lazy("The committee's question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.fields["question"]
        assert isinstance(chosen, forms.ModelChoiceField)
        chosen.queryset = Question.objects.filter(
            framework_id=submission.cycle.framework_id,
            indicator__questionnaire=submission.questionnaire,
        )
        chosen.label_from_instance = lambda q: f"{q.code} {q.text_in()[:80]}"  # type: ignore[method-assign, assignment]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        **limits.text_field(limits.MESSAGE),
    )


class ScoreForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("The committee's score"), choices=Outcome.choices
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed for a correction)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        **limits.text_field(limits.MESSAGE),
    )


def _page(request: HttpRequest, submission: Submission, **forms_given: Any) -> HttpResponse:
    actor = access.actor_for(request.user)
    committee = actor.is_monitoring_committee
    state = submission.state
    reviewing = state == S.UNDER_REVIEW
    return render(
        request,
        "reporting/review/submission.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "tree": review_tree(request.user, submission),
            "general_evidence": Evidence.objects.visible_to(request.user).filter(
                submission=submission, question__isnull=True
            ),
            "general_threads": [
                t for t in _threads(request.user, submission) if t.question_id is None
            ],
            "committee": committee,
            "reviewing": committee and reviewing,
            "may_start": committee and state in (S.SUBMITTED, S.RESUBMITTED),
            "may_send": committee and reviewing and actions.open_threads(submission).exists(),
            "may_accept": committee and reviewing,
            "blockers": actions.acceptance_blockers(submission) if reviewing else [],
            "to_confirm": Score.objects.visible_to(request.user)
            .filter(submission=submission, confirmed="")
            .count(),
            "may_reopen": state in actions.REOPENABLE,
            "may_resolve": committee
            and state in (S.UNDER_REVIEW, S.QUESTIONS_RAISED, S.RESUBMITTED),
            "question_form": forms_given.get("question_form")
            or QuestionForm(submission=submission),
            "reason_form": forms_given.get("reason_form") or ReasonForm(),
            "outcomes": Outcome.choices,
            "versions": Submission.objects.visible_to(request.user)
            .filter(cycle=submission.cycle, party=submission.party)
            .order_by("version"),
        },
    )


@login_required
@require_GET
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _reviewed_submission(request, pk))


def _back(submission: Submission) -> HttpResponse:
    return redirect("reporting_review_submission", submission.pk)


def _done(request: HttpRequest, submission: Submission, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, success)
    return _back(submission)


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return _done(
        request,
        submission,
        lambda: actions.start_review(by=request.user, submission=submission),
        _("The review has started."),
    )


@login_required
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    form = QuestionForm(request.POST, submission=submission)
    if form.is_valid():
        try:
            actions.raise_question(by=request.user, submission=submission, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The question was added. Send the questions when done."))
            return _back(submission)
    return _page(request, submission, question_form=form)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return _done(
        request,
        submission,
        lambda: actions.send_questions(by=request.user, submission=submission),
        _("The questions were sent to the party."),
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return _done(
        request,
        submission,
        lambda: actions.accept_submission(by=request.user, submission=submission),
        _("The submission was accepted."),
    )


def _with_reason(
    request: HttpRequest, submission: Submission, step: Any, done: str, then: HttpResponse | None
) -> HttpResponse:
    """A step that needs a reason (``step(reason)``): done, or the page again with the form
    saying what is wrong."""
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            step(form.cleaned_data["reason"])
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, done)
            return then or _back(submission)
    return _page(request, submission, reason_form=form)


@login_required
@require_POST
def exclude(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    return _with_reason(
        request,
        submission,
        lambda reason: actions.exclude_submission(
            by=request.user, submission=submission, reason=reason
        ),
        _("The submission is left out of the figures."),
        None,
    )


@login_required
@require_POST
def include(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    return _done(
        request,
        submission,
        lambda: actions.include_submission(by=request.user, submission=submission),
        _("The submission counts in the figures again."),
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    return _with_reason(
        request,
        submission,
        lambda reason: actions.reopen_submission(
            by=request.user, submission=submission, reason=reason
        ),
        _("The submission was reopened; the party was told why."),
        redirect("reporting_review_workspace", submission.cycle.label),
    )


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.get_visible_or_404(
        Score.objects.select_related("submission"), request.user, pk=pk
    )
    submission = _reviewed_submission(request, found.submission_id)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return _back(submission)
    return _done(
        request,
        submission,
        lambda: actions.confirm_score(by=request.user, score=found, **form.cleaned_data),
        _("The score was recorded."),
    )


@login_required
@require_POST
def confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _reviewed_submission(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return _done(
        request,
        submission,
        lambda: actions.confirm_all_scores(by=request.user, submission=submission),
        _("The scores were confirmed as the answers give them."),
    )


# --- Threads: the committee and the party ---------------------------------------------------


def threads_for(user: Any, submission: Submission) -> dict[str, Any]:
    """What ``reporting/review/_threads.html`` needs on a page about ``submission``: the
    committee's questions the user may read, and whether the user may answer them (the
    party's editors, while the questions are raised). Empty for whoever may not read the
    submission's content."""
    actor = access.actor_for(user)
    if not _content_visible(actor, submission):
        return {"threads": [], "submission": submission}
    party_writer = actor.has_role(submission.party_id, access.Role.EDITOR)
    reviewer = is_reviewer(actor) and not actor.has_role(submission.party_id)
    return {
        "submission": submission,
        "threads": _threads(user, submission) if reviewer else sent_threads(user, submission),
        "may_answer": party_writer and submission.state == S.QUESTIONS_RAISED,
        "may_correct": party_writer
        and submission.state == S.ACCEPTED
        and actions.correction_window_open(submission.cycle),
        "message_form": MessageForm(),
    }


@login_required
@require_GET
def party_threads(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's questions about a submission, where the party reads and answers them."""
    submission = _submission(request, pk)
    actor = access.actor_for(request.user)
    if not _content_visible(actor, submission):
        raise Http404
    return render(
        request,
        "reporting/review/party_threads.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "review": threads_for(request.user, submission),
            "reviewer": is_reviewer(actor),
        },
    )


def _thread(request: HttpRequest, pk: int) -> ReviewThread:
    return access.get_visible_or_404(
        ReviewThread.objects.select_related("submission", "submission__cycle"),
        request.user,
        pk=pk,
    )


@login_required
@require_POST
def thread_answer(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    submission = thread.submission
    access.require(access.actor_for(request.user).has_role(submission.party_id, access.Role.EDITOR))
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_thread(by=request.user, thread=thread, text=form.cleaned_data["text"])
        except ActionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("Your answer was saved. Resubmit once every question is answered.")
            )
    else:
        messages.error(request, _("Write your answer."))
    return redirect(actions.party_page(submission) + f"#thread-{thread.pk}")


@login_required
@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your message."))
        return _back(thread.submission)
    return _done(
        request,
        thread.submission,
        lambda: actions.reply_thread(
            by=request.user, thread=thread, text=form.cleaned_data["text"]
        ),
        _("The follow-up was added."),
    )


@login_required
@require_POST
def thread_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return _done(
        request,
        thread.submission,
        lambda: actions.resolve_thread(by=request.user, thread=thread),
        _("The question was resolved."),
    )


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The party's editor starts a correction of its accepted version."""
    submission = _submission(request, pk)
    access.require(access.actor_for(request.user).has_role(submission.party_id, access.Role.EDITOR))
    try:
        correction = actions.start_correction(by=request.user, submission=submission)
    except ActionError as error:
        messages.error(request, error.messages[0])
        return redirect(actions.party_page(submission))
    messages.success(request, _("A correction was started: a new version with your answers."))
    return redirect(actions.party_page(correction))


# --- Evidence -------------------------------------------------------------------------------


def evidence_storage() -> FileSystemStorage:
    from django.conf import settings

    return FileSystemStorage(
        location=str(settings.REPORTING_UPLOAD_DIR), base_url="/no-public-url/"
    )


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A document behind an answer, through the policy: the party's members, and the
    committee and the secretariat once that version has been submitted."""
    item = access.get_visible_or_404(Evidence, request.user, pk=pk)
    extension = item.file.name.rsplit(".", 1)[-1] if "." in item.file.name else "bin"
    return private_download(
        evidence_storage(),
        item.file.name,
        filename=f"evidence-{item.pk}.{extension}",
        content_type=item.content_type,
    )


# --- Findings and recommendations -----------------------------------------------------------


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Finding.Kind.choices)
    indicator_code = forms.ChoiceField(label=gettext_lazy("About"), required=False)
    title = forms.CharField(label=gettext_lazy("Title"), **limits.text_field(limits.LINE))
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        **limits.text_field(limits.TEXT),
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        about = self.fields["indicator_code"]
        assert isinstance(about, forms.ChoiceField)
        about.choices = [("", _("The covenant as a whole"))] + [
            (i.code, i.name_in())
            for i in Indicator.objects.filter(framework_id=cycle.framework_id, parent__isnull=True)
        ]


def _findings_page(request: HttpRequest, cycle: Cycle, form: FindingForm) -> HttpResponse:
    actor = access.actor_for(request.user)
    return render(
        request,
        "reporting/review/findings.html",
        {
            "cycle": cycle,
            "findings": Finding.objects.visible_to(request.user).filter(cycle=cycle),
            "form": form,
            "may_write": actor.is_monitoring_committee and actions.findings_open(cycle),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def findings(request: HttpRequest, label: str) -> HttpResponse:
    cycle = access.get_visible_or_404(Cycle, request.user, label=label)
    actor = access.actor_for(request.user)
    access.require(is_reviewer(actor))
    form = FindingForm(request.POST or None, cycle=cycle)
    if request.method == "POST":
        access.require(actor.is_monitoring_committee)
        if form.is_valid():
            try:
                actions.add_finding(by=request.user, cycle=cycle, **form.cleaned_data)
            except ActionError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The finding was added."))
                return redirect("reporting_review_findings", cycle.label)
    return _findings_page(request, cycle, form)


def _finding(request: HttpRequest, pk: int) -> Finding:
    found = access.get_visible_or_404(Finding.objects.select_related("cycle"), request.user, pk=pk)
    access.require(access.actor_for(request.user).is_monitoring_committee)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    initial = {
        "kind": finding.kind,
        "indicator_code": finding.indicator_code,
        "title": finding.title,
        "text": finding.text,
    }
    form = FindingForm(request.POST or None, initial=initial, cycle=finding.cycle)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_finding(by=request.user, finding=finding, **form.cleaned_data)
        except ActionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The finding was changed."))
            return redirect("reporting_review_findings", finding.cycle.label)
    return render(
        request,
        "reporting/review/finding_form.html",
        {"finding": finding, "cycle": finding.cycle, "form": form},
    )


@login_required
@require_POST
def finding_move(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    try:
        actions.move_finding(by=request.user, finding=finding, up=request.POST.get("up") == "1")
    except ActionError as error:
        messages.error(request, error.messages[0])
    return redirect("reporting_review_findings", finding.cycle.label)


@login_required
@require_POST
def finding_delete(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    label = finding.cycle.label
    try:
        actions.delete_finding(by=request.user, finding=finding)
    except ActionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The finding was removed."))
    return redirect("reporting_review_findings", label)


def review_link(submission: Submission) -> str:
    return reverse("reporting_review_submission", args=[submission.pk])
