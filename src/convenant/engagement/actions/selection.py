"""Actions of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``).

Who may do what:

- **Nominate**: an editor of any party in the covenant (funds, unions, NGOs, government);
  the secretariat may record a nomination a party sent in, in that party's name. The
  nominating party (an editor of it) or the secretariat withdraws it while it is not
  selected and the steering group is not deciding on it.
- **Rounds**: the secretariat opens a round (one open at a time), closes its scoring, and
  writes the steering group's ``select_cases`` proposal from a closed round.
- **Scores**: an editor of a party scores for that party's constituency, one score per
  constituency and criterion, while the round is open and its close date has not passed;
  a new score replaces the old (the event keeps both).

The selection itself is the steering group's decision: its adopted ``select_cases`` decision
opens the cases (``apply_selection``, registered in ``hooks_selection``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import access, limits
from convenant.core.audit import record_event, snapshot
from convenant.core.errors import ActionError
from convenant.engagement import case_rules
from convenant.engagement.models import (
    Case,
    Criterion,
    Nomination,
    NominationScore,
    SelectionRound,
)
from convenant.parties.models import Constituency, Party
from convenant.portfolios.models import Issuer

WHY = "deep-track selection: the action decides access"
# Serialises the numbering of nominations, so two at once never take the same reference.
_NUMBERING_LOCK = 0x6E6F_6D69  # "nomi"
EVIDENCE_FIELDS = tuple(f"evidence_{c}" for c in Criterion.values)


# --- Who may -----------------------------------------------------------------------------


def nominating_parties(actor: access.Actor) -> list[Party]:
    """The parties this person may nominate for: those they edit for that are in the
    covenant with a constituency; the secretariat for any such party."""
    parties = Party.objects.filter(constituency__isnull=False).active()
    if not actor.is_secretariat:
        parties = parties.filter(pk__in=actor.party_ids_with(access.Role.EDITOR))
    return list(parties.order_by("name"))


def can_nominate(actor: access.Actor) -> bool:
    return bool(nominating_parties(actor))


def can_withdraw(actor: access.Actor, nomination: Nomination) -> bool:
    return actor.is_secretariat or actor.has_role(nomination.party_id, access.Role.EDITOR)


def scoring_constituencies(actor: access.Actor) -> list[Constituency]:
    """The constituencies this person scores for: those of the parties they edit for."""
    editing = actor.party_ids_with(access.Role.EDITOR)
    ids = (
        Party.objects.filter(pk__in=editing, constituency__isnull=False)
        .active()
        .values_list("constituency_id", flat=True)
    )
    return list(Constituency.objects.filter(pk__in=list(ids)).order_by("order", "name"))


def open_round() -> SelectionRound | None:
    """The round open for nominations and scores, if any."""
    return (
        SelectionRound.objects.unrestricted(WHY)
        .filter(state=SelectionRound.State.OPEN)
        .order_by("-opens_on", "-pk")
        .first()
    )


def scoring_open(selection_round: SelectionRound | None, on: datetime.date | None = None) -> bool:
    on = on or timezone.localdate()
    return (
        selection_round is not None
        and selection_round.state == SelectionRound.State.OPEN
        and on <= selection_round.closes_on
    )


# --- Checks on what is sent ---------------------------------------------------------------


def _text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field)
    return limits.check_length(value, limit, field=field)


def _themes(themes: Iterable[str]) -> list[str]:
    cleaned = sorted({str(t).strip().lower() for t in themes if str(t).strip()})
    if len(cleaned) > 20:
        raise ActionError(_("Name at most twenty themes."), field="themes")
    for theme in cleaned:
        if len(theme) > 40 or not theme.replace("-", "").replace("_", "").isalnum():
            raise ActionError(_("A theme is a short key such as labour-rights."), field="themes")
    return cleaned


def _next_reference(year: int) -> str:
    """``n-<year>-<nn>``: the first number not taken that year (under the numbering lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBERING_LOCK])
    taken = set(
        Nomination.objects.unrestricted(WHY)
        .filter(reference__startswith=f"n-{year}-")
        .values_list("reference", flat=True)
    )
    number = 1
    while f"n-{year}-{number:02d}" in taken:
        number += 1
    return f"n-{year}-{number:02d}"


# --- Nominations --------------------------------------------------------------------------


