"""The API against its own committed OpenAPI document (docs/openapi.json), with schemathesis:
for every operation, as a fund editor (a Bearer API token) and anonymously, valid and invalid
requests alike get no server error and no answer the document does not describe.

The application runs in-process (Django's WSGI app, in the test's transaction), with a
bounded budget: a few examples per operation and mode."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from convenant.core import actions
from convenant.core.management.commands.export_openapi import DEFAULT_PATH
from convenant.core.testing import World

# Per operation, mode and caller: 23 operations x 2 x 2 x 10 ≈ 900 requests, the same ones
# every run. SCHEMATHESIS_EXAMPLES=50 SCHEMATHESIS_RANDOM=1 explores further by hand.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
RANDOM = bool(os.environ.get("SCHEMATHESIS_RANDOM"))


@pytest.fixture
def app() -> Iterator[Any]:
    """Django's WSGI app, sharing the test's connection (and so its transaction), as the
    test client does: a request must not close the connection the test runs in."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# A request the document calls valid is answered 2xx, or refused for what no schema can say:
# 400 (a party code that does not exist), 401, 403, 404 (an object you may not see), 409.
# Never 422: a constraint the server enforces on its input is written in the document.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", 400, 401, 403, 404, 409]}
        }
    }
)


def _problems(app: Any, headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_path(DEFAULT_PATH, config=CONFIG)
    schema.app = app
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=not RANDOM,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                response = case.call(headers=headers)
                case.validate_response(response, headers=headers)

            try:
                check()
            except Unsatisfiable:
                pass  # no invalid value exists for this operation (e.g. a free-text slug)
            except (Exception, BaseExceptionGroup) as failure:  # every operation's, at once
                found.append(f"{operation.label} ({mode}): {failure}"[:3000])
    return found


@pytest.fixture
def editor(world: World) -> dict[str, str]:
    """The fund editor's token, and through the API itself a signal and a holdings snapshot
    of the fund, so that lists answer with items, not only empty pages."""
    # A signal's themes are those of the taxonomy edition in force: loaded as an
    # installation loads it, by its command (core names no higher app).
    call_command("load_reference", dataset="themes", verbosity=0)
    _token, plaintext = actions.create_api_token(
        by=world.users["fund_editor"],
        name="fuzz",
        access="write",  # every app, read and write
    )
    headers = {"Authorization": f"Bearer {plaintext}"}
    client = Client(headers=headers)
    signal = {
        "party": "FA",
        "title": "Overuren in fabriek",
        "company_name": "Dochter Textiel B.V.",
        "description": "Werknemers worden gedwongen tot onbetaalde overuren.",
        "themes": ["forced-labour"],
        "impact": "actual",
        "visibility": "covenant",
        "sharing": "as_reported",
        "country": "BD",
    }
    filed = client.post("/api/v1/signals", json.dumps(signal), content_type="application/json")
    assert filed.status_code == 201, filed.content
    holdings = SimpleUploadedFile(
        "posities.csv", b"ISIN;Naam;Marktwaarde;Valuta\nUS0378331005;Apple;2.500.000,00;EUR\n"
    )
    sent = client.post("/api/v1/snapshots", {"file": holdings, "fund": "FA", "as_of": "2024-12-31"})
    assert sent.status_code == 202, sent.content
    return headers


def test_the_api_keeps_to_its_document_as_a_fund_editor(
    world: World, editor: dict[str, str], app: Any
) -> None:
    problems = _problems(app, editor)
    assert not problems, "\n\n".join(problems)


def test_the_api_keeps_to_its_document_anonymously(world: World, app: Any) -> None:
    problems = _problems(app, {})
    assert not problems, "\n\n".join(problems)


def test_public_operations_declare_no_authentication() -> None:
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    public = {op for op, details in operations.items() if "security" not in details}
    assert public == {
        "GET /api/v1/parties",
        "GET /api/v1/parties/{slug}",
        # What the covenant agreed may be said in public, and what it said.
        "GET /api/v1/governance/communication/agreements",
        "GET /api/v1/governance/communication/statements",
        # The decision log: public, but for decisions marked confidential.
        "GET /api/v1/decisions",
        "GET /api/v1/decisions/{number}",
        # The deep track's published public communications: what the groups approved.
        "GET /api/v1/deep-track/publications",
        # The self-assessment's requirement tree: published reference data with its sources.
        "GET /api/v1/toolkit/requirements",
        # The toolkit's model texts: adopted wording and releases are public, drafts are the
        # covenant's.
        "GET /api/v1/toolkit/texts",
        "GET /api/v1/toolkit/texts/{identifier}",
        "GET /api/v1/toolkit/texts/{identifier}/versions/{number}",
        "GET /api/v1/toolkit/releases",
        # The KPI framework (reference data) and the published monitoring reports, their
        # figures after disclosure control.
        "GET /api/v1/reporting/frameworks",
        "GET /api/v1/reporting/frameworks/{version}",
        "GET /api/v1/monitoring/reports",
        "GET /api/v1/monitoring/reports/{label}",
    }
    for name, operation in operations.items():
        assert ("401" in operation["responses"]) == (name not in public), name
        assert "400" in operation["responses"], name  # input refused at the edge
    schemes = document["components"]["securitySchemes"]
    assert set(schemes) == {"TokenAuth", "SessionAuth"}


def test_an_anonymous_change_is_told_to_log_in(world: World) -> None:
    """Not "CSRF check failed": there is no session to protect."""
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/api/v1/signals", "{}", content_type="application/json")
    assert answer.status_code == 401 and answer.json() == {"detail": "Unauthorized"}
