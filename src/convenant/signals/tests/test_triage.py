"""Triage: states with reasons, handler, assessment, linking with the issuer matcher
(parent included), duplicates and merging, sharing rules and the alerts to funds."""

import re
from pathlib import Path
from typing import Any

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


def test_suggestions_are_worked_out_at_intake_and_the_page_only_reads_them(
    world: World, django_capture_on_commit_callbacks
) -> None:
    _parent, child = issuers(world)
    union = world.users["union"]
    # Given a report of a company by name only, the intake queues the matcher as a job,
    with django_capture_on_commit_callbacks(execute=True):
        signal = actions.submit_signal(by=union, party=world.union, report=report())
    signal.refresh_from_db()
    # which stores what it found,
    assert [issuer_id for issuer_id, _score in signal.suggested_issuers] == [child.pk]
    assert AuditEvent.objects.filter(verb="signals.suggest_issuers").exists()
    # and the page reads that: renaming the issuer since does not change the suggestion.
    child.legal_name = "Geheel Anders Ltd"
    child.save()
    assert [issuer for issuer, _c in actions.issuer_suggestions(signal)] == [child]
    from django.test import Client

    handler = Client()
    handler.force_login(union)
    page = handler.get(f"/signals/{signal.reference}/").content.decode()
    assert re.search(r"Geheel Anders Ltd \(op naam, \d+ % gelijk\)", page)  # words, not a score
    # A report whose company is unknown stores that there is nothing to suggest.
    with django_capture_on_commit_callbacks(execute=True):
        unknown = actions.submit_signal(
            by=union, party=world.union, report=report(company_name="Nergens Bekend Ltd")
        )
    unknown.refresh_from_db()
    assert unknown.suggested_issuers == [] and actions.issuer_suggestions(unknown) == []


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
        actions.change_state(by=world.users["secretariat"], signal=s, to="verified", reason="x")
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
    # The work after the share ran as jobs: one for the share, one e-mail per person.
    from convenant.core.models import Job

    after = Job.objects.get(kind="signals.after_share")
    assert after.state == Job.State.SUCCEEDED and after.subject_id == str(signal.pk)
    assert after.result == {}  # no count of funds told: it would say who holds the company
    mails = Job.objects.filter(kind="core.send_email")
    assert {j.params["to"] for j in mails} >= set(bodies)
    assert {j.state for j in mails} == {Job.State.SUCCEEDED}
    # Whom an alert went to says which funds hold the company: only the fund follows it.
    assert not Job.objects.visible_to(world.users["secretariat"]).filter(kind="core.send_email")
    own = Job.objects.visible_to(world.users["fund_viewer"]).filter(kind="core.send_email")
    assert {j.party_id for j in own} == {world.fund.pk}
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
    assert '<span class="muted">Bangladesh · ' in page.content.decode()  # by name, not "BD"
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


def _second_union_handler(world: World) -> Any:
    from convenant.core.access import Role
    from convenant.core.models import User
    from convenant.parties.models import Membership

    colleague = User.objects.create_user("colleague@example.org", "Tweede Behandelaar", "pw-x-1")
    Membership.objects.create(user=colleague, party=world.union, role=Role.EDITOR)
    return colleague


@pytest.mark.parametrize("judgement", ["verified", "unsubstantiated"])
def test_four_eyes_the_filer_cannot_verify_or_dismiss_their_own_signal(
    world: World, judgement: str
) -> None:
    # Given a signal the union's person filed and put in review
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    actions.change_state(by=union, signal=signal, to="in_review", reason="Nagaan")
    audited = AuditEvent.objects.count()
    # When the filer judges it themselves, then it is refused and nothing changed
    with pytest.raises(ActionError, match="You filed this signal") as refused:
        actions.change_state(by=union, signal=signal, to=judgement, reason="Zelf bevestigd")
    assert refused.value.field == "state"
    signal.refresh_from_db()
    assert signal.state == "in_review"
    assert not SignalEvent.objects.filter(signal=signal, to_state=judgement).exists()
    assert AuditEvent.objects.count() == audited
    # When another handler of the union judges it, then it is taken and audited with both names
    colleague = _second_union_handler(world)
    actions.change_state(by=colleague, signal=signal, to=judgement, reason="Tweede blik")
    signal.refresh_from_db()
    assert signal.state == judgement
    event = AuditEvent.objects.filter(verb="signals.change_state").latest("pk")
    assert event.actor == colleague and event.after["filed_by"] == union.pk


