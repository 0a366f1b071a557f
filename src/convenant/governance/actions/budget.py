"""Governance actions: budget and external communication (every write in one transaction,
audited). The secretariat keeps the books and the communication log; the steering group
reads them (``FinanceQuerySet``, ``PublicOrBodyQuerySet``)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.core.models import User
from convenant.governance.models import (
    Body,
    BudgetLine,
    CommunicationAgreement,
    Contribution,
    Decision,
    PressStatement,
    Spending,
)
from convenant.parties.models import Covenant, Party

# The budget's columns hold 14 digits, 2 after the point.
MAX_EUR = Decimal("999999999999.99")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_secretariat(by: User) -> None:
    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))


def parse_eur(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """An amount in euros as an exact decimal: a Decimal, an int, or text such as
    "12500", "12.500,50" or "12,500.50". Never a float (it is not exact)."""
    if isinstance(value, bool | float):
        raise ActionError(_("Give the amount as an exact number, such as 12500.50."), field=field)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    else:
        text = re.sub(r"[\s€]|EUR", "", str(value or ""))
        # The last separator followed by one or two digits is the decimal point; the
        # others group thousands (Dutch 12.500,50 and English 12,500.50 alike).
        match = re.fullmatch(r"(-?[\d.,]*?)(?:[.,](\d{1,2}))?", text)
        if (
            not text
            or match is None
            or not re.fullmatch(r"-?\d{1,3}(?:[.,]?\d{3})*|-?\d+", match[1])
        ):
            raise ActionError(
                _("“%(value)s” is not an amount in euros, such as 12500.50.") % {"value": value},
                field=field,
            )
        amount = Decimal(re.sub(r"[.,]", "", match[1]) + "." + (match[2] or "0"))
    try:
        amount = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ActionError(_("This amount is too large."), field=field) from None
    if not amount.is_finite() or abs(amount) > MAX_EUR:
        raise ActionError(_("This amount is too large."), field=field)
    if amount < 0 and not allow_negative:
        raise ActionError(_("An amount cannot be negative."), field=field)
    return amount


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ActionError(
            _("Give a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="year",
        )


LINE_FIELDS = ["year", "code", "name", "amount_eur"]
CONTRIBUTION_FIELDS = ["year", "party", "amount_eur", "paid_on"]
SPENDING_FIELDS = ["line", "spent_on", "description", "amount_eur", "decision"]


def save_budget_line(
    *,
    by: User,
    covenant: Covenant,
    year: int,
    code: str,
    name: str,
    amount_eur: Any,
    line: BudgetLine | None = None,
) -> BudgetLine:
    """The secretariat adds a budget line for a year, or corrects one."""
    _require_secretariat(by)
    _check_year(year)
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise ActionError(_("Give the line a code, such as B1."), field="code")
    if not name:
        raise ActionError(_("Give the line a name."), field="name")
    amount = parse_eur(amount_eur, "amount_eur")
    try:
        with transaction.atomic(durable=True):
            before = None
            if line is None:
                line = BudgetLine(covenant=covenant)
            else:
                line = (
                    BudgetLine.objects.unrestricted("save budget line: the secretariat checked")
                    .select_for_update()
                    .get(pk=line.pk)
                )
                before = snapshot(line, LINE_FIELDS)
            line.year, line.code, line.name, line.amount_eur = year, code, name, amount
            line.save()
            record_event(
                actor=by,
                verb="governance.save_budget_line",
                obj=line,
                before=before,
                after=snapshot(line, LINE_FIELDS),
            )
    except IntegrityError:
        raise ActionError(
            _("The budget of %(year)s already has a line %(code)s.") % {"year": year, "code": code},
            field="code",
        ) from None
    return line


def save_contribution(
    *,
    by: User,
    covenant: Covenant,
    year: int,
    party: Party,
    amount_eur: Any,
    paid_on: datetime.date | None = None,
    contribution: Contribution | None = None,
) -> Contribution:
    """The secretariat records what a party promised to contribute for a year, and when it
    was paid (empty while it is not)."""
    _require_secretariat(by)
    _check_year(year)
    if party.covenant_id != covenant.pk:
        raise ActionError(_("This party is not in the covenant."), field="party")
    amount = parse_eur(amount_eur, "amount_eur")
    if paid_on is not None and paid_on > timezone.localdate():
        raise ActionError(_("A payment cannot be dated in the future."), field="paid_on")
    try:
        with transaction.atomic(durable=True):
            before = None
            if contribution is None:
                contribution = Contribution(covenant=covenant)
            else:
                contribution = (
                    Contribution.objects.unrestricted("save contribution: the secretariat checked")
                    .select_for_update()
                    .get(pk=contribution.pk)
                )
                before = snapshot(contribution, CONTRIBUTION_FIELDS)
            contribution.year, contribution.party = year, party
            contribution.amount_eur, contribution.paid_on = amount, paid_on
            contribution.save()
            record_event(
                actor=by,
                verb="governance.save_contribution",
                obj=contribution,
                before=before,
                after=snapshot(contribution, CONTRIBUTION_FIELDS),
            )
    except IntegrityError:
        raise ActionError(
            _("%(party)s already has a contribution for %(year)s: change that one.")
            % {"party": party.name, "year": year},
            field="party",
        ) from None
    return contribution


def record_spending(
    *,
    by: User,
    line: BudgetLine,
    spent_on: datetime.date,
    description: str,
    amount_eur: Any,
    decision: Decision | None = None,
) -> Spending:
    """The secretariat books an expense against a budget line of the same year, optionally
    under the decision that allowed it. A refund or correction is a negative amount."""
    _require_secretariat(by)
    description = description.strip()
    if not description:
        raise ActionError(_("Say what the money was spent on."), field="description")
    amount = parse_eur(amount_eur, "amount_eur", allow_negative=True)
    if amount == 0:
        raise ActionError(_("An expense of zero euros books nothing."), field="amount_eur")
    if spent_on.year != line.year:
        raise ActionError(
            _("This line is in the budget of %(year)s: the expense must be dated in %(year)s.")
            % {"year": line.year},
            field="spent_on",
        )
    with transaction.atomic(durable=True):
        spending = Spending.objects.create(
            line=line,
            spent_on=spent_on,
            description=description,
            amount_eur=amount,
            decision=decision,
            recorded_by=by,
        )
        record_event(
            actor=by,
            verb="governance.record_spending",
            obj=spending,
            after=snapshot(spending, SPENDING_FIELDS),
        )
    return spending


# --- External communication ----------------------------------------------------------------


def _check_approving_decision(decision: Decision | None) -> None:
    """Communication is approved by the steering group, in a decision the public may read
    (a confidential one would keep the agreement or statement a draft for ever)."""
    if decision is None:
        return
    if decision.body.kind != Body.Kind.STEERING_GROUP:
        raise ActionError(
            _("Only a decision of the steering group approves this."), field="decision"
        )
    if decision.confidential:
        raise ActionError(
            _("A confidential decision cannot approve what is said in public."), field="decision"
        )


AGREEMENT_FIELDS = ["title", "text", "spokespeople", "decision", "valid_from", "valid_until"]


def save_agreement(
    *,
    by: User,
    title: str,
    text: str,
    spokespeople: str = "",
    decision: Decision | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    agreement: CommunicationAgreement | None = None,
) -> CommunicationAgreement:
    """The secretariat writes down an agreement on what may be said publicly and by whom; it
    is in force once linked to the steering group's decision approving it."""
    _require_secretariat(by)
    title, text = title.strip(), text.strip()
    if not title:
        raise ActionError(_("Give the agreement a title."), field="title")
    if not text:
        raise ActionError(_("Write what was agreed."), field="text")
    limits.check_length(text, limits.TEXT, field="text")
    limits.check_length(spokespeople, limits.MESSAGE, field="spokespeople")
    if valid_from and valid_until and valid_until < valid_from:
        raise ActionError(_("An agreement cannot end before it starts."), field="valid_until")
    _check_approving_decision(decision)
    if decision is not None and valid_from is None:
        valid_from = decision.decided_on
    with transaction.atomic(durable=True):
        before = None
        if agreement is None:
            agreement = CommunicationAgreement()
        else:
            agreement = (
                CommunicationAgreement.objects.unrestricted("save agreement: secretariat checked")
                .select_for_update()
                .get(pk=agreement.pk)
            )
            before = snapshot(agreement, AGREEMENT_FIELDS)
        agreement.title, agreement.text, agreement.spokespeople = title, text, spokespeople.strip()
        agreement.decision, agreement.valid_from, agreement.valid_until = (
            decision,
            valid_from,
            valid_until,
        )
        agreement.save()
        record_event(
            actor=by,
            verb="governance.save_agreement",
            obj=agreement,
            before=before,
            after=snapshot(agreement, AGREEMENT_FIELDS),
        )
    return agreement


