"""A fund's risks page, by company: one row per company with its themes, highest priority
first (then score, evidence, name — never the position's size); filters that combine, say
what they do and carry into paging and exports; a failed judgement that lands back on its
row; and a page whose number of queries does not grow with the number of companies."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from convenant.core.testing import World
from convenant.portfolios.models import Issuer, Snapshot
from convenant.risk.actions import (
    LIBRARY,
    judge_risk,
    load_reference_dataset,
    renew_scoring_tokens,
)
from convenant.risk.models import ReferenceDataset, RiskJudgement, RiskResult, SectorThemeRisk
from convenant.risk.testing import make_assessment

LEVELS = ["low", "medium", "high", "very-high"]


def _sector_map() -> None:
    """Two entries of a sector map with their Dutch names, as the map gives them."""
    dataset = ReferenceDataset.objects.create(
        key="sector-map",
        name="Sector risk map",
        edition="test",
        publisher="convenant",
        source="https://example.org/",
        citation="test",
        licence="CC0",
        provenance="test",
    )
    for code, name, name_nl in (("15", "Materials", "Materialen"), ("45", "IT", "IT-diensten")):
        SectorThemeRisk.objects.create(
            dataset=dataset,
            scheme="GICS",
            sector_code=code,
            sector_name=name,
            sector_name_nl=name_nl,
            theme="forced-labour",
            severity=4,
            reason="test",
            citation="test",
        )


def hold(
    snapshot: Snapshot,
    name: str,
    themes: list[tuple[str, str, str]],
    *,
    country: str = "BR",
    sector: str = "15",
    value: int = 1000,
    evidence: tuple[str, ...] = (),
) -> Issuer:
    """A company in the snapshot with (theme, priority, score) risks."""
    issuer = Issuer.objects.create(legal_name=name, source=Issuer.Source.GLEIF)
    for theme, priority, score in themes:
        assessment = make_assessment(
            theme=theme,
            priority=priority,
            country=country,
            sector_code=sector,
            score=Decimal(score),
            evidence=theme in evidence,
            findings_key=f"{name}-{theme}",
            reasons=[{"factor": "test", "key": "", "params": {}, "text": f"why {name} {theme}"}],
        )
        RiskResult.objects.create(
            snapshot=snapshot,
            issuer=issuer,
            assessment=assessment,
            theme=theme,
            priority=priority,
            rank=LEVELS.index(priority) + 1,
            score=Decimal(score),
            evidence=theme in evidence,
            value_eur=value,
        )
    return issuer


@pytest.fixture
def portfolio(world: World) -> World:
    load_reference_dataset(LIBRARY / "themes")
    _sector_map()
    snapshot = Snapshot.objects.create(fund=world.fund, as_of=datetime.date(2024, 12, 31))
    companies = {
        # Highest rank first; within it the score; then evidence; then the name.
        "top": hold(snapshot, "Delta Mijnbouw", [("forced-labour", "very-high", "16")]),
        "evidenced": hold(
            snapshot,
            "Beta Metaal",
            [("forced-labour", "very-high", "12"), ("pollution", "medium", "4")],
            evidence=("forced-labour",),
        ),
        "same_score_a": hold(snapshot, "Alfa Erts", [("child-labour", "very-high", "12")]),
        "same_score_b": hold(snapshot, "Gamma Erts", [("child-labour", "very-high", "12")]),
        # The largest position, but a high risk: size is leverage, never the priority.
        "large": hold(
            snapshot,
            "Epsilon Chips",
            [("privacy", "high", "9"), ("forced-labour", "medium", "6")],
            country="US",
            sector="45",
            value=900_000_000,
        ),
        "low": hold(snapshot, "Zeta Software", [("privacy", "low", "2")], country="NL"),
    }
    world.extra.update(snapshot=snapshot, companies=companies)
    return world


def viewer(world: World, actor: str = "fund_viewer") -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def url(world: World) -> str:
    return f"/holdings/{world.extra['snapshot'].pk}/risks/"


def names(response: Any) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def test_one_row_per_company_highest_priority_first(portfolio: World) -> None:
    response = viewer(portfolio).get(url(portfolio))
    assert response.status_code == 200
    assert names(response) == [
        "Delta Mijnbouw",  # very high, 16
        "Beta Metaal",  # very high, 12, with company evidence
        "Alfa Erts",  # very high, 12: then by name
        "Gamma Erts",
        "Epsilon Chips",  # high, though the largest position by far
        "Zeta Software",
    ]
    beta = response.context["rows"][1]
    # Its themes, highest first, with their reasons as the methodology recorded them
    assert [r.theme for r in beta["themes"]] == ["forced-labour", "pollution"]
    assert beta["evidence"] and beta["priority"] == "very-high" and beta["count"] == 2
    page = response.content.decode()
    assert page.count('<tr id="company-') == 6
    assert "why Beta Metaal pollution" in page and "Materialen" in page


def test_counts_companies_once_at_their_highest_band_beside_the_risks(portfolio: World) -> None:
    bands = viewer(portfolio).get(url(portfolio)).context["bands"]
    assert [(level, companies, risks) for level, _label, companies, risks in bands] == [
        ("very-high", 4, 4),
        ("high", 1, 1),
        ("medium", 0, 2),  # Beta's pollution and Epsilon's forced labour, under higher ones
        ("low", 1, 1),
    ]


def test_priority_picks_companies_by_their_highest_risk(portfolio: World) -> None:
    client = viewer(portfolio)
    assert names(client.get(url(portfolio), {"priority": "high"})) == ["Epsilon Chips"]
    # No company has medium as its highest risk, though two have a medium risk
    assert names(client.get(url(portfolio), {"priority": "medium"})) == []


def test_filters_combine_and_say_what_is_applied(portfolio: World) -> None:
    client = viewer(portfolio)
    response = client.get(url(portfolio), {"theme": "forced-labour", "country": "BR"})
    assert names(response) == ["Delta Mijnbouw", "Beta Metaal"]
    assert [r.theme for r in response.context["rows"][1]["themes"]] == ["forced-labour"]
    applied = response.context["applied"]
    assert [(label, text) for label, text, _without in applied] == [
        ("Thema", "Dwangarbeid"),
        ("Land", "Brazilië"),
    ]
    # Removing one filter keeps the other
    assert applied[0][2] == "country=BR"
    page = response.content.decode()
    assert "Wis alle filters" in page and 'href="?"' in page

    by_sector = client.get(url(portfolio), {"sector": "45"})
    assert names(by_sector) == ["Epsilon Chips"]
    assert by_sector.context["applied"][0][:2] == ("Sector", "IT-diensten")
    assert names(client.get(url(portfolio), {"evidence": "yes"})) == ["Beta Metaal"]
    assert "Beta Metaal" in names(client.get(url(portfolio), {"evidence": "no"}))  # pollution
    # Countries and sectors offered are those present, by name, with their companies
    context = client.get(url(portfolio)).context
    assert ("BR", "Brazilië", 4) in context["countries"]
    assert ("45", "IT-diensten", 1) in context["sectors"]


def test_judged_and_not_yet_judged(portfolio: World) -> None:
    beta = portfolio.extra["companies"]["evidenced"]
    result = RiskResult.objects.select_related("snapshot").get(issuer=beta, theme="pollution")
    judge_risk(
        by=portfolio.users["fund_editor"], result=result, decision="confirmed", impact="potential"
    )
    client = viewer(portfolio)
    judged = client.get(url(portfolio), {"judged": "yes"})
    assert names(judged) == ["Beta Metaal"]
    assert [r.theme for r in judged.context["rows"][0]["themes"]] == ["pollution"]
    # Beta's forced labour is not judged yet, so Beta stays on that list too
    assert names(client.get(url(portfolio), {"judged": "no"}))[:2] == [
        "Delta Mijnbouw",
        "Beta Metaal",
    ]


def test_nonsense_in_the_filters_filters_nothing(portfolio: World) -> None:
    response = viewer(portfolio).get(
        url(portfolio),
        {
            "priority": "urgent",
            "theme": "<script>",
            "country": "Atlantis",
            "sector": "15; DROP",
            "evidence": "maybe",
            "judged": "1",
            "page": "x",
        },
    )
    assert response.status_code == 200 and len(names(response)) == 6
    assert response.context["applied"] == []


def test_export_follows_the_filters_in_the_pages_order(portfolio: World) -> None:
    client = viewer(portfolio)
    base = f"/holdings/{portfolio.extra['snapshot'].pk}/risks"
    text = client.get(f"{base}.csv", {"priority": "very-high"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # The companies whose highest risk is very high, each with all its themes, in order
    assert [(r["issuer"], r["theme"]) for r in rows] == [
        ("Delta Mijnbouw", "Dwangarbeid"),
        ("Beta Metaal", "Dwangarbeid"),
        ("Beta Metaal", "Vervuiling"),
        ("Alfa Erts", "Kinderarbeid"),
        ("Gamma Erts", "Kinderarbeid"),
    ]
    assert rows[1]["company_evidence"] == "yes" and rows[1]["sector"] == "Materialen"
    answer = client.get(f"{base}.csv", {"sector": "45", "theme": "privacy"})
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [(r["issuer"], r["priority"], r["score"]) for r in rows] == [
        ("Epsilon Chips", "high", "9.00")
    ]
    assert client.get(f"{base}.pdf").status_code == 404


def test_a_failed_judgement_returns_to_its_row_with_the_error_there(portfolio: World) -> None:
    beta = portfolio.extra["companies"]["evidenced"]
    result = RiskResult.objects.get(issuer=beta, theme="pollution")
    client = viewer(portfolio, "fund_editor")
    query = "theme=pollution&page=1"
    answer = client.post(
        f"{url(portfolio)}{result.pk}/judge/?{query}",
        {"decision": "adjusted", "priority": "high", "impact": "actual", "reason": ""},
    )
    assert answer.status_code == 302
    target = answer["Location"]
    assert target.startswith(url(portfolio) + "?")
    assert "theme=pollution" in target and "page=1" in target
    assert target.endswith(f"open={beta.pk}#company-{beta.pk}")
    page = client.get(target)
    row = page.context["rows"][0]
    assert row["issuer_id"] == beta.pk and row["opened"]
    html = page.content.decode()
    # The error at the risk it belongs to, its form open with what was entered
    error_at = html.index(f'id="risk-{result.pk}-error"')
    form_at = html.index(f'id="decision-{result.pk}"')
    assert html.index(f'id="risk-{result.pk}"') < error_at < form_at
    assert "reden" in html[error_at : error_at + 300].lower()
    assert '<option value="adjusted" selected>' in html
    assert '<details class="judge" open>' in html
    assert not RiskJudgement.objects.unrestricted("test: nothing saved").exists()

    # A judgement that succeeds returns to the row as well, without an error
    answer = client.post(
        f"{url(portfolio)}{result.pk}/judge/?{query}",
        {"decision": "adjusted", "priority": "high", "impact": "actual", "reason": "NGO report"},
    )
    page = client.get(answer["Location"])
    assert "row-error" not in page.content.decode()
    assert page.context["rows"][0]["judged"] == 1


def test_only_editors_see_the_judgement_form(portfolio: World) -> None:
    assert 'class="judge-form"' not in viewer(portfolio).get(url(portfolio)).content.decode()
    editor = viewer(portfolio, "fund_editor").get(url(portfolio)).content.decode()
    assert editor.count('class="judge-form"') == 8  # one per risk of the page


def test_paging_keeps_the_filters(portfolio: World) -> None:
    snapshot = portfolio.extra["snapshot"]
    for n in range(55):
        hold(snapshot, f"Bedrijf {n:02d}", [("forced-labour", "high", "8")])
    client = viewer(portfolio)
    first = client.get(url(portfolio), {"theme": "forced-labour"})
    assert first.context["page"].paginator.count == 58 and len(names(first)) == 50
    html = first.content.decode()
    assert "?theme=forced-labour&amp;page=2" in html
    second = client.get(url(portfolio), {"theme": "forced-labour", "page": 2})
    assert len(names(second)) == 8


def _queries(user: Any, path: str) -> int:
    """The queries of the page itself, without who the person is (session, account, parties:
    resolved once per request by the middleware, whatever the page)."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.urls import resolve

    from convenant.core import access

    match = resolve(path.split("?")[0])

    def get() -> Any:
        request = RequestFactory().get(path)
        request.user = user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        return match.func(request, *match.args, **match.kwargs)

    access.actor_for(user)
    get()  # warm the caches (themes in force)
    with CaptureQueriesContext(connection) as queries:
        assert get().status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_number_of_companies(world: World) -> None:
    load_reference_dataset(LIBRARY / "themes")
    counts = []
    for size in (5, 60):
        snapshot = Snapshot.objects.create(
            fund=world.fund, as_of=datetime.date(2024, 12, 31) - datetime.timedelta(days=size)
        )
        for n in range(size):
            hold(
                snapshot,
                f"Bedrijf {size}-{n:02d}",
                [("forced-labour", "very-high", "12"), ("pollution", "high", "8")],
                evidence=("forced-labour",) if n % 3 else (),
            )
        editor = world.users["fund_editor"]
        counts.append(_queries(editor, f"/holdings/{snapshot.pk}/risks/"))
        counts.append(_queries(editor, f"/holdings/{snapshot.pk}/risks/?judged=no&country=BR"))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # Pinned: a new query is a decision, not drift. The snapshot, the themes in force, the
    # sector names, the scoring token, the bands, the overview (maps and choices), the
    # count, the page of companies, their risks, the fund's judgements, the latest
    # snapshots, the leverage and the engagements on its risks ("being engaged", one query
    # whatever the page). Results written here by hand have no token: all are counted.
    assert counts[0] == 13, counts