def nominate(
    *,
    by: Any,
    party: Party | None,
    title: str,
    target: str,
    rationale: str,
    issuer: Issuer | None = None,
    sector_code: str = "",
    issue: str = "",
    themes: Iterable[str] = (),
    evidence: Mapping[str, str] | None = None,
    into_round: bool = False,
) -> Nomination:
    """A party puts a company, a sector or an issue forward, saying why and giving evidence
    per criterion; with ``into_round`` it enters the round open for scores."""
    actor = access.actor_for(by, fresh=True)
    access.require(can_nominate(actor))
    if party is None or party.pk not in {p.pk for p in nominating_parties(actor)}:
        raise ActionError(_("Choose a party you nominate for."), field="party")
    title = _text(title, limits.LINE, "title", required=True)
    rationale = _text(rationale, limits.TEXT, "rationale", required=True)
    if target not in Nomination.Target.values:
        raise ActionError(_("Choose a target: a company, a sector or an issue."), field="target")
    sector_code = _text(sector_code, 20, "sector_code")
    issue = _text(issue, limits.LINE, "issue")
    if target == Nomination.Target.ISSUER and issuer is None:
        raise ActionError(_("Name the company nominated."), field="issuer")
    if target == Nomination.Target.SECTOR and not sector_code:
        raise ActionError(_("Name the sector by its GICS code."), field="sector_code")
    if target == Nomination.Target.ISSUE and not issue:
        raise ActionError(_("Name the issue nominated."), field="issue")
    given = dict(evidence or {})
    unknown = set(given) - set(Criterion.values)
    if unknown:
        raise ActionError(_("Evidence is given per selection criterion."), field="evidence")
    texts = {
        f"evidence_{c}": _text(given.get(c, ""), limits.TEXT, f"evidence_{c}")
        for c in Criterion.values
    }
    if not any(texts.values()):
        raise ActionError(
            _("Give evidence for at least one selection criterion."), field="evidence_severity"
        )
    cleaned_themes = _themes(themes)
    with transaction.atomic(durable=True):
        selection_round = None
        if into_round:
            selection_round = (
                SelectionRound.objects.unrestricted(WHY)
                .select_for_update()
                .filter(state=SelectionRound.State.OPEN)
                .order_by("-opens_on", "-pk")
                .first()
            )
            if not scoring_open(selection_round):
                raise ActionError(_("No selection round is open for nominations."), field="round")
        assert selection_round is None or isinstance(selection_round, SelectionRound)
        year = selection_round.opens_on.year if selection_round else timezone.localdate().year
        nomination = Nomination.objects.create(
            reference=_next_reference(year),
            round=selection_round,
            title=title,
            target=target,
            issuer=issuer if target == Nomination.Target.ISSUER else None,
            sector_code=sector_code if target == Nomination.Target.SECTOR else "",
            issue=issue if target == Nomination.Target.ISSUE else "",
            themes=cleaned_themes,
            party=party,
            nominated_by=by,
            rationale=rationale,
            **texts,
        )
        record_event(
            actor=by,
            verb="engagement.nominate",
            obj=nomination,
            after=snapshot(nomination, ["reference", "title", "target", "party", "round"]),
        )
    return nomination


def _proposal_pending(selection_round: SelectionRound | None) -> bool:
    from convenant.governance.models import Proposal

    if selection_round is None or selection_round.proposal_id is None:
        return False
    return (
        Proposal.objects.unrestricted(WHY)
        .filter(
            pk=selection_round.proposal_id,
            state__in=[Proposal.State.DRAFT, Proposal.State.OPEN],
        )
        .exists()
    )