def test_four_eyes_the_secretariat_verifies_and_the_filer_then_shares(world: World) -> None:
    # Given a signal the union filed, assessed and linked
    _parent, child = issuers(world)
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    actions.change_state(by=union, signal=signal, to="in_review", reason="Nagaan")
    actions.assess_signal(
        by=union, signal=signal, scale=2, scope=2, irremediability=2, likelihood=2
    )
    actions.link_issuer(by=union, signal=signal, issuer=child)
    # When the secretariat verifies it, then the filer may share it (two people took part)
    actions.change_state(by=world.users["secretariat"], signal=signal, to="verified", reason="Ok")
    shared = actions.share_signal(
        by=union,
        signal=signal,
        visibility="covenant",
        redactions={"description": 0},
        reason="Delen",
    )
    assert shared.state == "shared"
    # Judging the shared signal unsubstantiated is again for someone else.
    with pytest.raises(ActionError, match="You filed this signal"):
        actions.change_state(by=union, signal=signal, to="unsubstantiated", reason="Toch niet")
    actions.change_state(
        by=world.users["secretariat"], signal=signal, to="unsubstantiated", reason="Toch niet"
    )


def test_four_eyes_on_the_page_the_filer_is_not_offered_the_judgement(world: World) -> None:
    from django.test import Client

    # Given a signal in review that the union filed
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report())
    actions.change_state(by=union, signal=signal, to="in_review", reason="Nagaan")
    url = signal.get_absolute_url()
    filer = Client()
    filer.force_login(union)
    # The filer's page offers no verification and says who takes it.
    page = filer.get(url)
    assert page.context["transition_form"] is None
    assert "U hebt dit signaal ingediend" in page.context["four_eyes"]
    assert 'id="four-eyes"' in page.content.decode()
    # A forged post is refused with the message and changes nothing.
    answer = filer.post(f"{url}state/", {"state": "verified", "reason": "Zelf"}, follow=True)
    assert "U hebt dit signaal ingediend" in answer.content.decode()
    signal.refresh_from_db()
    assert signal.state == "in_review"
    # Another handler of the union is offered it and takes it.
    colleague = Client()
    colleague.force_login(_second_union_handler(world))
    states = colleague.get(url).context["transition_form"].fields["state"].choices
    assert "verified" in [value for value, _label in states]
    colleague.post(f"{url}state/", {"state": "verified", "reason": "Tweede blik"})
    signal.refresh_from_db()
    assert signal.state == "verified"


def test_triage_page_shows_what_was_done(world: World) -> None:
    from django.test import Client

    # Given a signal the union filed, on a company the matcher does not know
    _parent, child = issuers(world)
    union = world.users["union"]
    signal = actions.submit_signal(
        by=union, party=world.union, report=report(company_name="Nergens Bekend Ltd")
    )
    client = Client()
    client.force_login(union)
    url = signal.get_absolute_url()
    page = client.get(url)
    # The assessment asks: nothing is chosen, and an empty choice is refused.
    assess = page.context["assess_form"]
    assert all(assess[name].value() in (None, "") for name in assess.fields)
    assert 'value="" selected' in str(assess["scale"])
    client.post(f"{url}assess/", {"scale": "", "scope": "2", "irremediability": "2"})
    signal.refresh_from_db()
    assert signal.scale is None
    assert "vond geen uitgevende instelling" in page.content.decode()
    # When a handler is assigned and an issuer linked
    client.post(f"{url}assign/", {"handler": str(union.pk)})
    client.post(f"{url}link/", {"issuer": child.pk})
    client.post(f"{url}state/", {"state": "in_review", "reason": "Nagaan"})
    page = client.get(url)
    html = page.content.decode()
    # Then the handler field shows the handler, the "no issuer" note is gone, and the
    # history shows the real states
    assert page.context["assign_form"]["handler"].value() == union.pk
    assert f'<option value="{union.pk}" selected>' in html
    assert "vond geen uitgevende instelling" not in html
    assert "Received → Received" not in html and "Ontvangen → Ontvangen" not in html
    assert "Ontvangen → In onderzoek" in html


def test_dashboard_waiting_count_links_to_the_filtered_list(world: World) -> None:
    from django.test import Client

    union = world.users["union"]
    waiting = actions.submit_signal(by=union, party=world.union, report=report())
    other = actions.submit_signal(by=union, party=world.union, report=report(title="Dicht"))
    actions.change_state(by=union, signal=other, to="closed", reason="Buiten het convenant")
    client = Client()
    client.force_login(union)
    home = client.get("/dashboard/").content.decode()
    assert 'href="/signals/?waiting=1">1</a>' in home
    listed = client.get("/signals/?waiting=1").content.decode()
    assert waiting.reference in listed and other.reference not in listed


def _verified(world: World, **kw: Any) -> Signal:
    """A signal of the union, assessed, linked to the subsidiary and verified by the
    secretariat: ready to be shared."""
    _parent, child = issuers(world)
    union = world.users["union"]
    signal = actions.submit_signal(by=union, party=world.union, report=report(**kw))
    actions.change_state(by=union, signal=signal, to="in_review", reason="Nagaan")
    actions.assess_signal(
        by=union, signal=signal, scale=2, scope=2, irremediability=2, likelihood=2
    )
    if not signal.issuer_links.exists():
        actions.link_issuer(by=union, signal=signal, issuer=child)
    actions.change_state(by=world.users["secretariat"], signal=signal, to="verified", reason="Ok")
    return signal


