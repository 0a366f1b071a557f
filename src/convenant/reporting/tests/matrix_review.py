"""Permission-matrix rows of reporting: the monitoring committee's workspace: each submitted
submission with its evidence, questions threaded per question, scores confirmed or corrected,
acceptance, reopening and corrections, findings and recommendations.

The workspace is the committee's; the secretariat reads along and may reopen or leave a
submission out. A party reads and answers the questions about its own submission only; a
thread on another fund's submission answers 404. A draft's content is the party's own: the
committee meets it nowhere (its review page answers 404)."""

from __future__ import annotations

import pathlib
from typing import Any

from convenant.core.testing import (
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    everyone,
)

FUND_ACTORS = ("fund_viewer", "fund_editor", "fund_admin")
FUND_ANSWER = "Uitsluitingsbeleid Merel (fictief)"
FUND_QUESTION = "Waar staat het beleid Merel? (fictief)"
FUND_B_QUESTION = "Toelichting Kwikstaart? (fictief)"
DRAFT_ANSWER = "Conceptantwoord Spreeuw (fictief)"
OTHER_QUESTION = f"Vraag over {OTHER_FUND_MARKER} (fictief)"
FINDING = "Bevinding Patrijs (fictief)"


def extend_world(world: World) -> None:
    from convenant.reporting.models import (
        Evidence,
        Finding,
        ReviewMessage,
        ReviewThread,
        Score,
    )
    from convenant.reporting.tests import review_example as ex
    from convenant.reporting.views.review import evidence_storage

    why = "matrix world"
    made = ex.framework("mx")
    q1 = made["questions"][0]
    a = ex.cycle(world, made["framework"], "mx-rv-a")
    b = ex.cycle(world, made["framework"], "mx-rv-b")
    c = ex.cycle(world, made["framework"], "mx-rv-c")
    fund_ed, committee = world.users["fund_editor"], world.users["monitoring"]

    def thread(sub: Any, text: str) -> Any:
        t = ReviewThread.objects.unrestricted(why).create(
            submission=sub, question=q1, opened_by=committee
        )
        ReviewMessage.objects.unrestricted(why).create(thread=t, author=committee, text=text)
        return t

    # Cycle A: fund A under review (a question, evidence); fund B with questions raised and
    # left out; the former party's version submitted; the union's draft.
    sub_a = ex.submission(made, a, world.fund, fund_ed, state="under_review", comment=FUND_ANSWER)
    thread_a = thread(sub_a, FUND_QUESTION)
    name = "reporting/evidence/matrix-review.pdf"
    evidence = Evidence.objects.unrestricted(why).create(
        submission=sub_a,
        question=q1,
        title="Beleidsstuk Merel (fictief)",
        file=name,
        content_type="application/pdf",
        size=16,
        sha256="0" * 64,
        uploaded_by=fund_ed,
    )
    path = pathlib.Path(evidence_storage().path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    world.keep_file(path, "%PDF-1.4 matrix")
    other = ex.submission(
        made, a, world.other_fund, world.users["other_fund"], state="questions_raised"
    )
    other.excluded, other.exclusion_reason = True, "Onvolledig (fictief)"
    other.save()
    thread(other, OTHER_QUESTION)
    former = ex.submission(made, a, world.former_party, world.users["former"])
    draft = ex.submission(
        made, a, world.union, world.users["union"], state="in_progress", comment=DRAFT_ANSWER
    )
    # Cycle B: fund A's questions raised, to answer. Cycle C: fund A accepted (to correct);
    # the union's version reviewed, every score confirmed, nothing open (to accept).
    sub_b = ex.submission(made, b, world.fund, fund_ed, state="questions_raised")
    thread_b = thread(sub_b, FUND_B_QUESTION)
    sub_c = ex.submission(made, c, world.fund, fund_ed, state="accepted")
    union_c = ex.submission(made, c, world.union, world.users["union"], state="under_review")
    for score in Score.objects.unrestricted(why).filter(submission__in=[sub_c, union_c]):
        score.confirmed = score.computed
        score.save()
    findings = [
        Finding.objects.unrestricted(why).create(
            cycle=a,
            kind="finding",
            title=title,
            text="Tekst (fictief)",
            order=n,
            written_by=committee,
        )
        for n, title in enumerate([FINDING, "Tweede bevinding (fictief)"], start=1)
    ]
    world.extra["review"] = {
        "q1": q1,
        "sub_a": sub_a,
        "thread_a": thread_a,
        "evidence": evidence,
        "score_a": Score.objects.unrestricted(why).filter(submission=sub_a).first(),
        "other": other,
        "former": former,
        "draft": draft,
        "sub_b": sub_b,
        "thread_b": thread_b,
        "sub_c": sub_c,
        "union_c": union_c,
        "findings": findings,
    }


def _pk(key: str) -> Any:
    return lambda w: [w.extra["review"][key].pk]


def _finding(n: int) -> Any:
    return lambda w: [w.extra["review"]["findings"][n].pk]


def other_funds(world: World) -> list[str]:
    return [OTHER_FUND_MARKER]


# Fund A's submitted version: the committee reviews, the secretariat reads along; fund A's
# people may see its row but this is not their page; nobody else learns it exists.
REVIEW_PAGE = everyone(
    HIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK, **dict.fromkeys(FUND_ACTORS, FORBIDDEN)
)
COMMITTEE_WRITES = {**REVIEW_PAGE, "secretariat": FORBIDDEN, "monitoring": REDIRECT}
BOTH_WRITE = {**REVIEW_PAGE, "secretariat": REDIRECT, "monitoring": REDIRECT}
# A cycle's workspace and findings: the cycle is the covenant's; the page is the committee's.
WORKSPACE = everyone(FORBIDDEN, anonymous=LOGIN, former=HIDDEN, secretariat=OK, monitoring=OK)
# A finding before sign-off: the committee and the secretariat know it; the committee writes.
FINDING_PAGES = everyone(HIDDEN, anonymous=LOGIN, secretariat=FORBIDDEN, monitoring=OK)
FINDING_WRITES = {**FINDING_PAGES, "monitoring": REDIRECT}
# The questions about fund A's own submission: its people and the reviewers read them.
PARTY_THREADS = everyone(
    HIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK, **dict.fromkeys(FUND_ACTORS, OK)
)
# Answering: fund A's editors; its viewer and the reviewers may read the thread, not answer.
ANSWER = {
    **PARTY_THREADS,
    "fund_viewer": FORBIDDEN,
    "fund_editor": REDIRECT,
    "fund_admin": REDIRECT,
    "secretariat": FORBIDDEN,
    "monitoring": FORBIDDEN,
}
REASON = {"reason": "Matrix: met reden (fictief)"}

ROWS: list[Row] = [
    Row(
        "reporting_review_home",
        everyone(FORBIDDEN, anonymous=LOGIN, secretariat=OK, monitoring=OK),
        absent=other_funds,
        present=lambda w: ["Meting mx-rv-a (fictief)"],
    ),
    Row(
        "reporting_review_workspace",
        WORKSPACE,
        args=lambda w: ["mx-rv-a"],
        absent=lambda w: [OTHER_QUESTION, w.union.name, DRAFT_ANSWER],
        absent_for=tuple(REVIEW_PAGE),
        present=lambda w: [w.fund.name, w.other_fund.name, w.former_party.name],
    ),
    Row(
        "reporting_review_submission",
        REVIEW_PAGE,
        args=_pk("sub_a"),
        absent=lambda w: [OTHER_QUESTION, DRAFT_ANSWER],
        absent_for=tuple(REVIEW_PAGE),
        present=lambda w: [FUND_ANSWER, FUND_QUESTION, "Beleidsstuk Merel (fictief)"],
    ),
    # The union's draft: the committee and the secretariat meet its content nowhere (no one
    # reaches it here on purpose: the union reads its draft on its own submission page).
    Row(
        "reporting_review_submission",
        everyone(HIDDEN, anonymous=LOGIN, union=FORBIDDEN),
        args=_pk("draft"),
        missing=True,
    ),
    Row(
        "reporting_review_party_threads",
        everyone(HIDDEN, anonymous=LOGIN, union=OK),
        args=_pk("draft"),
        absent=lambda w: [FUND_QUESTION, OTHER_QUESTION],
        absent_for=("union",),
    ),
    Row(
        "reporting_review_party_threads",
        PARTY_THREADS,
        args=_pk("sub_b"),
        absent=lambda w: [OTHER_QUESTION, FUND_QUESTION],
        absent_for=tuple(PARTY_THREADS),
        present=lambda w: [FUND_B_QUESTION],
    ),
    Row(
        "reporting_review_start",
        {**COMMITTEE_WRITES, **dict.fromkeys(FUND_ACTORS, HIDDEN)},
        args=_pk("former"),
        method="post",
    ),
    Row(
        "reporting_review_ask",
        COMMITTEE_WRITES,
        args=_pk("sub_a"),
        method="post",
        data=lambda w: {"question": w.extra["review"]["q1"].pk, "text": "Matrixvraag (fictief)"},
    ),
    Row("reporting_review_send", COMMITTEE_WRITES, args=_pk("sub_a"), method="post"),
    Row("reporting_review_confirm_all", COMMITTEE_WRITES, args=_pk("sub_a"), method="post"),
    Row(
        "reporting_review_accept",
        {**COMMITTEE_WRITES, **dict.fromkeys(FUND_ACTORS, HIDDEN), "union": FORBIDDEN},
        args=_pk("union_c"),
        method="post",
    ),
    Row(
        "reporting_review_exclude",
        BOTH_WRITE,
        args=_pk("sub_a"),
        method="post",
        data=lambda w: REASON,
    ),
    Row(
        "reporting_review_include",
        {**BOTH_WRITE, **dict.fromkeys(FUND_ACTORS, HIDDEN), "other_fund": FORBIDDEN},
        args=_pk("other"),
        method="post",
    ),
    Row(
        "reporting_review_reopen",
        BOTH_WRITE,
        args=_pk("sub_a"),
        method="post",
        data=lambda w: REASON,
    ),
    Row(
        "reporting_review_correct",
        everyone(
            HIDDEN,
            anonymous=LOGIN,
            fund_viewer=FORBIDDEN,
            fund_editor=REDIRECT,
            fund_admin=REDIRECT,
            secretariat=FORBIDDEN,
            monitoring=FORBIDDEN,
        ),
        args=_pk("sub_c"),
        method="post",
    ),
    Row(
        "reporting_review_score",
        COMMITTEE_WRITES,
        args=_pk("score_a"),
        method="post",
        data=lambda w: {"outcome": w.extra["review"]["score_a"].computed},
    ),
    Row(
        "reporting_review_answer",
        ANSWER,
        args=_pk("thread_b"),
        method="post",
        data=lambda w: {"text": "Matrixantwoord (fictief)"},
    ),
    Row(
        "reporting_review_reply",
        COMMITTEE_WRITES,
        args=_pk("thread_a"),
        method="post",
        data=lambda w: {"text": "Vervolgvraag (fictief)"},
    ),
    Row("reporting_review_resolve", COMMITTEE_WRITES, args=_pk("thread_a"), method="post"),
    Row("reporting_review_evidence", PARTY_THREADS, args=_pk("evidence")),
    Row(
        "reporting_review_findings",
        WORKSPACE,
        args=lambda w: ["mx-rv-a"],
        present=lambda w: [FINDING],
    ),
    Row(
        "reporting_review_findings",
        {**WORKSPACE, "secretariat": FORBIDDEN, "monitoring": REDIRECT},
        args=lambda w: ["mx-rv-a"],
        method="post",
        data=lambda w: {"kind": "recommendation", "title": "Advies (fictief)", "text": "Doen."},
    ),
    Row(
        "reporting_review_finding_edit",
        FINDING_PAGES,
        args=_finding(0),
        present=lambda w: [FINDING],
    ),
    Row(
        "reporting_review_finding_edit",
        FINDING_WRITES,
        args=_finding(0),
        method="post",
        data=lambda w: {"kind": "finding", "title": "Anders (fictief)", "text": "Tekst."},
    ),
    Row(
        "reporting_review_finding_move",
        FINDING_WRITES,
        args=_finding(1),
        method="post",
        data=lambda w: {"up": "1"},
    ),
    Row("reporting_review_finding_delete", FINDING_WRITES, args=_finding(0), method="post"),
]


# --- The API: the same rules --------------------------------------------------------------

API_REVIEW = {**REVIEW_PAGE}
API_COMMITTEE = {**REVIEW_PAGE, "secretariat": FORBIDDEN, "monitoring": OK}
API_BOTH = {**REVIEW_PAGE, "secretariat": OK, "monitoring": OK}
API_WORKSPACE = {**WORKSPACE}
API_FINDING = everyone(HIDDEN, anonymous=LOGIN, secretariat=FORBIDDEN, monitoring=OK)
CONFLICT = 409

ROWS += [
    Row(
        "api:list_review_submissions",
        API_WORKSPACE,
        args=lambda w: ["mx-rv-a"],
        absent=lambda w: [OTHER_QUESTION, w.union.name, DRAFT_ANSWER],
        absent_for=tuple(REVIEW_PAGE),
        present=lambda w: [w.fund.name, w.other_fund.name],
    ),
    Row(
        "api:get_review_submission",
        API_REVIEW,
        args=_pk("sub_a"),
        absent=lambda w: [OTHER_QUESTION, DRAFT_ANSWER],
        absent_for=tuple(REVIEW_PAGE),
        present=lambda w: [FUND_ANSWER, FUND_QUESTION],
    ),
    Row(
        "api:get_review_submission",
        everyone(HIDDEN, anonymous=LOGIN, union=FORBIDDEN),
        args=_pk("draft"),
        missing=True,
    ),
    Row(
        "api:list_review_threads",
        PARTY_THREADS,
        args=_pk("sub_b"),
        absent=lambda w: [OTHER_QUESTION, FUND_QUESTION],
        absent_for=tuple(PARTY_THREADS),
        present=lambda w: [FUND_B_QUESTION],
    ),
    Row(
        "api:start_submission_review",
        {**API_COMMITTEE, **dict.fromkeys(FUND_ACTORS, HIDDEN)},
        args=_pk("former"),
        method="post",
    ),
    Row(
        "api:raise_review_question",
        {**API_COMMITTEE, "monitoring": 201},
        args=_pk("sub_a"),
        method="post",
        as_json=True,
        data=lambda w: {"question": "P1", "text": "Matrixvraag (fictief)"},
    ),
    Row("api:send_review_questions", API_COMMITTEE, args=_pk("sub_a"), method="post"),
    Row("api:confirm_all_review_scores", API_COMMITTEE, args=_pk("sub_a"), method="post"),
    Row(
        "api:accept_submission_review",
        {**API_COMMITTEE, **dict.fromkeys(FUND_ACTORS, HIDDEN), "union": FORBIDDEN},
        args=_pk("union_c"),
        method="post",
    ),
    Row(
        "api:exclude_submission_from_figures",
        API_BOTH,
        args=_pk("sub_a"),
        method="post",
        as_json=True,
        data=lambda w: REASON,
    ),
    Row(
        "api:include_submission_in_figures",
        {**API_BOTH, **dict.fromkeys(FUND_ACTORS, HIDDEN), "other_fund": FORBIDDEN},
        args=_pk("other"),
        method="delete",
    ),
    Row(
        "api:reopen_submission_review",
        API_BOTH,
        args=_pk("sub_a"),
        method="post",
        as_json=True,
        data=lambda w: REASON,
    ),
    Row(
        "api:start_submission_correction",
        everyone(
            HIDDEN,
            anonymous=LOGIN,
            fund_viewer=FORBIDDEN,
            fund_editor=201,
            fund_admin=201,
            secretariat=FORBIDDEN,
            monitoring=FORBIDDEN,
        ),
        args=_pk("sub_c"),
        method="post",
    ),
    # The party answers while the questions are raised; the committee follows up only while
    # it reviews (409 here, 201 on fund A's thread under review).
    Row(
        "api:post_review_message",
        {
            **PARTY_THREADS,
            "fund_viewer": FORBIDDEN,
            "fund_editor": 201,
            "fund_admin": 201,
            "secretariat": FORBIDDEN,
            "monitoring": CONFLICT,
        },
        args=_pk("thread_b"),
        method="post",
        as_json=True,
        data=lambda w: {"text": "Matrixantwoord (fictief)"},
    ),
    Row(
        "api:post_review_message",
        {
            **PARTY_THREADS,
            "fund_viewer": FORBIDDEN,
            "fund_editor": CONFLICT,
            "fund_admin": CONFLICT,
            "secretariat": FORBIDDEN,
            "monitoring": 201,
        },
        args=_pk("thread_a"),
        method="post",
        as_json=True,
        data=lambda w: {"text": "Vervolgvraag (fictief)"},
    ),
    Row(
        "api:resolve_review_question",
        {**PARTY_THREADS, **dict.fromkeys(FUND_ACTORS, FORBIDDEN), "secretariat": FORBIDDEN},
        args=_pk("thread_a"),
        method="post",
    ),
    Row(
        "api:confirm_review_score",
        API_COMMITTEE,
        args=_pk("score_a"),
        method="post",
        as_json=True,
        data=lambda w: {"outcome": ""},
    ),
    Row(
        "api:list_review_findings",
        everyone(OK, anonymous=LOGIN, former=HIDDEN),
        args=lambda w: ["mx-rv-a"],
        absent=lambda w: [FINDING],
        absent_for=(*FUND_ACTORS, "other_fund", "union"),
        present=lambda w: [FINDING],
        present_for=("secretariat", "monitoring"),
    ),
    Row(
        "api:add_review_finding",
        {**WORKSPACE, "secretariat": FORBIDDEN, "monitoring": 201},
        args=lambda w: ["mx-rv-a"],
        method="post",
        as_json=True,
        data=lambda w: {"kind": "recommendation", "title": "Advies (fictief)", "text": "Doen."},
    ),
    Row(
        "api:update_review_finding",
        API_FINDING,
        args=_finding(0),
        method="put",
        as_json=True,
        data=lambda w: {"kind": "finding", "title": "Anders (fictief)", "text": "Tekst."},
    ),
    Row(
        "api:move_review_finding",
        API_FINDING,
        args=_finding(1),
        method="post",
        as_json=True,
        data=lambda w: {"up": True},
    ),
    Row(
        "api:delete_review_finding",
        {**API_FINDING, "monitoring": 204},
        args=_finding(0),
        method="delete",
    ),
]
