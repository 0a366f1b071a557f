"""A judgement's input, as the API documents it and as the page and the API take it: what the
document calls valid is accepted, what it calls invalid is refused, and a reason has a limit."""

import json

import jsonschema_rs
import pytest
from django.test import Client

from convenant.core import limits
from convenant.core.management.commands.export_openapi import DEFAULT_PATH
from convenant.core.testing import World
from convenant.risk.models import RiskJudgement, RiskResult


def documented_judgement() -> jsonschema_rs.Validator:
    """The committed document's schema of a judgement's body."""
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/JudgementIn", "components": document["components"]}
    )


def editor(world: World) -> Client:
    client = Client()
    client.force_login(world.users["fund_editor"])
    return client


def judgement_url(world: World) -> str:
    risk = RiskResult.objects.unrestricted("test: any risk of the snapshot").filter(
        snapshot_id=world.extra["snapshot_id"]
    )[0]
    return f"/api/v1/snapshots/{world.extra['snapshot_id']}/risks/{risk.pk}/judgement"


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "adjusted", "impact": "actual"},
        {"decision": "adjusted", "impact": "actual", "priority": "high"},
        {"decision": "adjusted", "impact": "actual", "priority": "high", "reason": "  "},
        {"decision": "dismissed", "impact": "potential"},
        {"decision": "confirmed", "impact": "actual", "reason": "x" * (limits.MESSAGE + 1)},
    ],
)
def test_what_the_document_calls_invalid_is_refused(scored: World, body: dict) -> None:
    assert not documented_judgement().is_valid(body)
    answer = editor(scored).post(judgement_url(scored), json.dumps(body), "application/json")
    assert answer.status_code == 422 and isinstance(answer.json()["detail"], str)
    assert not RiskJudgement.objects.unrestricted("test: nothing saved").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "confirmed", "impact": "actual"},
        {"decision": "confirmed", "impact": "potential", "priority": "", "reason": "seen"},
        {"decision": "adjusted", "impact": "actual", "priority": "very-high", "reason": "site"},
        {"decision": "dismissed", "impact": "potential", "reason": "sold"},
    ],
)
def test_what_the_document_calls_valid_is_accepted(scored: World, body: dict) -> None:
    assert documented_judgement().is_valid(body)
    answer = editor(scored).post(judgement_url(scored), json.dumps(body), "application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["decision"] == body["decision"]


def test_a_two_megabyte_reason_on_the_page_is_refused(scored: World) -> None:
    risk_url = judgement_url(scored)
    risk_id = risk_url.split("/")[-2]
    page = f"/holdings/{scored.extra['snapshot_id']}/risks/{risk_id}/judge/"
    client = editor(scored)
    reason = "x" * (limits.MESSAGE + 1)
    client.post(page, {"decision": "confirmed", "impact": "actual", "reason": reason})
    assert not RiskJudgement.objects.unrestricted("test: nothing saved").exists()
    shown = client.get(f"/holdings/{scored.extra['snapshot_id']}/risks/").content.decode()
    assert f'maxlength="{limits.MESSAGE}"' in shown