def test_share_with_every_fund_holding_the_company_without_naming_them(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    from django.test import Client

    # Given a verified signal on a company that only the first fund holds
    signal = _verified(world)
    fund_holds(world, "fund_admin", CHILD_ISIN, tmp_path)
    union = Client()
    union.force_login(world.users["union"])
    share_url = f"{signal.get_absolute_url()}share/"
    # When the handler shares it, restricted, with "every fund that holds the company"
    with django_capture_on_commit_callbacks(execute=True):
        answer = union.post(
            share_url,
            {
                "visibility": "restricted",
                "with_holders": "on",
                "title": signal.title,
                "shared_summary": "Samenvatting",
                "reason": "Aan wie het bedrijf houdt",
                **{f"redact_{f}": "3" for f in ("reporter", "site", "people", "sources")},
                "redact_description": "2",
                "redact_attachments": "3",
            },
        )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    signal.refresh_from_db()
    # Then the holding fund reads it (as a named party would), another fund does not,
    assert signal.share_with_holders and not signal.shares.exists()
    assert SignalAlert.objects.get(signal=signal).fund == world.fund
    holder, outsider = Client(), Client()
    holder.force_login(world.users["fund_viewer"])
    outsider.force_login(world.users["other_fund"])
    assert holder.get(signal.get_absolute_url()).status_code == 200
    assert "onbetaalde overuren" in holder.get(signal.get_absolute_url()).content.decode()
    assert outsider.get(signal.get_absolute_url()).status_code == 404
    assert signal.reference not in outsider.get("/signals/").content.decode()
    # and nothing on the handler's pages says which fund that is.
    for url in (signal.get_absolute_url(), share_url):
        html = union.get(url).content.decode()
        assert f'value="{world.fund.pk}" checked' not in html
    assert "Pensioenfonds Alfa" not in union.get(signal.get_absolute_url()).content.decode()


def test_restricted_share_needs_named_parties_or_every_holder(world: World) -> None:
    signal = _verified(world)
    with pytest.raises(ActionError, match="or choose every fund"):
        actions.share_signal(
            by=world.users["union"],
            signal=signal,
            visibility="restricted",
            redactions={},
            shared_summary="s",
            reason="r",
        )
    signal.refresh_from_db()
    assert signal.state == "verified" and not signal.share_with_holders


def test_share_page_groups_parties_by_constituency_and_searches_without_javascript(
    world: World,
) -> None:
    from django.test import Client

    signal = _verified(world)
    union = Client()
    union.force_login(world.users["union"])
    url = f"{signal.get_absolute_url()}share/"
    page = union.get(url)
    groups = {g["name"]: [i["party"].name for i in g["parties"]] for g in page.context["groups"]}
    assert groups["Fondsen"] == ["Pensioenfonds Alfa", "Pensioenfonds Beta"]
    assert groups["Vakbonden"] == ["Vakbond Gamma"]
    assert "Secretariaat" in groups["Bestuursorganen van het convenant"]
    html = page.content.decode()
    assert 'src="/static/signals/share.js"' in html and "<script>" not in html
    # The search box without JavaScript: the same form comes back filtered, with what was
    # typed and ticked kept, and nothing shared.
    answer = union.post(
        url,
        {
            "party_search": "1",
            "party_q": "beta",
            "shared_with": [str(world.union.pk)],
            "reason": "Halverwege getypt",
            "visibility": "restricted",
        },
    )
    shown = {i["party"].name for g in answer.context["groups"] for i in g["parties"] if i["shown"]}
    assert shown == {"Pensioenfonds Beta", "Vakbond Gamma"}  # the match and the ticked one
    html = answer.content.decode()
    assert "Halverwege getypt" in html and f'value="{world.union.pk}" checked' in html
    signal.refresh_from_db()
    assert signal.state == "verified"


def test_member_form_groups_the_named_parties_by_constituency(world: World) -> None:
    from django.test import Client

    from convenant.signals.tests.helpers import form_data

    client = Client()
    client.force_login(world.users["union"])
    page = client.get("/signals/new/")
    groups = {g["name"]: [i["party"].name for i in g["parties"]] for g in page.context["groups"]}
    assert groups["Fondsen"] == ["Pensioenfonds Alfa", "Pensioenfonds Beta"]
    html = page.content.decode()
    assert "data-js-only" in html and 'name="party_search"' not in html  # no stray submit
    answer = client.post(
        "/signals/new/",
        form_data(
            party=str(world.union.pk), visibility="restricted", shared_with=[world.other_fund.pk]
        ),
    )
    assert answer.status_code == 302
    signal = Signal.objects.unrestricted("test: the signal just filed").get()
    assert list(signal.shares.values_list("party_id", flat=True)) == [world.other_fund.pk]