STATEMENT_FIELDS = ["title", "text", "spokesperson", "decision", "published_on"]


def save_statement(
    *,
    by: User,
    title: str,
    text: str,
    spokesperson: str = "",
    decision: Decision | None = None,
    statement: PressStatement | None = None,
) -> PressStatement:
    """The secretariat drafts a press statement or links it to the steering group's decision
    approving it. A published statement is fixed: what went out cannot be rewritten."""
    _require_secretariat(by)
    title, text = title.strip(), text.strip()
    if not title:
        raise ActionError(_("Give the statement a title."), field="title")
    if not text:
        raise ActionError(_("Write the statement's text."), field="text")
    limits.check_length(text, limits.TEXT, field="text")
    _check_approving_decision(decision)
    with transaction.atomic(durable=True):
        before = None
        if statement is None:
            statement = PressStatement()
        else:
            statement = (
                PressStatement.objects.unrestricted("save statement: secretariat checked")
                .select_for_update()
                .get(pk=statement.pk)
            )
            if statement.published_on is not None:
                raise ActionError(
                    _("This statement was published on %(date)s and can no longer be changed.")
                    % {"date": statement.published_on},
                    code="conflict",
                )
            before = snapshot(statement, STATEMENT_FIELDS)
        statement.title, statement.text = title, text
        statement.spokesperson, statement.decision = spokesperson.strip(), decision
        statement.save()
        record_event(
            actor=by,
            verb="governance.save_statement",
            obj=statement,
            before=before,
            after=snapshot(statement, STATEMENT_FIELDS),
        )
    return statement


