"""Permission-matrix rows of reporting: reporting cycles and each party's submission: opening a
cycle, answering (saved as the person types), evidence, validation, submitting, reminders and
the secretariat's overview.

The world (built through the real actions on framework 2019.1): an open cycle in which fund A
has a draft (with its marker in an explanation, an answer pre-filled to confirm and a
document), fund B a draft with the other fund's marker, and the union has not started; a
second open cycle in which fund A's draft is ready to submit; a cycle in preparation. A
submission's row is its party's, the secretariat's and the committee's; its content is the
party's alone until submitted; another party gets 404."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from convenant.core.testing import (
    ACTORS,
    CREATED,
    FORBIDDEN,
    HIDDEN,
    OK,
    OTHER_FUND_MARKER,
    REDIRECT,
    Row,
    World,
    members,
)

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
A_MARKER = "Toelichting Korhoen-rapportage"  # fund A's explanation: its own until submitted
OPEN = "mx-sub-open"
READY = "mx-sub-ready"
DRAFT = "mx-sub-draft"
DONE = "mx-sub-done"
# Fund A's explanation in a submitted version: the committee and the secretariat read it too.
DONE_MARKER = "Ingediende toelichting Korhoen"
FULL = {
    "P1.1": "yes",
    "P1.2": "2019-06-30",
    "P2.1": "all",
    "P2.2": "80",
    "P3.1": "1000",
    "P3.2": "95",
    "U1.1": "yes",
    "U2.2": "60",
    "M1.1": "yes",
    "M1.2": "70",
    "M2.1": "yes",
    "R1.1": "yes",
    "R1.2": "https://www.example.nl/verslag",
    "R2.1": "results",
}

FUND_A = ("fund_viewer", "fund_editor", "fund_admin")
ADMINISTERS = ("secretariat", "monitoring")
# A's submission: its members and those who administer read the row; others do not find it.
ROW_READERS = members(HIDDEN, **dict.fromkeys((*FUND_A, *ADMINISTERS), OK))
# Writing A's submission: its editors; its viewer and those who administer may see it, not
# write it; anyone else gets 404.
A_WRITES = members(
    HIDDEN,
    fund_viewer=FORBIDDEN,
    fund_editor=REDIRECT,
    fund_admin=REDIRECT,
    secretariat=FORBIDDEN,
    monitoring=FORBIDDEN,
)
A_API_WRITES = {**A_WRITES, "fund_editor": OK, "fund_admin": OK}
# The cycles: the covenant's parties, the secretariat and the committee read them; a former
# party does not (no published report).
CYCLE_READERS = members(OK, former=HIDDEN)
SECRETARIAT_ONLY = members(FORBIDDEN, former=HIDDEN, secretariat=REDIRECT)
SECRETARIAT_API = members(FORBIDDEN, former=HIDDEN, secretariat=OK)
NOT_FUND_A = tuple(a for a in ACTORS if a not in FUND_A)


def extend_world(world: World) -> None:
    from convenant.reporting.actions import cycles, submissions
    from convenant.reporting.framework import load_all
    from convenant.reporting.models import Framework, Submission

    load_all()
    framework = Framework.objects.get(version="2019.1")
    sec, editor = world.users["secretariat"], world.users["fund_editor"]

    def cycle(label: str) -> Any:
        return cycles.create_cycle(
            by=sec,
            label=label,
            name=f"Meting {label} (fictief)",
            kind="progress",
            framework=framework,
            reference_date=datetime.date(2021, 12, 31),
            opens_on=TODAY - datetime.timedelta(days=5),
            closes_on=TODAY + datetime.timedelta(days=20),
            targets={"policy": "50"},
        )

    def of(c: Any, party: Any) -> Submission:
        return Submission.objects.unrestricted("matrix").get(cycle=c, party=party)

    opened = cycles.open_cycle(by=sec, cycle=cycle(OPEN))
    mine = of(opened, world.fund)
    submissions.save_answers(
        by=editor,
        submission=mine,
        changes=[submissions.Change(code="P1.1", value="yes", comment=A_MARKER)],
    )
    evidence = submissions.upload_evidence(
        by=editor, submission=mine, code="P1.3", title="Beleid", filename="b.pdf", data=PDF
    )
    path = pathlib.Path(submissions.evidence_storage().path(evidence.file.name))
    world.keep_file(path, PDF.decode())
    submissions.save_answers(
        by=world.users["other_fund"],
        submission=of(opened, world.other_fund),
        changes=[submissions.Change(code="P1.1", value="no", comment=OTHER_FUND_MARKER)],
    )
    ready_cycle = cycles.open_cycle(by=sec, cycle=cycle(READY))
    ready = of(ready_cycle, world.fund)
    submissions.save_answers(
        by=editor,
        submission=ready,
        changes=[submissions.Change(code=c, value=v) for c, v in FULL.items()],
    )
    submissions.upload_evidence(
        by=editor, submission=ready, code="P1.3", title="Beleid", filename="b.pdf", data=PDF
    )
    submissions.confirm_all(by=editor, submission=ready)
    done_cycle = cycles.open_cycle(by=sec, cycle=cycle(DONE))
    done = of(done_cycle, world.fund)
    submissions.save_answers(
        by=editor,
        submission=done,
        changes=[
            submissions.Change(code=c, value=v, comment=DONE_MARKER if c == "P2.2" else None)
            for c, v in FULL.items()
        ],
    )
    submissions.upload_evidence(
        by=editor, submission=done, code="P1.3", title="Beleid", filename="b.pdf", data=PDF
    )
    submissions.confirm_all(by=editor, submission=done)
    submissions.submit(by=editor, submission=done)
    cycle(DRAFT)
    world.extra["submissions"] = {
        "done": done,
        "mine": mine,
        "evidence": evidence,
        "union": of(opened, world.union),
        "ready": ready,
    }


def _s(key: str, *more: Any) -> Any:
    return lambda w: [w.extra["submissions"][key].pk, *more]


def _cycle_data(w: World) -> dict[str, Any]:
    return {
        "label": "mx-sub-new",
        "name": "Nieuwe meting (fictief)",
        "kind": "progress",
        "framework": _framework_pk(),
        "reference_date": "2022-12-31",
        "opens_on": "2023-01-01",
        "closes_on": "2023-03-31",
        "target_policy": "40",
    }


def _framework_pk() -> int:
    from convenant.reporting.models import Framework

    return int(Framework.objects.get(version="2019.1").pk)


def _upload(w: World) -> dict[str, Any]:
    return {"title": "Bewijs", "file": SimpleUploadedFile("bewijs.pdf", PDF)}


def _api_upload(w: World) -> dict[str, Any]:
    return {"question": "P1.3", "title": "Bewijs", "file": SimpleUploadedFile("b.pdf", PDF)}


ROWS: list[Row] = [
    # The landing page: a party member's submissions, the cycles.
    Row(
        "reporting_home",
        members(OK, former=FORBIDDEN),
        present=lambda w: [f"Meting {OPEN} (fictief)"],
        absent=lambda w: [OTHER_FUND_MARKER, A_MARKER],
    ),
    # Cycles: the secretariat prepares, opens, closes.
    Row("cycle_new", members(FORBIDDEN, secretariat=OK)),
    Row("cycle_new", members(FORBIDDEN, secretariat=REDIRECT), method="post", data=_cycle_data),
    Row(
        "cycle_detail",
        CYCLE_READERS,
        args=lambda w: [OPEN],
        present=lambda w: ["Pensioenfonds Alfa", "Pensioenfonds Beta", "Vakbond Gamma"],
        present_for=ADMINISTERS,
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=ACTORS,
    ),
    Row("cycle_detail", members(HIDDEN), args=lambda w: ["mx-sub-none"], missing=True),
    Row("cycle_edit", members(FORBIDDEN, former=HIDDEN, secretariat=OK), args=lambda w: [DRAFT]),
    Row(
        "cycle_edit",
        SECRETARIAT_ONLY,
        args=lambda w: [DRAFT],
        method="post",
        data=lambda w: {**_cycle_data(w), "label": DRAFT, "name": "Gewijzigd (fictief)"},
    ),
    Row("cycle_open", SECRETARIAT_ONLY, args=lambda w: [DRAFT], method="post"),
    Row("cycle_close", SECRETARIAT_ONLY, args=lambda w: [OPEN], method="post"),
    Row(
        "cycle_remind",
        SECRETARIAT_ONLY,
        args=lambda w: [OPEN],
        method="post",
        data=lambda w: {"submission": [w.extra["submissions"]["union"].pk]},
    ),
    Row(
        "cycle_export",
        members(FORBIDDEN, former=HIDDEN, secretariat=OK, monitoring=OK),
        args=lambda w: [OPEN, "csv"],
        present=lambda w: ["FA", "FB", "in_progress"],
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=ACTORS,
    ),
    Row(
        "cycle_export",
        members(FORBIDDEN, former=HIDDEN, secretariat=OK, monitoring=OK),
        args=lambda w: [OPEN, "xlsx"],
        present=lambda w: ["FA", "not_started"],
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=ACTORS,
    ),
    # Fund A's draft: its content its own; the row for those who administer.
    Row(
        "submission_detail",
        ROW_READERS,
        args=_s("mine"),
        present=lambda w: [A_MARKER, "Pensioenfonds Alfa"],
        present_for=FUND_A,
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=NOT_FUND_A,
    ),
    # Once submitted, its content is read by the committee and the secretariat too.
    Row(
        "submission_detail",
        ROW_READERS,
        args=_s("done"),
        present=lambda w: [DONE_MARKER],
        absent=lambda w: [OTHER_FUND_MARKER],
    ),
    Row(
        "api:get_submission",
        ROW_READERS,
        args=_s("done"),
        present=lambda w: [DONE_MARKER],
    ),
    Row(
        "submission_detail",
        A_WRITES,
        args=_s("mine"),
        method="post",
        data=lambda w: {"present-P2.2": "1", "q-P2.2": "55", "c-P2.2": ""},
    ),
    Row(
        "submission_start",
        members(HIDDEN, union=REDIRECT, secretariat=FORBIDDEN, monitoring=FORBIDDEN),
        args=_s("union"),
        method="post",
    ),
    Row("submission_confirm", A_WRITES, args=_s("mine", "P3.1"), method="post"),
    Row("submission_confirm", A_WRITES, args=_s("mine", "all"), method="post"),
    Row(
        "submission_evidence_upload",
        A_WRITES,
        args=_s("mine", "P1.3"),
        method="post",
        data=_upload,
    ),
    Row(
        "submission_evidence",
        members(HIDDEN, **dict.fromkeys(FUND_A, OK)),
        args=lambda w: [
            w.extra["submissions"]["mine"].pk,
            w.extra["submissions"]["evidence"].pk,
        ],
    ),
    Row(
        "submission_publish",
        A_WRITES,
        args=_s("mine"),
        method="post",
        data=lambda w: {"indicator": ["policy"]},
    ),
    Row("submission_submit", A_WRITES, args=_s("ready"), method="post"),
    # --- API ---
    Row(
        "api:list_reporting_cycles",
        members(OK),
        present=lambda w: [OPEN],
        present_for=tuple(a for a in ACTORS if a not in ("anonymous", "former")),
        absent=lambda w: [OPEN],
        absent_for=("former",),
    ),
    Row(
        "api:create_reporting_cycle",
        members(FORBIDDEN, secretariat=CREATED),
        method="post",
        as_json=True,
        data=lambda w: {
            "label": "mx-sub-api",
            "name": "API-meting (fictief)",
            "kind": "progress",
            "framework": "2019.1",
            "reference_date": "2022-12-31",
            "opens_on": "2023-01-01",
            "closes_on": "2023-03-31",
            "targets": {"policy": "40"},
        },
    ),
    Row("api:get_reporting_cycle", CYCLE_READERS, args=lambda w: [OPEN]),
    Row(
        "api:update_reporting_cycle",
        SECRETARIAT_API,
        args=lambda w: [DRAFT],
        method="patch",
        as_json=True,
        data=lambda w: {"name": "Gewijzigd (fictief)"},
    ),
    Row("api:open_reporting_cycle", SECRETARIAT_API, args=lambda w: [DRAFT], method="post"),
    Row("api:close_reporting_cycle", SECRETARIAT_API, args=lambda w: [OPEN], method="post"),
    Row(
        "api:reporting_cycle_overview",
        members(FORBIDDEN, former=HIDDEN, secretariat=OK, monitoring=OK),
        args=lambda w: [OPEN],
        present=lambda w: ['"FA"', '"FB"', '"UN"'],
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=ACTORS,
    ),
    Row(
        "api:send_reporting_reminders",
        SECRETARIAT_API,
        args=lambda w: [OPEN],
        method="post",
        as_json=True,
        data=lambda w: {"parties": ["UN"]},
    ),
    Row(
        "api:list_submissions",
        members(OK),
        present=lambda w: ['"FA"'],
        present_for=(*FUND_A, *ADMINISTERS),
        absent=lambda w: ['"FA"'],
        absent_for=("other_fund", "union", "former"),
    ),
    Row(
        "api:get_submission",
        ROW_READERS,
        args=_s("mine"),
        present=lambda w: [A_MARKER],
        present_for=FUND_A,
        absent=lambda w: [A_MARKER, OTHER_FUND_MARKER],
        absent_for=NOT_FUND_A,
    ),
    Row(
        "api:start_reporting_submission",
        members(HIDDEN, union=OK, secretariat=FORBIDDEN, monitoring=FORBIDDEN),
        args=_s("union"),
        method="post",
    ),
    Row(
        "api:submission_put_answer",
        A_API_WRITES,
        args=_s("mine", "P2.2"),
        method="put",
        as_json=True,
        data=lambda w: {"value": "65"},
    ),
    Row("api:submission_confirm_answer", A_API_WRITES, args=_s("mine", "P3.1"), method="post"),
    Row(
        "api:submission_upload_evidence",
        {**A_WRITES, "fund_editor": CREATED, "fund_admin": CREATED},
        args=_s("mine"),
        method="post",
        data=_api_upload,
    ),
    Row(
        "api:submission_public_indicators",
        A_API_WRITES,
        args=_s("mine"),
        method="put",
        as_json=True,
        data=lambda w: {"indicators": ["policy", "reporting"]},
    ),
    Row("api:submit_submission", A_API_WRITES, args=_s("ready"), method="post"),
]