def withdraw_nomination(*, by: Any, nomination: Nomination, reason: str = "") -> Nomination:
    """The nominating party (or the secretariat) withdraws a nomination not selected."""
    access.require(can_withdraw(access.actor_for(by, fresh=True), nomination))
    reason = _text(reason, limits.MESSAGE, "reason")
    with transaction.atomic(durable=True):
        nomination = (
            Nomination.objects.unrestricted(WHY)
            .select_for_update(of=("self",))
            .select_related("round")
            .get(pk=nomination.pk)
        )
        if nomination.state not in (Nomination.State.SUBMITTED, Nomination.State.NOT_SELECTED):
            raise ActionError(
                _("This nomination is %(state)s; it can no longer be withdrawn.")
                % {"state": nomination.get_state_display()},
                code="conflict",
            )
        if _proposal_pending(nomination.round):
            raise ActionError(
                _("The steering group is deciding on this round; wait for its decision."),
                code="conflict",
            )
        before = nomination.state
        nomination.state = Nomination.State.WITHDRAWN
        nomination.save(update_fields=["state", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.withdraw_nomination",
            obj=nomination,
            before={"state": before},
            after={"state": nomination.state, "reason": reason},
        )
    return nomination


def enter_round(*, by: Any, nomination: Nomination) -> Nomination:
    """The nominating party (or the secretariat) enters a nomination made outside a round
    into the round open for scores. A nomination scored in a round stays in it: its scores
    are that round's."""
    access.require(can_withdraw(access.actor_for(by, fresh=True), nomination))
    with transaction.atomic(durable=True):
        selection_round = (
            SelectionRound.objects.unrestricted(WHY)
            .select_for_update()
            .filter(state=SelectionRound.State.OPEN)
            .order_by("-opens_on", "-pk")
            .first()
        )
        if not scoring_open(selection_round):
            raise ActionError(_("No selection round is open for nominations."), code="conflict")
        assert selection_round is not None
        nomination = Nomination.objects.unrestricted(WHY).select_for_update().get(pk=nomination.pk)
        if nomination.round_id is not None:
            raise ActionError(_("The nomination is in a round already."), code="conflict")
        if nomination.state != Nomination.State.SUBMITTED:
            raise ActionError(
                _("This nomination is %(state)s; it cannot enter a round.")
                % {"state": nomination.get_state_display()},
                code="conflict",
            )
        nomination.round = selection_round
        nomination.save(update_fields=["round", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.enter_round",
            obj=nomination,
            before={"round": None},
            after={"round": selection_round.pk},
        )
    return nomination


# --- Selection rounds ---------------------------------------------------------------------


def _require_secretariat(by: Any) -> None:
    access.require(access.actor_for(by, fresh=True).is_secretariat)


def open_selection_round(
    *, by: Any, title: str, opens_on: datetime.date | None, closes_on: datetime.date | None
) -> SelectionRound:
    """The secretariat opens a round for nominations and scores; one is open at a time."""
    _require_secretariat(by)
    title = _text(title, 200, "title", required=True)
    if opens_on is None:
        raise ActionError(_("Give the date the round opens."), field="opens_on")
    if closes_on is None:
        raise ActionError(_("Give the date scoring closes."), field="closes_on")
    if closes_on < opens_on:
        raise ActionError(_("Scoring closes on or after the day it opens."), field="closes_on")
    if closes_on < timezone.localdate():
        raise ActionError(_("Scoring cannot close in the past."), field="closes_on")
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBERING_LOCK])
        if open_round() is not None:
            raise ActionError(
                _("Another selection round is open; close its scoring first."), code="conflict"
            )
        selection_round = SelectionRound.objects.create(
            title=title, opens_on=opens_on, closes_on=closes_on, created_by=by
        )
        record_event(
            actor=by,
            verb="engagement.open_selection_round",
            obj=selection_round,
            after=snapshot(selection_round, ["title", "opens_on", "closes_on"]),
        )
    return selection_round