def publish_statement(
    *, by: User, statement: PressStatement, published_on: datetime.date | None = None
) -> PressStatement:
    """Mark a statement as published: only once a steering-group decision approved it."""
    _require_secretariat(by)
    published_on = published_on or timezone.localdate()
    with transaction.atomic(durable=True):
        statement = (
            PressStatement.objects.unrestricted("publish statement: secretariat checked")
            .select_for_update()
            .get(pk=statement.pk)
        )
        if statement.decision_id is None:
            raise ActionError(
                _(
                    "This statement has no approving decision of the steering group yet: link "
                    "the decision first, then publish it."
                ),
                field="decision",
                code="conflict",
            )
        if statement.published_on is not None:
            raise ActionError(
                _("This statement was already published on %(date)s.")
                % {"date": statement.published_on},
                code="conflict",
            )
        if statement.decision is not None and published_on < statement.decision.decided_on:
            raise ActionError(
                _("A statement cannot be published before the decision that approved it."),
                field="published_on",
            )
        before = snapshot(statement, STATEMENT_FIELDS)
        statement.published_on = published_on
        statement.save(update_fields=["published_on", "updated_at"])
        record_event(
            actor=by,
            verb="governance.publish_statement",
            obj=statement,
            before=before,
            after=snapshot(statement, STATEMENT_FIELDS),
        )
    return statement
