"""Reading and checking a bulk update of engagements (XLSX or CSV): rows that set a
milestone's target date or the date it was reached (with evidence), and rows that log an
activity on the escalation ladder.

The file is read by the holdings import's reader (separators, encodings, a title above the
header, blank lines and notes); every row is then checked and resolved — the engagement by
its number or title among those the person may read, the objective within it, the step by
its key or name on the ladder in force, the party by its code or name — before anything is
written. Each problem is reported with its line, column and value; a file with one problem
saves nothing (the action in ``actions/overviews.py`` writes only a clean file)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convenant.core.access import Visibility
from convenant.core.errors import ActionError
from convenant.engagement.models import (
    Activity,
    Engagement,
    LadderStep,
    Milestone,
    Objective,
)
from convenant.parties.models import Party
from convenant.portfolios.importing.read import Limits, read_table

# An engagement update is written by hand: far below the holdings' limits.
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=5000, max_cells=100_000, max_zip_ratio=100)
MAX_PROBLEMS = 200

# The columns: key → (the heading of the template, every heading people use for it, in
# Dutch and English, compared without case, accents, blanks and punctuation).
COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "engagement": (
        gettext_lazy("Engagement (number or title)"),
        ("engagement", "engagement id", "engagement nr", "engagement nummer", "betrokkenheid"),
    ),
    "objective": (
        gettext_lazy("Objective (number or title)"),
        ("objective", "objective id", "doel", "doelstelling", "doelstelling id"),
    ),
    "milestone": (gettext_lazy("Milestone (1–4)"), ("milestone", "mijlpaal", "mijlpaal nr")),
    "target_on": (
        gettext_lazy("Target date"),
        ("target", "target date", "streefdatum", "doeldatum", "beoogde datum"),
    ),
    "reached_on": (
        gettext_lazy("Reached on"),
        ("reached", "reached on", "date reached", "bereikt", "bereikt op", "datum bereikt"),
    ),
    "evidence": (gettext_lazy("Evidence"), ("evidence", "bewijs", "onderbouwing")),
    "step": (
        gettext_lazy("Step on the ladder"),
        ("step", "ladder step", "escalation step", "stap", "escalatiestap", "activiteit soort"),
    ),
    "occurred_on": (gettext_lazy("Date"), ("date", "activity date", "datum", "datum activiteit")),
    "party": (gettext_lazy("Party (code or name)"), ("party", "fund", "partij", "fonds")),
    "summary": (gettext_lazy("Summary"), ("summary", "samenvatting", "verslag")),
    "confidentiality": (
        gettext_lazy("Confidentiality"),
        ("confidentiality", "visibility", "vertrouwelijkheid", "zichtbaarheid"),
    ),
    "participants": (gettext_lazy("Participants"), ("participants", "deelnemers")),
    "company_response": (
        gettext_lazy("The company's response"),
        ("company response", "response", "reactie", "reactie bedrijf", "reactie van het bedrijf"),
    ),
    "agm_item": (
        gettext_lazy("AGM item"),
        ("agm item", "agenda item", "agendapunt", "agendapunt ava"),
    ),
    "vote": (gettext_lazy("Vote"), ("vote", "stem", "stemgedrag")),
    "vote_rationale": (
        gettext_lazy("Rationale of the vote"),
        ("vote rationale", "rationale", "stemverklaring", "toelichting stem", "motivering stem"),
    ),
}
ACTIVITY_FIELDS = (
    "step",
    "occurred_on",
    "party",
    "summary",
    "confidentiality",
    "participants",
    "company_response",
    "agm_item",
    "vote",
    "vote_rationale",
)
VOTES = {
    "for": Activity.Vote.FOR,
    "voor": Activity.Vote.FOR,
    "against": Activity.Vote.AGAINST,
    "tegen": Activity.Vote.AGAINST,
    "abstain": Activity.Vote.ABSTAIN,
    "onthouding": Activity.Vote.ABSTAIN,
    "onthouden": Activity.Vote.ABSTAIN,
}
MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), start=7)},
    "mrt": 3,
    "mei": 5,
    "okt": 10,
}


def plain(text: str) -> str:
    """Text compared as people mean it: no case, accents, punctuation or repeated blanks."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _headings() -> dict[str, str]:
    """Every heading people use, plain, → the column's key (the template's own too)."""
    from django.utils import translation

    known: dict[str, str] = {}
    for key, (label, names) in COLUMNS.items():
        for name in (key, key.replace("_", " "), *names):
            known[plain(name)] = key
        for language in ("en", "nl"):
            with translation.override(language):
                known[plain(str(label))] = key
    return known