def test_totals_are_kept_under_the_scoring_token_and_follow_new_results(world: World) -> None:
    """Once scored, the bands, the overview and the count come from the cache (paging counts
    nothing again); results written again bring a new token, so the totals follow them."""
    load_reference_dataset(LIBRARY / "themes")
    snapshot = Snapshot.objects.create(fund=world.fund, as_of=datetime.date(2024, 12, 31))
    for n in range(3):
        hold(snapshot, f"Bedrijf {n}", [("forced-labour", "very-high", "12")])
    renew_scoring_tokens([snapshot.pk])  # as scoring does, in its transaction
    editor, path = world.users["fund_editor"], f"/holdings/{snapshot.pk}/risks/"
    first = _queries(editor, path)  # warms the kept totals, then reads them
    assert first == 10, first  # 13 less the bands, the overview and the count
    client = Client()
    client.force_login(editor)
    assert "3 bedrijven" in client.get(path).content.decode()
    hold(snapshot, "Bedrijf 3", [("forced-labour", "very-high", "12")])
    renew_scoring_tokens([snapshot.pk])  # new results, a new token
    assert "4 bedrijven" in client.get(path).content.decode()


def test_the_holdings_page_queries_are_pinned(world: World) -> None:
    snapshot = Snapshot.objects.create(fund=world.fund, as_of=datetime.date(2024, 12, 31))
    assert _queries(world.users["fund_viewer"], f"/holdings/{snapshot.pk}/") == 7


