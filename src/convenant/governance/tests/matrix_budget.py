"""Permission-matrix rows of governance's budget, external communication and annual covenant
meeting.

No matrix actor sits in the steering group (the steering group's people are extra users of
``governance.testing``), so the budget and the drafts are the secretariat's alone here; the
steering group's reading is tested in ``test_budget.py`` and ``test_communication.py``."""

import datetime
from decimal import Decimal

from convenant.core.testing import (
    ACTORS,
    FORBIDDEN,
    HIDDEN,
    OK,
    REDIRECT,
    Row,
    World,
    everyone,
    members,
)

# Words found only in what must stay with the steering group and the secretariat.
BUDGET_MARKER = "Kasboek Zilverspar"
DRAFT_MARKER = "Conceptverklaring Ijsvogel"
CONFIDENTIAL_MARKER = "Vertrouwelijk besluit Roerdomp"
PUBLIC_STATEMENT = "Persbericht Grutto"

SECRETARIAT_ONLY = members(FORBIDDEN, secretariat=OK)
SECRETARIAT_WRITES = members(FORBIDDEN, secretariat=REDIRECT)
# An object the reader may not see: 404, as if it did not exist.
HIDDEN_BUT_SECRETARIAT = members(HIDDEN, secretariat=OK)
HIDDEN_WRITE = members(HIDDEN, secretariat=REDIRECT)
# The annual meeting is every party's: every member of a party in the covenant.
PARTY_MEMBERS = members(OK, former=FORBIDDEN)
NOT_SECRETARIAT = tuple(a for a in ACTORS if a != "secretariat")


def extend_world(world: World) -> None:
    from convenant.governance.models import (
        BudgetLine,
        CommunicationAgreement,
        Contribution,
        Decision,
        Meeting,
        PressStatement,
        Spending,
    )
    from convenant.governance.testing import governance_of

    gov = governance_of(world)
    steering = gov.steering_group
    line = BudgetLine.objects.create(
        covenant=world.covenant,
        year=2021,
        code="B1",
        name=BUDGET_MARKER,
        amount_eur=Decimal("100000.00"),
    )
    Spending.objects.create(
        line=line,
        spent_on=datetime.date(2021, 3, 1),
        description="Zaalhuur",
        amount_eur=Decimal("2500.50"),
        recorded_by=world.users["secretariat"],
    )
    contribution = Contribution.objects.create(
        covenant=world.covenant, year=2021, party=world.fund, amount_eur=Decimal("25000.00")
    )
    public = Decision.objects.create(
        number=9101,
        body=steering,
        title="Communicatieafspraken vastgesteld",
        text="De stuurgroep stelt de communicatieafspraken vast.",
        decided_on=datetime.date(2021, 2, 1),
    )
    Decision.objects.create(
        number=9102,
        body=steering,
        title=CONFIDENTIAL_MARKER,
        text="Vertrouwelijk.",
        decided_on=datetime.date(2021, 9, 1),
        confidential=True,
    )
    agreement = CommunicationAgreement.objects.create(
        title="Wie spreekt namens het convenant",
        text="De voorzitter spreekt namens het convenant.",
        spokespeople="De onafhankelijk voorzitter",
        decision=public,
        valid_from=datetime.date(2021, 2, 1),
    )
    draft = PressStatement.objects.create(title=DRAFT_MARKER, text="Nog niet goedgekeurd.")
    approved = PressStatement.objects.create(
        title="Goedgekeurd, nog niet uit", text="Klaar om te versturen.", decision=public
    )
    PressStatement.objects.create(
        title=PUBLIC_STATEMENT,
        text="Het convenant publiceert zijn jaarverslag.",
        decision=public,
        published_on=datetime.date(2021, 3, 1),
    )
    Meeting.objects.create(
        body=steering,
        title="Jaarlijkse convenantbijeenkomst 2021",
        starts_at=datetime.datetime(2021, 11, 15, 13, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2021, 11, 15, 17, tzinfo=datetime.UTC),
        location="Den Haag",
        state=Meeting.State.AGENDA_PUBLISHED,
        annual=True,
    )
    world.extra.update(
        budget_line=line,
        contribution=contribution,
        public_decision=public,
        agreement=agreement,
        draft_statement=draft,
        approved_statement=approved,
    )


def _line_data(w: World) -> dict[str, str]:
    return {"year": "2021", "code": "B9", "name": "Onderzoek", "amount_eur": "12.500,50"}


def _contribution_data(w: World) -> dict[str, str]:
    return {"year": "2021", "party": str(w.other_fund.pk), "amount_eur": "10000", "paid_on": ""}


def _statement_data(w: World) -> dict[str, str]:
    return {"title": "Nieuw persbericht", "text": "Tekst.", "spokesperson": "", "decision": ""}


def _agreement_data(w: World) -> dict[str, str]:
    return {
        "title": "Afspraak",
        "text": "Wat er gezegd mag worden.",
        "spokespeople": "",
        "decision": str(w.extra["public_decision"].pk),
        "valid_from": "",
        "valid_until": "",
    }


def _budget_marker(w: World) -> list[str]:
    return [BUDGET_MARKER]


def _drafts(w: World) -> list[str]:
    return [DRAFT_MARKER, BUDGET_MARKER]


def _line(w: World) -> list[int]:
    return [w.extra["budget_line"].pk]