def parse_date(text: str) -> datetime.date | None:
    """A date as people write it: 2024-12-31, 31-12-2024, 31/12/2024, 31.12.2024, 31 dec
    2024, or a spreadsheet's date cell (read as 2024-12-31 00:00:00). None when it is not."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text):
        year, month, day = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        day, month, year = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -](\d{4})", text):
        month = MONTHS.get(m.group(2).lower(), 0)
        day, year = int(m.group(1)), int(m.group(3))
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@dataclass
class Problem:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class MilestoneUpdate:
    line: int
    milestone: Milestone
    target_on: datetime.date | None
    reached_on: datetime.date | None
    evidence: str


@dataclass
class ActivityRow:
    line: int
    engagement: Engagement
    objective: Objective | None
    step: LadderStep
    occurred_on: datetime.date
    party: Party
    summary: str
    confidentiality: str
    participants: str = ""
    company_response: str = ""
    agm_item: str = ""
    vote: str = ""
    vote_rationale: str = ""


@dataclass
class Checked:
    milestones: list[MilestoneUpdate] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


class UpdateRejected(ActionError):
    """The file has problems (each with its line, column and value): nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            _("The file has %(n)s problems, each shown with its line; nothing was saved.")
            % {"n": len(problems)},
            code="rows",
        )
        self.problems = problems


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The file's columns by key and its rows (line, key → text). Refuses a file whose
    columns it does not know, naming them."""
    suffix = Path(filename).suffix.lower()
    if suffix not in {".csv", ".xlsx", ".txt"}:
        raise ActionError(
            _("Files of type “%(suffix)s” cannot be read. Upload XLSX or CSV.")
            % {"suffix": suffix or filename},
            field="file",
            code="format",
        )
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        try:
            table = read_table(Path(handle.name), filename, LIMITS)
        except ActionError as error:
            if error.code == "empty":
                raise ActionError(
                    _("The file has no rows to update."), field="file", code="empty"
                ) from None
            raise
    known = _headings()
    keys: list[str] = []
    unknown = []
    for heading in table.headings:
        key = known.get(plain(heading), "")
        if heading.strip() and not key:
            unknown.append(heading)
        keys.append(key)
    if unknown:
        raise ActionError(
            _("These columns are not known: %(names)s. Use the template's headings.")
            % {"names": ", ".join(f"“{h[:60]}”" for h in unknown[:10])},
            field="file",
            code="columns",
        )
    if "engagement" not in keys:
        raise ActionError(
            _("The file needs a column naming the engagement."), field="file", code="columns"
        )
    rows = []
    for index, cells in enumerate(table.frame.iter_rows()):
        row = {key: (cell or "").strip() for key, cell in zip(keys, cells, strict=False) if key}
        rows.append((table.line(index), row))
    return keys, rows


class _Resolver:
    """Looks up what the rows name, each once, within what the person may read."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.engagements = list(Engagement.objects.visible_to(user))
        self.steps = list(LadderStep.objects.in_force())
        self.parties = list(Party.objects.all())
        self._objectives: dict[int, list[Objective]] = {}

    def engagement(self, text: str) -> Engagement | list[Engagement] | None:
        wanted = plain(text)
        if text.strip().isdigit():
            found = [e for e in self.engagements if e.pk == int(text)]
        else:
            found = [e for e in self.engagements if plain(e.title) == wanted]
        return found[0] if len(found) == 1 else (found or None)

    def objective(self, engagement: Engagement, text: str) -> Objective | list[Objective] | None:
        if engagement.pk not in self._objectives:
            self._objectives[engagement.pk] = list(
                Objective.objects.visible_to(self.user).filter(engagement=engagement)
            )
        objectives = self._objectives[engagement.pk]
        if text.strip().isdigit():
            found = [o for o in objectives if o.pk == int(text)]
        else:
            found = [o for o in objectives if plain(o.title) == plain(text)]
        return found[0] if len(found) == 1 else (found or None)

    def step(self, text: str) -> LadderStep | None:
        wanted = plain(text)
        return next(
            (s for s in self.steps if wanted in {plain(s.key), plain(s.name), plain(s.name_en)}),
            None,
        )

    def party(self, text: str) -> Party | None:
        wanted = plain(text)
        found = [p for p in self.parties if wanted in {plain(p.code), plain(p.name)}]
        return found[0] if len(found) == 1 else None


