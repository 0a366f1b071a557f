"""The demo's policy self-assessments, all FICTIONAL: the requirement tree loaded, and three
demo funds assessing their policy in 2024, 2025 and 2026, improving year by year. 2024 and
2025 are completed; 2026 started from 2025's answers and is partly confirmed, partly still
"to confirm". Each fund uploads its (fictional, generated) policy and a board decision as
evidence.

Made through the real actions (so the audit log tells the story), and idempotent: a year the
fund already assessed is left alone."""

from __future__ import annotations

import datetime
import io
from typing import Any

from convenant.core.models import User
from convenant.parties.demo import DEMO_PASSWORD, demo_email, fund_code
from convenant.parties.models import Membership, Party
from convenant.toolkit.actions import assessment as act
from convenant.toolkit.models import Answer, EvidenceDocument, SelfAssessment
from convenant.toolkit.requirements import answerable, load_requirements

WHY = "loading the demo"
MARK = "(fictief)"
YEARS = (2024, 2025, 2026)
# The demo funds and who answers for each (PF003's editor exists for this demo only).
EDITORS = [
    (fund_code(0), "fonds-redacteur", ""),
    (fund_code(1), "ander-fonds", ""),
    (fund_code(2), "fonds-3-redacteur", "Mila Hendriks"),
]
# How far each fund is to begin with, and how much it improves a year.
START = {0: 3, 1: 1, 2: 0}
STEP = {2024: 0, 2025: 3, 2026: 5}


def _editor(code: str, key: str, name: str) -> User:
    users = User.objects.unrestricted(WHY)
    if name:
        user, made = users.get_or_create(email=demo_email(key), defaults={"full_name": name})
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.unrestricted(WHY).get_or_create(
            user=user, party=Party.objects.get(code=code), defaults={"role": "editor"}
        )
        return user
    return users.get(email=demo_email(key))


def _docx(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=0)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _evidence(by: User, fund: Party) -> list[EvidenceDocument]:
    documents = list(EvidenceDocument.objects.unrestricted(WHY).filter(fund=fund).order_by("pk"))
    if documents:
        return documents
    name = fund.name
    policy = act.upload_evidence(
        by=by,
        fund=fund,
        title=f"Beleid verantwoord beleggen {name} {MARK}",
        filename="beleid.docx",
        data=_docx(
            f"Beleid verantwoord beleggen {name} {MARK}",
            [
                "1. Beleidsverklaring: het fonds onderschrijft de OESO-richtlijnen en de UNGP's. "
                + MARK,
                "2. Gepaste zorgvuldigheid: het fonds brengt jaarlijks de ernstigste risico's in "
                "zijn portefeuille in kaart. " + MARK,
                "3. Invloed en escalatie: engagement, stemmen, samenwerking en uitsluiting als "
                "laatste stap. " + MARK,
                "4. Herstel en rapportage. " + MARK,
            ],
        ),
    )
    decision = act.upload_evidence(
        by=by,
        fund=fund,
        title=f"Bestuursbesluit vaststelling beleid {MARK}",
        filename="besluit.docx",
        data=_docx(
            f"Bestuursbesluit {name} {MARK}",
            ["Het bestuur stelt het beleid verantwoord beleggen vast. " + MARK],
        ),
    )
    return [policy, decision]


def _status(fund_index: int, index: int, year: int) -> str:
    if fund_index == 2 and index == 8:  # this fund has no ESG-data provider
        return Answer.Status.NOT_APPLICABLE
    score = (index * 7 + fund_index * 3) % 10 + START[fund_index] + STEP[year]
    if score >= 9:
        return Answer.Status.MET
    if score >= 5:
        return Answer.Status.PARTLY_MET
    return Answer.Status.NOT_MET


def _comment(status: str, year: int) -> str:
    words: dict[str, str] = {
        Answer.Status.MET: f"Vastgelegd in het beleid {MARK}.",
        Answer.Status.PARTLY_MET: f"Deels beschreven; de uitwerking volgt in {year + 1} {MARK}.",
        Answer.Status.NOT_MET: f"Nog niet in het beleid opgenomen {MARK}.",
        Answer.Status.NOT_APPLICABLE: f"Het fonds gebruikt geen ESG-data-aanbieder {MARK}.",
    }
    return words[status]


def _answer_year(
    by: User,
    assessment: SelfAssessment,
    fund_index: int,
    documents: list[EvidenceDocument],
    share_done: float,
) -> None:
    keys = [r.key for r in answerable(assessment.edition)]
    current = {
        a.requirement_key: a for a in Answer.objects.unrestricted(WHY).filter(assessment=assessment)
    }
    for index, key in enumerate(keys):
        if index >= round(len(keys) * share_done):
            break  # the rest stays as it is: "to confirm" (or unanswered)
        status = _status(fund_index, index, assessment.year)
        before = current.get(key)
        if before is not None and before.to_confirm and before.status == status:
            act.confirm_answer(by=by, assessment=assessment, key=key)
            continue
        evidence = None
        passage = ""
        if status in (Answer.Status.MET, Answer.Status.PARTLY_MET):
            evidence = documents[1] if key == "1.2" else documents[0]
            passage = "besluit, p. 1" if key == "1.2" else f"p. {1 + index // 6}, §{key}"
        act.answer_requirement(
            by=by,
            assessment=assessment,
            key=key,
            status=status,
            comment=_comment(status, assessment.year),
            evidence=evidence,
            passage=passage,
        )


def load() -> dict[str, Any]:
    load_requirements()
    made = 0
    for fund_index, (code, key, name) in enumerate(EDITORS):
        fund = Party.objects.filter(code=code).first()
        if fund is None:
            continue
        by = _editor(code, key, name)
        documents = _evidence(by, fund)
        for year in YEARS:
            if SelfAssessment.objects.unrestricted(WHY).filter(fund=fund, year=year).exists():
                continue
            assessment = act.start_self_assessment(by=by, fund=fund, year=year)
            made += 1
            last = year == YEARS[-1]
            _answer_year(by, assessment, fund_index, documents, 0.5 if last else 1.0)
            if not last:
                act.complete_self_assessment(by=by, assessment=assessment)
                # The demo's history: each year completed in its own December.
                SelfAssessment.objects.unrestricted(WHY).filter(pk=assessment.pk).update(
                    completed_on=datetime.date(year, 12, 12)
                )
    return {
        "made": made,
        "assessments": SelfAssessment.objects.unrestricted(WHY).count(),
        "to_confirm": Answer.objects.unrestricted(WHY).filter(to_confirm=True).count(),
    }


def load_and_describe() -> str:
    result = load()
    return (
        f"Policy self-assessments (fictional): {result['assessments']} over three years "
        f"({result['made']} new), {result['to_confirm']} answers still to confirm."
    )