def test_the_heat_maps_last_column_is_not_cut_off(portfolio: World) -> None:
    heat = viewer(portfolio).get(url(portfolio)).context["heat"]
    last = heat["columns"][-1]
    # The slanted label runs up to 28 characters at about 7 px each, at 40°
    reach = min(len(last["label"]), 28) * 7.0 * 0.77
    assert heat["width"] >= last["x"] + reach
    assert heat["width"] >= max(r["x"] for r in heat["rects"]) + heat["cell_w"]


def test_the_api_filters_by_sector_and_company_evidence_too(portfolio: World) -> None:
    base = f"/api/v1/snapshots/{portfolio.extra['snapshot'].pk}/risks"
    client = viewer(portfolio)
    by_sector = client.get(base, {"sector": "45"}).json()["items"]
    assert {(r["issuer"], r["theme"]) for r in by_sector} == {
        ("Epsilon Chips", "privacy"),
        ("Epsilon Chips", "forced-labour"),
    }
    evidenced = client.get(base, {"evidence": "true"}).json()["items"]
    assert [(r["issuer"], r["theme"], r["evidence"]) for r in evidenced] == [
        ("Beta Metaal", "forced-labour", True)
    ]
    assert client.get(base, {"evidence": "false"}).json()["count"] == 7  # of 8
    assert client.get(base, {"evidence": "perhaps"}).status_code == 422


def test_the_filter_forms_empty_choices_leave_the_address(portfolio: World) -> None:
    answer = viewer(portfolio).get(
        url(portfolio), {"priority": "", "theme": "privacy", "country": "", "page": "1"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"{url(portfolio)}?theme=privacy&page=1"
