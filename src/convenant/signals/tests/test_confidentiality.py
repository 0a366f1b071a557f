"""A confidential signal never reaches an actor not entitled to it: not in a list, a search,
a count, an export, an API answer or a notification; and a redacted field stays hidden from
those the handler hid it from, everywhere."""

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from convenant.core.search import search
from convenant.core.testing import ACTORS, World
from convenant.signals.models import Signal, SignalAlert
from convenant.signals.tests.helpers import issuers, report, shared_signal

# The title of each signal names its level, so a leak is easy to spot in any output.
LEVELS = {
    "public": {
        "anonymous",
        "fund_viewer",
        "fund_editor",
        "fund_admin",
        "other_fund",
        "union",
        "former",
        "secretariat",
        "monitoring",
    },
    "covenant": {
        "fund_viewer",
        "fund_editor",
        "fund_admin",
        "other_fund",
        "union",
        "secretariat",
        "monitoring",
    },
    "restricted": {"other_fund", "union", "secretariat"},
    "secretariat": {"union", "secretariat"},  # the union reported it: it stays its own
}


@pytest.fixture
def signals(world: World) -> World:
    for level in LEVELS:
        shared_signal(
            world,
            level=level,
            named=[world.other_fund] if level == "restricted" else None,
            title=f"Zaak{level.capitalize()} geheim",
            redactions={"description": 0, "site": 2, "people": 3},
        )
    actions_signal = Signal.objects.get(title="ZaakCovenant geheim")
    actions_signal.description = "Volledig verslag met details"
    actions_signal.save(update_fields=["description"])
    return world


def client_for(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


def titles_in(text: str) -> set[str]:
    return {level for level in LEVELS if f"Zaak{level.capitalize()}" in text}


@pytest.mark.parametrize("actor", ACTORS)
def test_lists_searches_counts_exports_and_api(signals: World, actor: str) -> None:
    world = signals
    allowed = {lv for lv, who in LEVELS.items() if actor in who}
    client = client_for(world, actor)
    user = world.users.get(actor)
    # visible_to, and the count of the list.
    visible = Signal.objects.visible_to(user)
    assert titles_in(" ".join(visible.values_list("title", flat=True))) == allowed
    assert visible.count() == len(allowed)
    # The list page, the CSV export and the search page.
    assert titles_in(client.get("/signals/").content.decode()) == allowed
    assert titles_in(client.get("/signals/export.csv").content.decode()) == allowed
    found = " ".join(h.title for g in search(user, "geheim") for h in g.hits)
    assert titles_in(found) == allowed
    assert titles_in(client.get("/search/?q=Zaak").content.decode()) == allowed
    # The dashboard's count.
    if actor != "anonymous":
        panel = client.get("/dashboard/").content.decode()
        assert f'/signals/">{len(allowed)}</a>' in panel
    # The API, list and detail.
    if actor != "anonymous":
        answer = client.get("/api/v1/signals").json()
        assert titles_in(str(answer)) == allowed
        for signal in Signal.objects.all():
            status = client.get(f"/api/v1/signals/{signal.reference}").status_code
            level = signal.title.removeprefix("Zaak").split()[0].lower()
            assert status == (200 if level in allowed else 404), (level, status)


def test_redacted_fields_stay_hidden_everywhere(signals: World) -> None:
    world = signals
    signal = Signal.objects.get(title="ZaakCovenant geheim")
    # site: named parties (tier 2) and up; people: the team only; description: everyone.
    for actor, sees_site, sees_people in [
        ("fund_viewer", False, False),
        ("union", True, True),
        ("secretariat", True, True),
    ]:
        client = client_for(world, actor)
        page = client.get(signal.get_absolute_url()).content.decode()
        export = client.get("/signals/export.csv").content.decode()
        api = client.get(f"/api/v1/signals/{signal.reference}").json()
        assert ("Gazipur" in page) is sees_site, actor
        assert ("Gazipur" in export) is sees_site, actor
        assert (api["site"] is not None) is sees_site, actor
        assert ("Rahima" in page) is sees_people, actor
        assert (api["people"] is not None) is sees_people, actor
        assert "Volledig verslag met details" in page  # the account is shown to everyone
    # Search never matches a redacted field, so it cannot be probed word by word.
    assert not search(world.users["fund_viewer"], "Gazipur")
    assert not search(world.users["fund_viewer"], "Rahima")


def test_a_fund_not_entitled_learns_only_that_a_signal_exists(
    world: World, tmp_path, django_capture_on_commit_callbacks
) -> None:
    from convenant.signals.tests.helpers import CHILD_ISIN, fund_holds

    issuers(world)
    fund_holds(world, "fund_admin", CHILD_ISIN, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        signal = shared_signal(
            world, level="restricted", named=[world.other_fund], title="ZaakRestricted geheim"
        )
    alert = SignalAlert.objects.get()
    assert alert.fund == world.fund and not alert.full
    client = client_for(world, "fund_viewer")
    inbox = client.get("/signals/inbox/").content.decode()
    assert signal.reference in inbox and "Dochter Textiel B.V." in inbox
    assert "Vakbond Gamma" in inbox or "secretariaat" in inbox  # whom to ask
    assert "ZaakRestricted" not in inbox and "Gazipur" not in inbox
    assert client.get(signal.get_absolute_url()).status_code == 404
    api = client.get("/api/v1/signal-alerts").json()
    assert api["items"][0]["full"] is False and "title" not in api["items"][0]
    for message in mail.outbox:
        assert "ZaakRestricted" not in message.body and "Gazipur" not in message.body
    # Other funds' people see nothing of this fund's inbox.
    assert client_for(world, "other_fund").get("/api/v1/signal-alerts").json()["items"] == []


def test_unshared_signals_stay_with_their_handlers(world: World) -> None:
    from convenant.signals import actions

    signal = actions.submit_signal(
        by=world.users["union"], party=world.union, report=report(visibility="public")
    )
    assert set(Signal.objects.visible_to(None)) == set()
    for actor in ACTORS:
        sees = signal in Signal.objects.visible_to(world.users.get(actor))
        assert sees is (actor in {"union", "secretariat"}), actor


def test_filing_through_the_api_checks_like_the_page_and_saves_nothing_on_error(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.users["union"])
    body = {
        "party": world.union.code,
        "title": "Via de API",
        "company_name": "Voorbeeld B.V.",
        "description": "<script>alert(1)</script> Wat er gebeurde.",
        "themes": ["forced-labour"],
        "impact": "actual",
        "visibility": "restricted",
        "sharing": "as_reported",
        "shared_with": [world.fund.code],
    }

    def post(**change: object) -> Any:
        return client.post("/api/v1/signals", json.dumps(body | change), "application/json")

    for change, field in (
        ({"themes": []}, "themes"),
        ({"company_isin": "US0378331006"}, "company_isin"),
        ({"shared_with": ["NOPE"]}, "shared_with"),
        ({"party": "NOPE"}, "party"),
    ):
        refused = post(**change)
        assert refused.status_code == 400 and refused.json()["field"] == field, change
    assert not Signal.objects.exists()
    assert post(party=world.fund.code).status_code == 403  # not the union officer's party
    created = post()
    assert created.status_code == 201
    signal = Signal.objects.get()
    assert created.json()["reference"] == signal.reference and signal.state == "received"
    assert list(signal.shares.values_list("party_id", flat=True)) == [world.fund.pk]
    # In triage: the named fund cannot read it yet.
    reader = Client()
    reader.force_login(world.users["fund_viewer"])
    assert reader.get(f"/api/v1/signals/{signal.reference}").status_code == 404
