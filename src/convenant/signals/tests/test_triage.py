"""Triage: states with reasons, handler, assessment, linking with the issuer matcher
(parent included), duplicates and merging, sharing rules and the alerts to funds."""

from pathlib import Path

import pytest
from django.core import mail

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.signals import actions
from convenant.signals.duplicates import possible_duplicates
from convenant.signals.models import Signal, SignalAlert, SignalEvent, State
from convenant.signals.tests.helpers import (
    CHILD_ISIN,
    PARENT_ISIN,
    fund_holds,
    issuers,
    report,
    shared_signal,
)


def test_every_state_change_has_who_when_why(world: World) -> None:
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    with pytest.raises(ActionError, match="reason"):
        actions.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason=" ")
    with pytest.raises(ActionError, match="cannot become"):
        actions.change_state(by=union, signal=signal, to=State.SHARED, reason="x")
    actions.change_state(by=union, signal=signal, to=State.IN_REVIEW, reason="Nagaan bij partner")
    event = SignalEvent.objects.filter(signal=signal, kind="state").get()
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        union,
        "received",
        "in_review",
        "Nagaan bij partner",
    )
    assert AuditEvent.objects.filter(verb="signals.change_state", object_id=str(signal.pk)).exists()


def test_only_handlers_triage(world: World) -> None:
    signal = actions.submit_signal(by=world.users["union"], party=world.union, report=report())
    for key in ("fund_admin", "other_fund", "monitoring", "former"):
        with pytest.raises(actions.access.PermissionDenied):
            actions.change_state(by=world.users[key], signal=signal, to="in_review", reason="x")
    actions.change_state(by=world.users["secretariat"], signal=signal, to="in_review", reason="x")


def test_assessment_on_the_methodology_scales(world: World) -> None:
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    with pytest.raises(ActionError, match="1 to 4"):
        actions.assess_signal(
            by=union, signal=signal, scale=5, scope=1, irremediability=1, likelihood=1
        )
    actions.assess_signal(
        by=union, signal=signal, scale=4, scope=2, irremediability=3, likelihood=1
    )
    signal.refresh_from_db()
    assert signal.severity_inputs == (4, 2, 3, 1)


def test_handler_assigned_is_shown(world: World) -> None:
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    with pytest.raises(ActionError, match="editor"):
        actions.assign_handler(by=union, signal=signal, handler=world.users["fund_admin"])
    actions.assign_handler(by=union, signal=signal, handler=union)
    assert Signal.objects.get(pk=signal.pk).handler == union


def test_intake_links_on_isin_and_flags_an_unknown_company(world: World) -> None:
    _parent, child = issuers(world)
    union = world.users["union"]
    known = actions.submit_signal(
        by=union, party=world.union, report=report(company_isin=CHILD_ISIN)
    )
    assert list(known.issuers.all()) == [child] and not known.needs_linking
    unknown = actions.submit_signal(
        by=union, party=world.union, report=report(company_name="Nergens Bekend Ltd")
    )
    assert unknown.needs_linking and not unknown.issuers.exists()
    assert actions.issuer_suggestions(unknown) == []


def test_matcher_suggests_and_parent_is_linked_too(world: World) -> None:
    parent, child = issuers(world)
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    suggested = actions.issuer_suggestions(signal)
    assert suggested and suggested[0][0] == child
    actions.link_issuer(by=union, signal=signal, issuer=child, with_parent=True)
    assert set(signal.issuers.all()) == {parent, child}
    with pytest.raises(ActionError, match="already linked"):
        actions.link_issuer(by=union, signal=signal, issuer=child)


def test_duplicates_found_and_merged_keeping_both_histories(world: World) -> None:
    issuers(world)
    union = world.users["union"]
    first = actions.submit_signal(
        by=union, party=world.union, report=report(company_isin=CHILD_ISIN)
    )
    second = actions.submit_signal(
        by=union,
        party=world.union,
        report=report(
            company_isin=CHILD_ISIN,
            themes=["forced-labour", "living-wage"],
            description="Werknemers worden gedwongen tot onbetaalde overuren, zegt een partner.",
        ),
    )
    other_theme = actions.submit_signal(
        by=union, party=world.union, report=report(company_isin=CHILD_ISIN, themes=["climate"])
    )
    found = [s for s, _score in possible_duplicates(second, union)]
    assert first in found and other_theme not in found
    # Someone who may not read the other signal is never told it exists.
    assert possible_duplicates(second, world.users["fund_admin"]) == []
    actions.merge_signals(by=union, duplicate=second, into=first, reason="Zelfde misstand")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.state == State.DUPLICATE and second.merged_into == first
    assert "living-wage" in first.themes
    assert SignalEvent.objects.filter(signal=second, kind="received").exists()
    assert SignalEvent.objects.filter(signal=second, kind="merged").exists()
    assert SignalEvent.objects.filter(signal=first, kind="merged").exists()
    with pytest.raises(ActionError):
        actions.merge_signals(by=union, duplicate=first, into=second, reason="terug")