def _visibility(text: str) -> str | None:
    wanted = plain(text)
    if not wanted:
        return Visibility.RESTRICTED
    from django.utils import translation

    for value, label in Visibility.choices:
        names = {plain(value)}
        for language in ("en", "nl"):
            with translation.override(language):
                names.add(plain(str(label)))
        if wanted in names:
            return str(value)
    return None


def check_rows(user: Any, keys: list[str], rows: list[tuple[int, dict[str, str]]]) -> Checked:
    """Every row typed and resolved, or its problems: nothing is written here."""
    resolve = _Resolver(user)
    checked = Checked(rows=len(rows))
    labels = {key: str(label) for key, (label, _names) in COLUMNS.items()}

    def problem(line: int, key: str, value: str, reason: str) -> None:
        checked.problems.append(Problem(line, labels.get(key, key), value[:200], reason))

    def date_of(line: int, row: dict[str, str], key: str) -> datetime.date | None:
        text = row.get(key, "")
        if not text:
            return None
        found = parse_date(text)
        if found is None:
            problem(line, key, text, _("not a date; write it as 31-12-2024 or 2024-12-31"))
        return found

    if not resolve.steps and "step" in keys:
        raise ActionError(_("No escalation ladder is loaded yet."), field="file")
    for line, row in rows:
        if not any(row.values()):
            continue
        before = len(checked.problems)
        found = resolve.engagement(row.get("engagement", ""))
        if not row.get("engagement"):
            problem(line, "engagement", "", _("name the engagement by its number or title"))
            continue
        if found is None:
            problem(
                line, "engagement", row["engagement"], _("no engagement you may read by this name")
            )
            continue
        if isinstance(found, list):
            problem(
                line,
                "engagement",
                row["engagement"],
                _("several engagements have this title; give the number"),
            )
            continue
        engagement = found
        objective: Objective | None = None
        if row.get("objective"):
            got = resolve.objective(engagement, row["objective"])
            if got is None:
                problem(
                    line, "objective", row["objective"], _("the engagement has no such objective")
                )
            elif isinstance(got, list):
                problem(
                    line,
                    "objective",
                    row["objective"],
                    _("several objectives have this title; give the number"),
                )
            else:
                objective = got
        is_milestone = bool(row.get("milestone"))
        is_activity = any(row.get(k) for k in ("step", "summary", "occurred_on"))
        if is_milestone and is_activity:
            problem(
                line,
                "milestone",
                row["milestone"],
                _("a row updates a milestone or logs an activity, not both"),
            )
            continue
        if not is_milestone and not is_activity:
            problem(line, "milestone", "", _("give a milestone to update or a step to log"))
            continue
        if is_milestone:
            number = row["milestone"].strip().removeprefix("M").removeprefix("m")
            if number not in {"1", "2", "3", "4"}:
                problem(line, "milestone", row["milestone"], _("a milestone is 1, 2, 3 or 4"))
            if not row.get("objective"):
                problem(line, "objective", "", _("a milestone belongs to an objective: name it"))
            target_on = date_of(line, row, "target_on")
            reached_on = date_of(line, row, "reached_on")
            evidence = row.get("evidence", "")
            if reached_on and not evidence:
                problem(line, "evidence", "", _("a milestone reached needs its evidence"))
            if not row.get("target_on") and not row.get("reached_on"):
                problem(line, "target_on", "", _("give a target date, a date reached, or both"))
            if reached_on and reached_on > datetime.date.today():
                problem(
                    line,
                    "reached_on",
                    row["reached_on"],
                    _("a milestone cannot be reached in the future"),
                )
            if len(checked.problems) == before and objective is not None:
                milestone = (
                    Milestone.objects.visible_to(user)
                    .filter(objective=objective, number=int(number))
                    .first()
                )
                if milestone is None:
                    problem(line, "milestone", number, _("the objective has no such milestone"))
                else:
                    checked.milestones.append(
                        MilestoneUpdate(line, milestone, target_on, reached_on, evidence)
                    )
            continue
        step = resolve.step(row.get("step", ""))
        if step is None:
            problem(
                line, "step", row.get("step", ""), _("not a step of the escalation ladder in force")
            )
        occurred_on = date_of(line, row, "occurred_on")
        if not row.get("occurred_on"):
            problem(line, "occurred_on", "", _("an activity needs its date"))
        party = resolve.party(row.get("party", "")) if row.get("party") else None
        if party is None:
            problem(line, "party", row.get("party", ""), _("no party by this code or name"))
        if not row.get("summary"):
            problem(line, "summary", "", _("an activity needs a summary"))
        confidentiality = _visibility(row.get("confidentiality", ""))
        if confidentiality is None:
            problem(
                line, "confidentiality", row["confidentiality"], _("not a confidentiality level")
            )
        vote = ""
        if row.get("vote"):
            vote = VOTES.get(plain(row["vote"]), "")
            if not vote:
                problem(line, "vote", row["vote"], _("a vote is for, against or abstain"))
        if (
            step is not None
            and step.is_vote
            and not (row.get("agm_item") and row.get("vote") and row.get("vote_rationale"))
        ):
            problem(
                line,
                "vote",
                row.get("vote", ""),
                _("an AGM vote needs the item, the vote and its rationale"),
            )
        if len(checked.problems) == before and step and occurred_on and party and confidentiality:
            checked.activities.append(
                ActivityRow(
                    line=line,
                    engagement=engagement,
                    objective=objective,
                    step=step,
                    occurred_on=occurred_on,
                    party=party,
                    summary=row["summary"],
                    confidentiality=confidentiality,
                    participants=row.get("participants", ""),
                    company_response=row.get("company_response", ""),
                    agm_item=row.get("agm_item", ""),
                    vote=vote,
                    vote_rationale=row.get("vote_rationale", ""),
                )
            )
    return checked


def template_file(file_format: str) -> tuple[bytes, str]:
    """The template: the headings in the person's language and two example rows (one
    milestone, one activity), fictional."""
    headings = [str(label) for label, _names in COLUMNS.values()]
    examples = [
        ["12", _("Living wage in the supply chain"), "2", "31-12-2026", "", "", *[""] * 10],
        [
            "12",
            "",
            "",
            "",
            "",
            "",
            "letter",
            "15-01-2026",
            "FA",
            _("Letter to the chair of the board about the audit findings."),
            "restricted",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(headings)
        writer.writerows(examples)
        return out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headings)
    for example in examples:
        sheet.append(example)
    buffer = io.BytesIO()
    book.save(buffer)
    return (
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