def close_selection_round(*, by: Any, selection_round: SelectionRound) -> SelectionRound:
    """The secretariat closes a round's scoring: the ranking is then final."""
    _require_secretariat(by)
    with transaction.atomic(durable=True):
        selection_round = (
            SelectionRound.objects.unrestricted(WHY).select_for_update().get(pk=selection_round.pk)
        )
        if selection_round.state != SelectionRound.State.OPEN:
            raise ActionError(_("The round's scoring is closed already."), code="conflict")
        selection_round.state = SelectionRound.State.CLOSED
        selection_round.save(update_fields=["state", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.close_selection_round",
            obj=selection_round,
            before={"state": SelectionRound.State.OPEN},
            after={"state": selection_round.state},
        )
    return selection_round


# --- Scores -------------------------------------------------------------------------------


def score_nomination(
    *,
    by: Any,
    nomination: Nomination,
    constituency: Constituency | None,
    scores: Mapping[str, tuple[int, str]],
) -> list[NominationScore]:
    """A constituency's scores of a nomination, per criterion ``(score 1–5, comment)``; a
    criterion scored before is replaced, and the event keeps what it was."""
    actor = access.actor_for(by, fresh=True)
    allowed = {c.pk for c in scoring_constituencies(actor)}
    access.require(bool(allowed))
    if constituency is None or constituency.pk not in allowed:
        raise ActionError(_("Choose a constituency you score for."), field="constituency")
    if not scores:
        raise ActionError(_("Score at least one criterion."), field="severity")
    cleaned: dict[str, tuple[int, str]] = {}
    for criterion, (value, comment) in scores.items():
        if criterion not in Criterion.values:
            raise ActionError(_("Score the five selection criteria only."), field="criterion")
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ActionError(_("A score is a whole number from 1 to 5."), field=criterion)
        cleaned[criterion] = (value, _text(comment, limits.MESSAGE, f"comment_{criterion}"))
    with transaction.atomic(durable=True):
        nomination = (
            Nomination.objects.unrestricted(WHY)
            .select_for_update(of=("self",))
            .select_related("round")
            .get(pk=nomination.pk)
        )
        if nomination.round is None:
            raise ActionError(_("This nomination is in no selection round."), code="conflict")
        if nomination.state != Nomination.State.SUBMITTED:
            raise ActionError(
                _("This nomination is %(state)s; it is no longer scored.")
                % {"state": nomination.get_state_display()},
                code="conflict",
            )
        if nomination.round.state != SelectionRound.State.OPEN:
            raise ActionError(_("Scoring of this round is closed."), code="conflict")
        if timezone.localdate() > nomination.round.closes_on:
            raise ActionError(
                _("Scoring closed on %(date)s.") % {"date": nomination.round.closes_on},
                code="conflict",
            )
        existing = {
            s.criterion: s
            for s in NominationScore.objects.unrestricted(WHY)
            .select_for_update()
            .filter(nomination=nomination, constituency=constituency)
        }
        saved, before, after = [], {}, {}
        for criterion, (value, comment) in cleaned.items():
            row = existing.get(criterion)
            if row is not None:
                if row.score == value and row.comment == comment:
                    saved.append(row)
                    continue
                before[criterion] = {"score": row.score, "comment": row.comment}
                row.score, row.comment, row.scored_by = value, comment, by
                row.save(update_fields=["score", "comment", "scored_by", "updated_at"])
            else:
                row = NominationScore.objects.create(
                    nomination=nomination,
                    constituency=constituency,
                    criterion=criterion,
                    score=value,
                    comment=comment,
                    scored_by=by,
                )
            after[criterion] = {"score": value, "comment": comment}
            saved.append(row)
        record_event(
            actor=by,
            verb="engagement.score_nomination",
            obj=nomination,
            before={"constituency": constituency.code, **before} if before else None,
            after={"constituency": constituency.code, **after},
        )
    return saved


# --- The ranking --------------------------------------------------------------------------


def constituency_count(covenant_id: int | None = None) -> int:
    """How many constituencies score: each weighs the same in the ranking."""
    rows = Constituency.objects.all()
    if covenant_id is not None:
        rows = rows.filter(covenant_id=covenant_id)
    return rows.count()


def ranking(selection_round: SelectionRound, user: Any) -> list[dict[str, Any]]:
    """The round's nominations (not withdrawn) ranked by ``case_rules.rank``, each with its
    mean per criterion, total, how many constituencies scored and whether complete."""
    nominations = {
        n.pk: n
        for n in Nomination.objects.visible_to(user)
        .filter(round=selection_round)
        .exclude(state=Nomination.State.WITHDRAWN)
        .select_related("party", "issuer")
    }
    scores = list(
        NominationScore.objects.visible_to(user)
        .filter(nomination_id__in=list(nominations))
        .values_list("nomination_id", "constituency_id", "criterion", "score")
    )
    ranked = case_rules.rank(scores, sorted(nominations), constituency_count(), Criterion.values)
    return [
        {"position": i, "nomination": nominations[r.nomination_id], "ranked": r}
        for i, r in enumerate(ranked, start=1)
    ]


# --- The steering group's selection -------------------------------------------------------


def steering_group() -> Any:
    from convenant.governance.models import Body

    return Body.objects.filter(kind=Body.Kind.STEERING_GROUP).order_by("pk").first()


def propose_selection(
    *,
    by: Any,
    selection_round: SelectionRound,
    nominations: Sequence[Nomination],
    closes_at: datetime.datetime,
    text: str = "",
    title: str = "",
    references: Mapping[str, str] | None = None,
) -> Any:
    """The secretariat puts the chosen nominations of a closed round to the steering group
    as a ``select_cases`` proposal (governance's own action writes it; its effect's check
    refuses what could not be applied). The round then links to the proposal."""
    from convenant.governance.actions import decisions as governance

    _require_secretariat(by)
    selection_round = SelectionRound.objects.unrestricted(WHY).get(pk=selection_round.pk)
    if selection_round.state != SelectionRound.State.CLOSED:
        raise ActionError(
            _("Close the round's scoring first; a decided round is not proposed again."),
            code="conflict",
        )
    if _proposal_pending(selection_round):
        raise ActionError(
            _("The steering group is already deciding on this round."), code="conflict"
        )
    chosen = list(nominations)
    if not chosen:
        raise ActionError(_("Choose at least one nomination."), field="nominations")
    if any(n.round_id != selection_round.pk for n in chosen):
        raise ActionError(_("Choose nominations of this round."), field="nominations")
    steering = steering_group()
    if steering is None:
        raise ActionError(_("The covenant has no steering group to decide."))
    titles = "\n".join(f"- {n.title} ({n.reference})" for n in chosen)
    text = (text or "").strip() or _(
        "The steering group selects the following nominations of %(round)s as deep-track "
        "cases:\n%(titles)s"
    ) % {"round": selection_round.title, "titles": titles}
    params: dict[str, Any] = {
        "round": selection_round.pk,
        "nominations": [n.reference for n in chosen],
    }
    if references:
        params["references"] = {k: v for k, v in references.items() if v}
    with transaction.atomic(durable=True):
        selection_round = (
            SelectionRound.objects.unrestricted(WHY).select_for_update().get(pk=selection_round.pk)
        )
        if _proposal_pending(selection_round):
            raise ActionError(
                _("The steering group is already deciding on this round."), code="conflict"
            )
        # The proposal and the round's link to it are one change.
        proposal = governance.create_proposal(
            by=by,
            body=steering,
            kind="select_cases",
            title=title.strip()
            or _("Selection of deep-track cases: %(round)s") % {"round": selection_round.title},
            text=text,
            closes_at=closes_at,
            effect_params=params,
            within_action=True,
        )
        selection_round.proposal = proposal
        selection_round.save(update_fields=["proposal", "updated_at"])
        record_event(
            actor=by,
            verb="engagement.propose_selection",
            obj=selection_round,
            after={"proposal": proposal.number, "nominations": params["nominations"]},
        )
    return proposal


# --- The effect ``select_cases`` ----------------------------------------------------------


def _params_nominations(params: Mapping[str, Any]) -> list[str]:
    refs = params.get("nominations")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise ActionError(
            _('Name the nominations selected, e.g. {"nominations": ["n-2026-01"]}.'),
            field="effect_params",
        )
    if len(set(refs)) != len(refs):
        raise ActionError(_("A nomination is named twice."), field="effect_params")
    return refs


def check_selection(params: dict[str, Any], *, opening: bool = True) -> list[Nomination]:
    """What a ``select_cases`` decision needs: the nominations exist and are submitted, the
    deep track's working group exists, and the running cases plus the chosen stay within
    the maximum. Returns the nominations in the order named."""
    from convenant.engagement.actions.cases import deep_track_group

    refs = _params_nominations(params)
    found = {
        n.reference: n for n in Nomination.objects.unrestricted(WHY).filter(reference__in=refs)
    }
    missing = [r for r in refs if r not in found]
    if missing:
        raise ActionError(
            _("No nomination %(refs)s.") % {"refs": ", ".join(missing)}, field="effect_params"
        )
    chosen = [found[r] for r in refs]
    if opening:
        not_open = [n for n in chosen if n.state != Nomination.State.SUBMITTED]
        if not_open:
            raise ActionError(
                _("%(refs)s cannot be selected: only a submitted nomination can.")
                % {"refs": ", ".join(f"{n.reference} ({n.get_state_display()})" for n in not_open)},
                field="effect_params",
            )
        running = Case.objects.unrestricted(WHY).running().count()
        if not case_rules.room_for(running, len(chosen)):
            raise ActionError(
                _(
                    "%(running)s cases run and %(chosen)s are chosen: at most %(max)s run at "
                    "once. Choose at most %(room)s, or close a case first."
                )
                % {
                    "running": running,
                    "chosen": len(chosen),
                    "max": case_rules.max_cases(),
                    "room": max(0, case_rules.max_cases() - running),
                },
                field="effect_params",
            )
        deep_track_group()
    references = params.get("references", {})
    if not isinstance(references, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in references.items()
    ):
        raise ActionError(_("Case references are given per nomination."), field="effect_params")
    return chosen


def describe_selection(params: dict[str, Any]) -> str:
    refs = _params_nominations(params)
    titles = dict(
        Nomination.objects.unrestricted(WHY)
        .filter(reference__in=refs)
        .values_list("reference", "title")
    )
    named = "; ".join(f"{titles.get(r, '?')} ({r})" for r in refs)
    return _("Select as deep-track cases: %(named)s") % {"named": named}


def _acting_secretariat(decision: Any, by: Any) -> Any:
    """Who opens the cases: the person applying the decision if of the secretariat (who
    closed the proposal or applies a pending effect), else the proposal's author if of the
    secretariat (a proposal closed at its deadline has nobody applying it). Anyone else:
    refused, and the decision waits for the secretariat to apply it."""
    if by is not None and access.actor_for(by, fresh=True).is_secretariat:
        return by
    from convenant.governance.models import Proposal

    proposal = (
        Proposal.objects.unrestricted(WHY)
        .select_related("proposed_by")
        .filter(pk=decision.proposal_id)
        .first()
    )
    author = proposal.proposed_by if proposal is not None else None
    if author is not None and access.actor_for(author, fresh=True).is_secretariat:
        return author
    raise ActionError(
        _("Only the secretariat opens the selected cases: apply the decision as the secretariat.")
    )


def apply_selection(decision: Any, by: Any) -> str:
    """Open a case for each chosen nomination, in the order named, with the decision; the
    round becomes decided and its other nominations not selected. Applying again (after a
    failure half-way) skips the cases this decision opened already."""
    from convenant.engagement.actions.cases import open_case

    params = decision.effect_params
    actor = _acting_secretariat(decision, by)
    refs = _params_nominations(params)
    nominations = {
        n.reference: n for n in Nomination.objects.unrestricted(WHY).filter(reference__in=refs)
    }
    done = set(
        Case.objects.unrestricted(WHY)
        .filter(decision=decision, nomination__reference__in=refs)
        .values_list("nomination__reference", flat=True)
    )
    remaining = [r for r in refs if r not in done]
    if remaining:
        check_selection({**params, "nominations": remaining})
    references = params.get("references", {})
    opened = []
    for ref in refs:
        if ref in done:
            continue
        opened.append(
            open_case(
                by=actor,
                nomination=nominations[ref],
                selected_on=decision.decided_on,
                decision=decision,
                reference=str(references.get(ref, "")),
            )
        )
    round_pk = params.get("round") or next(
        (n.round_id for n in nominations.values() if n.round_id), None
    )
    with transaction.atomic(durable=True):
        selection_round = (
            SelectionRound.objects.unrestricted(WHY).select_for_update().filter(pk=round_pk).first()
        )
        if selection_round is not None:
            passed = list(
                Nomination.objects.unrestricted(WHY)
                .filter(round=selection_round, state=Nomination.State.SUBMITTED)
                .exclude(reference__in=refs)
                .values_list("reference", flat=True)
            )
            Nomination.objects.unrestricted(WHY).filter(reference__in=passed).update(
                state=Nomination.State.NOT_SELECTED, updated_at=timezone.now()
            )
            selection_round.state = SelectionRound.State.DECIDED
            selection_round.save(update_fields=["state", "updated_at"])
            record_event(
                actor=actor,
                verb="engagement.decide_selection_round",
                obj=selection_round,
                after={
                    "decision": decision.number,
                    "selected": refs,
                    "not_selected": passed,
                },
            )
    if selection_round is not None:
        return f"engagement.selectionround:{selection_round.pk}"
    first = opened[0] if opened else Case.objects.unrestricted(WHY).filter(decision=decision)[0]
    return f"engagement.case:{first.pk}"
