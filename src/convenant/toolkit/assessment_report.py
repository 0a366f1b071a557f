"""A self-assessment as people read it (the page, the API, the XLSX and DOCX exports): the tree
with the fund's answers, the progress, and the gaps with the model texts that close them.

Everything here reads through ``visible_to(user)``: the caller has already found the
assessment visible, and the answers, evidence and texts follow the same rules."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from convenant.core.exports import inert_cell
from convenant.toolkit.models import (
    Answer,
    ModelText,
    Requirement,
    SelfAssessment,
    TextVersion,
    VersionStatus,
)
from convenant.toolkit.requirements import Node, tree

GAPS = (Answer.Status.NOT_MET, Answer.Status.PARTLY_MET)


def english() -> bool:
    return (get_language() or "nl").startswith("en")


def title_of(requirement: Requirement) -> str:
    return requirement.title_en if english() else requirement.title


def description_of(requirement: Requirement) -> str:
    return requirement.description_en if english() else requirement.description


@dataclass
class ClosingText:
    identifier: str
    title: str = ""  # the adopted version's title, when the toolkit holds the text
    url: str = ""  # its public page, when the toolkit's pages exist


@dataclass
class Item:
    requirement: Requirement
    answer: Answer | None
    closing: list[ClosingText] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.requirement.key

    @property
    def title(self) -> str:
        return title_of(self.requirement)

    @property
    def description(self) -> str:
        return description_of(self.requirement)

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else ""

    @property
    def status_label(self) -> str:
        return str(Answer.Status(self.status).label)

    @property
    def to_confirm(self) -> bool:
        return bool(self.answer and self.answer.to_confirm)

    @property
    def is_gap(self) -> bool:
        return self.status in GAPS


@dataclass
class Group:
    requirement: Requirement
    items: list[Item]

    @property
    def key(self) -> str:
        return self.requirement.key

    @property
    def title(self) -> str:
        return title_of(self.requirement)


@dataclass
class Report:
    assessment: SelfAssessment
    groups: list[Group]

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.status and not i.to_confirm)

    @property
    def unanswered(self) -> int:
        return sum(1 for i in self.items if not i.status)

    @property
    def to_confirm(self) -> int:
        return sum(1 for i in self.items if i.status and i.to_confirm)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def gaps(self) -> list[Item]:
        return [i for i in self.items if i.is_gap]

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [(str(label), self.count(value)) for value, label in Answer.Status.choices]

    @property
    def can_complete(self) -> bool:
        return self.unanswered == 0 and self.to_confirm == 0


def closing_texts(identifiers: list[str], user: Any) -> dict[str, ClosingText]:
    """Each identifier with the adopted version's title and the public page of the text,
    when the toolkit holds it; otherwise the identifier alone."""
    known = set(
        ModelText.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)
    )
    titles = {
        v.text.identifier: v.title_in()
        for v in TextVersion.objects.visible_to(user)
        .filter(text__identifier__in=known, status=VersionStatus.ADOPTED)
        .select_related("text")
    }
    found = {}
    for identifier in identifiers:
        url = ""
        if identifier in known:
            try:
                url = reverse("toolkit_text", args=[identifier])
            except NoReverseMatch:
                url = ""
        found[identifier] = ClosingText(identifier, titles.get(identifier, ""), url)
    return found


def report_of(assessment: SelfAssessment, user: Any) -> Report:
    answers = {
        a.requirement_key: a
        for a in Answer.objects.visible_to(user)
        .filter(assessment=assessment)
        .select_related("evidence")
    }
    roots: list[Node] = tree(assessment.edition)
    identifiers = sorted(
        {i for root in roots for node in _leaves(root) for i in node.requirement.closed_by}
    )
    closing = closing_texts(identifiers, user)
    groups = []
    for root in roots:
        items = [
            Item(
                node.requirement,
                answers.get(node.key),
                [closing[i] for i in node.requirement.closed_by],
            )
            for node in _leaves(root)
            if node.key in answers
        ]
        groups.append(Group(root.requirement, items))
    return Report(assessment, [g for g in groups if g.items])


def _leaves(node: Node) -> list[Node]:
    if not node.children:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


# --- Exports ------------------------------------------------------------------------------


def _columns() -> list[str]:
    return [
        _("Requirement"),
        _("Group"),
        _("Title"),
        _("Source"),
        _("Answer"),
        _("To confirm"),
        _("Comment"),
        _("Evidence"),
        _("Page or passage"),
        _("Model texts that close a gap"),
    ]


def export_rows(report: Report) -> list[list[Any]]:
    rows = []
    for group in report.groups:
        for item in group.items:
            answer = item.answer
            rows.append(
                [
                    inert_cell(v)
                    for v in [
                        item.key,
                        group.title,
                        item.title,
                        item.requirement.source,
                        item.status_label,
                        _("yes") if item.to_confirm else "",
                        answer.comment if answer else "",
                        answer.evidence.title if answer and answer.evidence else "",
                        answer.passage if answer else "",
                        ", ".join(c.identifier for c in item.closing) if item.is_gap else "",
                    ]
                ]
            )
    return rows


def heading(report: Report) -> str:
    a = report.assessment
    return _("Policy self-assessment %(year)s of %(fund)s") % {"year": a.year, "fund": a.fund.name}


def as_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(report.assessment.year))
    sheet.append([inert_cell(heading(report))])
    sheet.append(
        [
            inert_cell(
                _("Requirements edition %(edition)s") % {"edition": report.assessment.edition}
            ),
            inert_cell(str(SelfAssessment.Status(report.assessment.status).label)),
        ]
    )
    sheet.append([])
    sheet.append(_columns())
    for row in export_rows(report):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_docx(report: Report) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(heading(report), level=0)
    a = report.assessment
    document.add_paragraph(
        _("Requirements edition %(edition)s · %(status)s · %(answered)s of %(total)s answered")
        % {
            "edition": a.edition,
            "status": SelfAssessment.Status(a.status).label,
            "answered": report.answered,
            "total": report.total,
        }
    )
    for group in report.groups:
        document.add_heading(f"{group.key}. {group.title}", level=1)
        for item in group.items:
            document.add_heading(f"{item.key} {item.title}", level=2)
            line = f"{_('Answer')}: {item.status_label}"
            if item.to_confirm:
                line += f" ({_('to confirm')})"
            document.add_paragraph(line)
            document.add_paragraph(f"{_('Source')}: {item.requirement.source}")
            answer = item.answer
            if answer and answer.comment:
                document.add_paragraph(f"{_('Comment')}: {answer.comment}")
            if answer and answer.evidence:
                document.add_paragraph(
                    f"{_('Evidence')}: {answer.evidence.title}, {answer.passage}"
                )
            if item.is_gap and item.closing:
                document.add_paragraph(
                    f"{_('Model texts that close a gap')}: "
                    + ", ".join(c.title or c.identifier for c in item.closing)
                )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