def _contribution(w: World) -> list[int]:
    return [w.extra["contribution"].pk]


ROWS: list[Row] = [
    # The budget: the steering group's and the secretariat's.
    Row("budget", SECRETARIAT_ONLY, query="year=2021", present=_budget_marker),
    Row("budget", SECRETARIAT_ONLY, query="year=abc"),
    Row("budget_export", SECRETARIAT_ONLY, args=lambda w: [2021, "csv"], present=_budget_marker),
    Row("budget_export", SECRETARIAT_ONLY, args=lambda w: [2021, "xlsx"], present=_budget_marker),
    Row("budget_line_add", SECRETARIAT_ONLY),
    Row("budget_line_add", SECRETARIAT_WRITES, method="post", data=_line_data),
    Row("budget_line_edit", HIDDEN_BUT_SECRETARIAT, args=_line),
    Row(
        "budget_line_edit",
        HIDDEN_WRITE,
        args=_line,
        method="post",
        data=lambda w: {**_line_data(w), "code": "B1", "name": "Secretariaat"},
    ),
    Row("budget_spending_add", HIDDEN_BUT_SECRETARIAT, args=_line),
    Row(
        "budget_spending_add",
        HIDDEN_WRITE,
        args=_line,
        method="post",
        data=lambda w: {"spent_on": "2021-06-01", "description": "Drukwerk", "amount_eur": "99.95"},
    ),
    Row("budget_contribution_add", SECRETARIAT_ONLY),
    Row("budget_contribution_add", SECRETARIAT_WRITES, method="post", data=_contribution_data),
    Row("budget_contribution_edit", HIDDEN_BUT_SECRETARIAT, args=_contribution),
    Row(
        "budget_contribution_edit",
        HIDDEN_WRITE,
        args=_contribution,
        method="post",
        data=lambda w: {
            "year": "2021",
            "party": str(w.fund.pk),
            "amount_eur": "25000",
            "paid_on": "2021-04-01",
        },
    ),
    Row(
        "api:get_budget",
        members(FORBIDDEN, secretariat=OK),
        args=lambda w: [2021],
        present=_budget_marker,
    ),
    # External communication: public once approved; drafts with the steering group.
    Row(
        "communication",
        everyone(OK),
        absent=_drafts,
        absent_for=NOT_SECRETARIAT,
        present=lambda w: [PUBLIC_STATEMENT, "Wie spreekt namens het convenant"],
    ),
    Row("communication_agreement_add", SECRETARIAT_ONLY),
    Row("communication_agreement_add", SECRETARIAT_WRITES, method="post", data=_agreement_data),
    Row(
        "communication_agreement_edit",
        SECRETARIAT_ONLY,
        args=lambda w: [w.extra["agreement"].pk],
    ),
    Row(
        "communication_agreement_edit",
        SECRETARIAT_WRITES,
        args=lambda w: [w.extra["agreement"].pk],
        method="post",
        data=_agreement_data,
    ),
    Row("communication_statement_add", SECRETARIAT_ONLY),
    Row("communication_statement_add", SECRETARIAT_WRITES, method="post", data=_statement_data),
    Row(
        "communication_statement_edit",
        HIDDEN_BUT_SECRETARIAT,
        args=lambda w: [w.extra["draft_statement"].pk],
    ),
    Row(
        "communication_statement_edit",
        HIDDEN_WRITE,
        args=lambda w: [w.extra["draft_statement"].pk],
        method="post",
        data=_statement_data,
    ),
    Row(
        "communication_statement_publish",
        SECRETARIAT_WRITES,
        args=lambda w: [w.extra["approved_statement"].pk],
        method="post",
    ),
    Row(
        "communication_statement_publish",
        members(HIDDEN),
        args=lambda w: [99999999],
        method="post",
        missing=True,
    ),
    Row(
        "api:list_agreements",
        everyone(OK),
        present=lambda w: ["Wie spreekt namens het convenant"],
    ),
    Row(
        "api:list_statements",
        everyone(OK),
        absent=_drafts,
        absent_for=NOT_SECRETARIAT,
        present=lambda w: [PUBLIC_STATEMENT],
    ),
    # The annual covenant meeting: every party's members; confidential decisions only in
    # the copy of the body that took them (here: the secretariat's).
    Row("annual_index", PARTY_MEMBERS, present=lambda w: ["2021"]),
    Row("annual_invitation", PARTY_MEMBERS, args=lambda w: [2021], present=lambda w: ["Den Haag"]),
    Row(
        "annual_invitation", members(HIDDEN, former=FORBIDDEN), args=lambda w: [2019], missing=True
    ),
    Row(
        "annual_pack",
        PARTY_MEMBERS,
        args=lambda w: [2021],
        absent=lambda w: [CONFIDENTIAL_MARKER, BUDGET_MARKER, DRAFT_MARKER],
        absent_for=NOT_SECRETARIAT,
        present=lambda w: ["Communicatieafspraken vastgesteld"],
    ),
    Row(
        "annual_pack",
        PARTY_MEMBERS,
        args=lambda w: [2021],
        present=lambda w: [CONFIDENTIAL_MARKER],
        present_for=("secretariat",),
    ),
    Row("annual_pack_pdf", PARTY_MEMBERS, args=lambda w: [2021]),
]
