"""Searching and exporting the audit log: every filter keeps the log's policy (the secretariat
the whole log, a party's administrators their party's events), the content of a party's
confidential events stays withheld on the page, in the search and in the export, and the
export is itself audited."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.core import audit_views
from convenant.core.audit import is_confidential
from convenant.core.models import AuditEvent
from convenant.core.testing import World, body_text

pytestmark = pytest.mark.django_db

SECRET = "Geheimhouding Kwartel"


@pytest.fixture
def log(world: World) -> World:
    """A few events: the fund's administrator renamed a party object, the other fund judged a
    risk (confidential to it), the secretariat did something covenant-wide long ago, and
    someone named an object as a formula."""
    assert is_confidential("risk.judge_risk")
    users = world.users
    AuditEvent.objects.create(
        actor=users["fund_admin"],
        actor_label="fund_admin@example.org",
        verb="parties.update_party",
        object_repr="Profiel Alfa",
        party_id=world.fund.pk,
        before={"name": "Alfa"},
        after={"name": "Pensioenfonds Alfa"},
    )
    AuditEvent.objects.create(
        actor=users["other_fund"],
        actor_label="other_fund@example.org",
        verb="risk.judge_risk",
        object_repr=f"{SECRET} Holding",
        party_id=world.other_fund.pk,
        after={"reason": SECRET},
    )
    AuditEvent.objects.create(
        actor=users["secretariat"],
        actor_label="secretariat@example.org",
        verb="parties.create_party",
        object_repr="Oprichting Gamma",
        occurred_at=timezone.now() - datetime.timedelta(days=400),
    )
    AuditEvent.objects.create(
        actor=users["fund_admin"],
        actor_label="fund_admin@example.org",
        verb="parties.update_party",
        object_repr='=HYPERLINK("http://evil.example")',
        party_id=world.fund.pk,
    )
    return world


def _client(world: World, actor: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.users[actor])
    return client


def _page(world: World, actor: str, **filters: Any) -> str:
    response = _client(world, actor).get(reverse("audit_log"), filters)
    assert response.status_code == 200
    return response.content.decode()


def _export(world: World, actor: str, **data: Any) -> Any:
    return _client(world, actor).post(reverse("audit_export"), {"format": "csv", **data})


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_text(response))))


def test_the_secretariat_filters_by_kind_of_change_person_party_and_dates(log: World) -> None:
    page = _page(log, "secretariat", verb="parties.create_party")
    assert "Oprichting Gamma" in page and "Profiel Alfa" not in page
    page = _page(log, "secretariat", who="FUND_ADMIN@example.org")
    assert "Profiel Alfa" in page and "Oprichting Gamma" not in page
    page = _page(log, "secretariat", party=str(log.fund.pk))
    assert "Profiel Alfa" in page and "Oprichting Gamma" not in page
    since = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = _page(log, "secretariat", since=since)
    assert "Oprichting Gamma" not in page and "Profiel Alfa" in page
    until = (timezone.localdate() - datetime.timedelta(days=300)).isoformat()
    page = _page(log, "secretariat", until=until)
    assert "Oprichting Gamma" in page and "Profiel Alfa" not in page


def test_a_text_search_finds_names_but_never_a_withheld_event(log: World) -> None:
    assert "Profiel Alfa" in _page(log, "secretariat", q="alfa")
    # The secretariat sees that the other fund judged a risk, never on what: its words
    # find nothing, and neither does a filter on the kind of object.
    page = _page(log, "secretariat", q="Kwartel Holding")
    assert "Events found: 0" in page
    assert "Withheld" in _page(log, "secretariat", verb="risk.judge_risk")
    # Its own administrators find it, with its content.
    page = _page(log, "other_fund", q="Kwartel Holding")
    assert f"{SECRET} Holding" in page and "Events found: 1" in page


def test_a_party_administrator_cannot_search_outside_their_party(log: World) -> None:
    page = _page(log, "fund_admin", who="secretariat@example.org")
    assert "Nobody you may see has this e-mail address." in page
    assert "Oprichting Gamma" not in page
    page = _page(log, "fund_admin", party=str(log.other_fund.pk))
    assert "Select a valid choice" in page and SECRET not in page
    page = _page(log, "fund_admin")
    assert "Profiel Alfa" in page and "Oprichting Gamma" not in page and SECRET not in page


@pytest.mark.parametrize(
    "filters",
    [
        {"since": "gisteren"},
        {"since": "2026-02-30"},
        {"since": "2026-05-02", "until": "2026-05-01"},
        {"verb": "not.a.verb"},
        {"kind": "abc"},
        {"party": "-1"},
        {"who": "not-an-address"},
        {"q": "x" * 500},
        {"page": "999999"},
    ],
)
def test_bad_filter_values_are_a_message_never_a_500(log: World, filters: dict[str, str]) -> None:
    response = _client(log, "secretariat").get(reverse("audit_log"), filters)
    assert response.status_code == 200
    if "page" not in filters:
        assert 'class="errorlist' in response.content.decode()
    assert _export(log, "secretariat", **filters).status_code == 200


def test_the_export_keeps_the_withholding_and_is_audited(log: World) -> None:
    before = AuditEvent.objects.count()
    response = _export(log, "secretariat")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:3] == ["When", "Who", "What"]
    judged = [r for r in rows if r[3] == "risk.judge_risk"]
    assert judged and SECRET not in body_text(response)
    assert judged[0][5] == "" and judged[0][6].startswith("Withheld")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(verb="core.export_audit_log")
    assert event.actor == log.users["secretariat"]
    assert event.after == {"filters": {}, "format": "csv", "rows": len(rows) - 1, "cut": False}
    own = _csv(_export(log, "other_fund", q="Kwartel"))
    assert [r[5] for r in own[1:]] == [f"{SECRET} Holding"]


def test_the_export_writes_a_formula_as_text(log: World) -> None:
    rows = _csv(_export(log, "secretariat", q="HYPERLINK"))
    assert [r[5] for r in rows[1:]] == ['\'=HYPERLINK("http://evil.example")']
    response = _export(log, "secretariat", q="HYPERLINK", format="xlsx")
    assert "spreadsheetml" in response["Content-Type"]
    assert "'=HYPERLINK" in body_text(response)


def test_the_export_stops_at_its_limit_and_says_so(
    log: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = _csv(_export(log, "secretariat"))
    monkeypatch.setattr(audit_views, "EXPORT_BATCH", 2)  # read in batches, the same file
    again = _csv(_export(log, "secretariat"))
    assert again[2:] == everything[1:]  # after the first export's own event
    monkeypatch.setattr(audit_views, "EXPORT_LIMIT", 2)
    rows = _csv(_export(log, "secretariat"))
    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0].startswith("The export stops at 2 events")
    assert AuditEvent.objects.filter(verb="core.export_audit_log").latest("id").after["cut"]


def test_people_without_the_log_cannot_export(log: World) -> None:
    assert _export(log, "fund_viewer").status_code == 403
    assert not AuditEvent.objects.filter(verb="core.export_audit_log").exists()


def test_the_log_pages_keep_their_filters(log: World) -> None:
    for n in range(audit_views.PAGE_SIZE + 1):
        AuditEvent.objects.create(
            actor=log.users["secretariat"],
            actor_label="secretariat@example.org",
            verb="parties.update_party",
            object_repr=f"Partij {n}",
        )
    page = _page(log, "secretariat", verb="parties.update_party")
    assert "verb=parties.update_party&amp;page=2" in page
    page = _page(log, "secretariat", verb="parties.update_party", page="2")
    assert "Page 2 of 2" in page


# --- In a real browser ------------------------------------------------------------------


@pytest.fixture
def live_log(transactional_db: None) -> World:
    from convenant.core.testing import build_world

    world = build_world()
    AuditEvent.objects.create(
        actor=world.users["fund_admin"],
        actor_label="fund_admin@example.org",
        verb="parties.update_party",
        object_repr="Profiel Alfa",
        party_id=world.fund.pk,
        after={"name": "Profiel Alfa"},
    )
    return world


@pytest.mark.browser
def test_a_party_administrator_searches_the_log_in_a_browser(
    page: Any, live_server: Any, live_log: World
) -> None:
    from playwright.sync_api import expect

    from convenant.core.tests.browser import assert_accessible

    page.goto(live_server.url + "/login/")
    page.get_by_label("E-mailadres").fill("fund_admin@example.org")
    page.get_by_label("Wachtwoord").fill("pw-test-12345")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + reverse("audit_log"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Auditlog")
    search = page.get_by_role("form", name="De auditlog doorzoeken")
    search.get_by_label("Naam van het object bevat").fill("profiel")
    search.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("cell", name="Profiel Alfa", exact=True)).to_be_visible()
    expect(page.get_by_text("Gevonden gebeurtenissen: 1")).to_be_visible()
    assert_accessible(page, "audit-log-search-nl")
    search.locator("#id_since").fill("2026-05-02")
    search.locator("#id_until").fill("2026-05-01")
    search.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("De begindatum ligt na de einddatum.")).to_be_visible()
    assert_accessible(page, "audit-log-bad-dates-nl")
    page.goto(live_server.url + reverse("account"))
    expect(page.get_by_role("button", name="Uw gegevens downloaden")).to_be_visible()


def test_the_log_costs_the_same_number_of_queries_however_long_it_is(log: World) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(log, "secretariat")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit_log"), {"q": "a"}).status_code == 200
        return len(captured)

    few = queries()
    kinds = list(ContentType.objects.all()[:5])
    for n in range(80):
        AuditEvent.objects.create(
            actor=log.users[("fund_admin", "secretariat", "union")[n % 3]],
            actor_label=f"person{n}@example.org",
            verb=f"parties.update_party{n % 7}",
            object_type=kinds[n % 5],
            object_repr=f"Partij a{n}",
            party_id=log.fund.pk,
        )
    assert queries() == few