def test_sharing_respects_what_the_reporter_allowed(world: World) -> None:
    issuers(world)
    union = world.users["union"]

    def verified(**kw: object) -> Signal:
        s = actions.submit_signal(
            by=union, party=world.union, report=report(company_isin=CHILD_ISIN, **kw)
        )
        actions.change_state(by=union, signal=s, to="in_review", reason="x")
        actions.assess_signal(by=union, signal=s, scale=2, scope=2, irremediability=2, likelihood=2)
        actions.change_state(by=union, signal=s, to="verified", reason="x")
        return s

    closed = verified(visibility="restricted", shared_with=[world.other_fund.pk])
    with pytest.raises(ActionError, match="no more than"):
        actions.share_signal(
            by=union,
            signal=closed,
            visibility="covenant",
            redactions={},
            shared_summary="s",
            reason="r",
        )
    with pytest.raises(ActionError, match="Name the parties"):
        actions.share_signal(
            by=union,
            signal=closed,
            visibility="restricted",
            redactions={},
            shared_summary="s",
            reason="r",
        )
    secret = verified(sharing="not_shared")
    with pytest.raises(ActionError, match="not shared"):
        actions.share_signal(
            by=union, signal=secret, visibility="secretariat", redactions={}, reason="r"
        )
    redacted = verified(sharing="redacted")
    with pytest.raises(ActionError, match="redacted form"):
        actions.share_signal(
            by=union,
            signal=redacted,
            visibility="covenant",
            redactions={"people": 0},
            shared_summary="s",
            reason="r",
        )
    with pytest.raises(ActionError, match="shared account"):
        actions.share_signal(
            by=union, signal=redacted, visibility="covenant", redactions={}, reason="r"
        )
    assert Signal.objects.filter(state="shared").count() == 0


def test_sharing_alerts_funds_holding_the_company_or_its_parent(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    issuers(world)
    fund_holds(world, "fund_admin", PARENT_ISIN, tmp_path)  # holds the parent
    fund_holds(world, "other_fund", CHILD_ISIN, tmp_path)  # holds the company itself
    with django_capture_on_commit_callbacks(execute=True):
        signal = shared_signal(world, level="restricted", named=[world.other_fund])
    alerts = {a.fund_id: a.full for a in SignalAlert.objects.filter(signal=signal)}
    assert alerts == {world.fund.pk: False, world.other_fund.pk: True}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "fund_admin@example.org" in bodies and "other_fund@example.org" in bodies
    assert "hoort niet bij de partijen" in bodies["fund_admin@example.org"]  # Dutch
    for body in bodies.values():  # no content of the signal leaves by e-mail
        assert "onbetaalde" not in body and "Rahima" not in body and "Gazipur" not in body
    # Told once per fund, however often it is shared on.
    assert actions.alert_funds(signal.pk) == 0


def test_secretariat_only_signal_alerts_no_fund(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    issuers(world)
    fund_holds(world, "fund_admin", CHILD_ISIN, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        shared_signal(world, level="secretariat")
    assert not SignalAlert.objects.exists() and not mail.outbox


def test_the_handler_finds_an_issuer_in_the_register_and_links_it(world: World) -> None:
    from django.test import Client

    from convenant.portfolios.models import Issuer

    parent, child = issuers(world)
    Issuer.objects.create(  # a fund's own proposal is never offered for linking
        legal_name="Dochter Textiel Voorstel",
        country_of_incorporation="BD",
        source="holdings",
        proposed_by_party=world.fund,
    )
    signal = actions.submit_signal(
        by=world.users["union"], party=world.union, report=report(company_name="Onbekend")
    )
    handler = Client()
    handler.force_login(world.users["union"])
    url = f"/signals/{signal.reference}/"
    page = handler.get(url, {"issuer_q": "dochter"})
    assert [i.legal_name for i in page.context["found_issuers"]] == ["Dochter Textiel B.V."]
    assert handler.get(url, {"issuer_q": PARENT_ISIN}).context["found_issuers"] == [parent]
    # The state list starts with nothing chosen, in the order of the workflow.
    states = page.context["transition_form"].fields["state"].choices
    assert states[0][0] == "" and [s for s, _label in states[1:]] == ["in_review", "closed"]
    linked = handler.post(f"{url}link/", {"issuer": child.pk, "with_parent": "on"})
    assert linked.status_code == 302
    assert set(signal.issuer_links.values_list("issuer_id", flat=True)) == {child.pk, parent.pk}
    # The secretariat handles every signal; a fund cannot even see one still in triage.
    secretariat = Client()
    secretariat.force_login(world.users["secretariat"])
    assert secretariat.get(url, {"issuer_q": "dochter"}).context["found_issuers"]
    outsider = Client()
    outsider.force_login(world.users["fund_admin"])
    assert outsider.get(url, {"issuer_q": "dochter"}).status_code == 404
