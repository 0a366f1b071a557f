"""External communication: agreements in force once a steering-group decision approves them,
press statements published only with their approving decision, drafts kept with the
steering group and the secretariat, and the public page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.governance.actions import budget as act
from convenant.governance.models import Decision, PressStatement
from convenant.governance.testing import Governance, governance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gov(world: World) -> Governance:
    return governance_of(world)


def _decision(body: object, number: int, **kw: object) -> Decision:
    return Decision.objects.create(
        number=number,
        body=body,
        title=kw.pop("title", f"Besluit {number}"),
        text="Tekst.",
        decided_on=kw.pop("decided_on", datetime.date(2021, 2, 1)),
        **kw,
    )


def test_a_statement_cannot_be_published_without_its_approving_decision(
    world: World, gov: Governance
) -> None:
    sec = world.users["secretariat"]
    statement = act.save_statement(by=sec, title="Jaarverslag verschenen", text="Het convenant ...")
    events = AuditEvent.objects.count()
    # When the secretariat marks it published without a decision: refused, nothing changed
    with pytest.raises(ActionError, match="no approving decision"):
        act.publish_statement(by=sec, statement=statement)
    statement.refresh_from_db()
    assert statement.published_on is None and AuditEvent.objects.count() == events
    # And through the page, the reason comes back as a message
    client = Client()
    client.force_login(sec)
    page = client.post(f"/governance/communication/statements/{statement.pk}/publish/", follow=True)
    assert "geen goedkeurend besluit" in page.content.decode()
    # Once the steering group's decision approves it, it can be published, and is fixed then
    decision = _decision(gov.steering_group, 1)
    act.save_statement(
        by=sec,
        title="Jaarverslag verschenen",
        text="Het convenant ...",
        decision=decision,
        statement=statement,
    )
    act.publish_statement(by=sec, statement=statement, published_on=datetime.date(2021, 3, 1))
    with pytest.raises(ActionError, match="can no longer be changed"):
        act.save_statement(
            by=sec, title="Anders", text="Anders", decision=decision, statement=statement
        )
    with pytest.raises(ActionError, match="already published"):
        act.publish_statement(by=sec, statement=statement)


def test_only_a_public_steering_group_decision_approves(world: World, gov: Governance) -> None:
    sec = world.users["secretariat"]
    working = _decision(gov.working_group, 2)
    secret = _decision(gov.steering_group, 3, confidential=True)
    for decision, reason in (
        (working, "Only a decision of the steering group"),
        (secret, "confidential decision"),
    ):
        with pytest.raises(ActionError, match=reason):
            act.save_agreement(by=sec, title="Afspraak", text="Tekst", decision=decision)
    early = _decision(gov.steering_group, 4, decided_on=datetime.date(2022, 1, 1))
    statement = act.save_statement(by=sec, title="Vroeg", text="Tekst", decision=early)
    with pytest.raises(ActionError, match="before the decision"):
        act.publish_statement(by=sec, statement=statement, published_on=datetime.date(2021, 12, 31))


def test_the_public_page_lists_agreements_in_force_and_published_statements(
    world: World, gov: Governance
) -> None:
    sec = world.users["secretariat"]
    decision = _decision(gov.steering_group, 5, title="Communicatieafspraken")
    act.save_agreement(
        by=sec, title="De voorzitter spreekt", text="Alleen de voorzitter.", decision=decision
    )
    act.save_agreement(
        by=sec,
        title="Verlopen afspraak",
        text="Oud.",
        decision=decision,
        valid_until=datetime.date(2021, 6, 30),
    )
    act.save_agreement(by=sec, title="Concept-afspraak Wulp", text="Nog niet besloten.")
    published = act.save_statement(
        by=sec, title="Persbericht Kievit", text="Tekst.", decision=decision
    )
    act.publish_statement(by=sec, statement=published, published_on=datetime.date(2021, 3, 1))
    act.save_statement(by=sec, title="Concept Tureluur", text="Nog niet goedgekeurd.")

    anonymous = Client().get("/governance/communication/").content.decode()
    assert "De voorzitter spreekt" in anonymous and "Persbericht Kievit" in anonymous
    for hidden in ("Verlopen afspraak", "Concept-afspraak Wulp", "Concept Tureluur"):
        assert hidden not in anonymous
    api = Client().get("/api/v1/governance/communication/statements").json()
    assert [s["title"] for s in api["items"]] == ["Persbericht Kievit"]

    # The steering group sees the drafts too, and so does the secretariat
    for reader in (gov.holders["government"], sec):
        client = Client()
        client.force_login(reader)
        page = client.get("/governance/communication/").content.decode()
        assert "Concept Tureluur" in page and "Concept-afspraak Wulp" in page
        titles = {
            s["title"]
            for s in client.get("/api/v1/governance/communication/statements").json()["items"]
        }
        assert titles == {"Persbericht Kievit", "Concept Tureluur"}
    # A party's member outside the steering group does not
    client = Client()
    client.force_login(world.users["fund_admin"])
    assert "Concept Tureluur" not in client.get("/governance/communication/").content.decode()
    assert (
        PressStatement.objects.visible_to(world.users["fund_admin"])
        .filter(title="Concept Tureluur")
        .count()
        == 0
    )
