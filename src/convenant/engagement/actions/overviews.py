"""Engagement actions: overviews — the bulk update of milestones and activities from a file.

The whole file is one transaction: every row is first read and checked
(``engagement/importing.py``), then written through the engagement actions themselves
(``actions/engagements.py``: the same rules and audit events as the pages and the API). Their
durable transaction is the caller's here — the import's own — so one refused row, at checking
or at writing, leaves everything as it was, and the problems come back by line, column and
value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.engagement import importing
from convenant.engagement.actions import engagements as actions
from convenant.engagement.importing import Problem, UpdateRejected


@dataclass
class UpdateResult:
    rows: int
    milestones: int
    activities: int
    unchanged: int


def import_engagement_updates(*, by: Any, data: bytes, filename: str) -> UpdateResult:
    """Update milestones and log activities from an XLSX or CSV file, all rows or none."""
    keys, rows = importing.read_rows(data, filename)
    checked = importing.check_rows(by, keys, rows)
    if checked.problems:
        raise UpdateRejected(checked.problems[: importing.MAX_PROBLEMS])
    problems: list[Problem] = []
    result = UpdateResult(rows=checked.rows, milestones=0, activities=0, unchanged=0)
    labels = {key: str(label) for key, (label, _names) in importing.COLUMNS.items()}

    def refused(line: int, error: ActionError) -> None:
        # The action names its field; the file's column of that name is where to look.
        problems.append(Problem(line, labels.get(error.field or "", ""), "", error.messages[0]))

    with transaction.atomic(durable=True):
        for update in checked.milestones:
            milestone = update.milestone
            changed = False
            try:
                with transaction.atomic():
                    if update.target_on and update.target_on != milestone.target_on:
                        milestone = actions.set_milestone_target(
                            within_action=True,
                            by=by,
                            milestone=milestone,
                            target_on=update.target_on,
                        )
                        changed = True
                    # The same file sent twice: a milestone reached on that day stays so.
                    if update.reached_on and milestone.reached_on != update.reached_on:
                        actions.reach_milestone(
                            within_action=True,
                            by=by,
                            milestone=milestone,
                            reached_on=update.reached_on,
                            evidence=update.evidence,
                        )
                        changed = True
            except ActionError as error:
                refused(update.line, error)
                continue
            result.milestones += changed
            result.unchanged += not changed
        for row in checked.activities:
            try:
                with transaction.atomic():
                    actions.log_activity(
                        within_action=True,
                        by=by,
                        engagement=row.engagement,
                        step=row.step.key,
                        occurred_on=row.occurred_on,
                        party=row.party,
                        summary=row.summary,
                        objective=row.objective,
                        participants=row.participants,
                        company_response=row.company_response,
                        confidentiality=row.confidentiality,
                        agm_item=row.agm_item,
                        vote=row.vote,
                        vote_rationale=row.vote_rationale,
                    )
            except ActionError as error:
                refused(row.line, error)
                continue
            result.activities += 1
        if problems:
            # Leaving the block with the error rolls back every row already written.
            problems.sort(key=lambda p: p.line)
            raise UpdateRejected(problems[: importing.MAX_PROBLEMS])
        record_event(
            actor=by,
            verb="engagement.import_updates",
            after={
                "file": filename[:200],
                "rows": result.rows,
                "milestones": result.milestones,
                "activities": result.activities,
            },
        )
    return result


def describe(result: UpdateResult) -> str:
    return _("%(milestones)s milestones and %(activities)s activities updated.") % {
        "milestones": result.milestones,
        "activities": result.activities,
    }
