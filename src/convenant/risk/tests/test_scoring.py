"""Scoring a fund's snapshot: every (issuer, theme) of the sector map, computed right after
the import (a hook of portfolios), with reasons and editions, worked out by hand for a
mining company operating in Brazil."""

import pytest
from django.test import Client

from convenant.core.testing import World
from convenant.risk.models import RiskResult


def test_mining_in_brazil_known_answers(scored: World) -> None:
    results = {
        r.theme: r.assessment
        for r in RiskResult.objects.filter(snapshot_id=scored.extra["snapshot_id"]).select_related(
            "assessment"
        )
    }
    # Materials (GICS 15) names six themes in the sector map.
    assert set(results) == {
        "child-labour",
        "forced-labour",
        "land-rights",
        "pollution",
        "health-and-safety",
        "human-rights-defenders",
    }
    expected = {
        # theme: (severity, likelihood, priority), worked out by hand:
        # forced labour: sector 3, irremediable → 3/3/3 → compounding 4; Walk Free 4.95 per
        # 1,000 → 2, but charcoal and timber, which materials companies source, are listed
        # for forced labour in Brazil → floor 3; C029 and C105 ratified. 4 × 3 = 12.
        "forced-labour": (4, 3, "very-high"),
        # child labour: 4; bricks and charcoal listed for child labour → 3; C138 and C182
        # ratified. 12.
        "child-labour": (4, 3, "very-high"),
        # health and safety: sector 4 → 4; default 2, C187 not ratified +1 → 3. 12.
        "health-and-safety": (4, 3, "very-high"),
        # land rights: sector 4 → 4; no country indicator → default 2. 8 → high.
        "land-rights": (4, 2, "high"),
        # pollution: 4/4/3 → 4; default 2. 8 → high.
        "pollution": (4, 2, "high"),
        # human-rights defenders: sector 3, irremediable → 3/3/3 → 4; default 2. 8 → high.
        "human-rights-defenders": (4, 2, "high"),
    }
    got = {theme: (r.severity, r.likelihood, r.priority) for theme, r in results.items()}
    assert got == expected
    forced = results["forced-labour"]
    assert forced.methodology == "2026.1" and forced.country == "BR"
    assert RiskResult.objects.filter(theme="forced-labour").get().value_eur == 2_500_000
    assert forced.editions["walkfree-gsi"] == "2023" and forced.editions["ituc-gri"] == "2026"
    texts = " ".join(r["text"] for r in forced.reasons)
    assert "modern slavery 4.95" in texts
    assert "Charcoal, Timber listed for forced labour in BR" in texts
    sources = {r["source"] for r in forced.reasons}
    assert {"Walk Free Global Slavery Index 2023", "US DoL TVPRA list 2022"} <= sources


def test_risks_page_is_the_funds_own(scored: World) -> None:
    url = f"/holdings/{scored.extra['snapshot_id']}/risks/"
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    page = client.get(url).content.decode()
    assert "Mineração Exemplo S.A." in page and "2026.1" in page
    for actor in ("other_fund", "secretariat", "union"):
        stranger = Client()
        stranger.force_login(scored.users[actor])
        assert stranger.get(url).status_code == 404


def test_fund_judges_a_risk_and_the_judgement_survives_rescoring(scored: World) -> None:
    from django.core.exceptions import PermissionDenied

    from convenant.core.errors import ActionError
    from convenant.core.models import AuditEvent
    from convenant.risk.actions import judge_risk, score_snapshot
    from convenant.risk.models import RiskJudgement

    snapshot_id = scored.extra["snapshot_id"]
    result = RiskResult.objects.select_related("snapshot").get(
        snapshot_id=snapshot_id, theme="land-rights"
    )
    editor = scored.users["fund_editor"]
    with pytest.raises(ActionError, match="reason for the adjustment"):
        judge_risk(
            by=editor, result=result, decision="adjusted", impact="actual", priority="very-high"
        )
    with pytest.raises(ActionError, match="reason for dismissing"):
        judge_risk(by=editor, result=result, decision="dismissed", impact="potential")
    with pytest.raises(PermissionDenied):
        judge_risk(
            by=scored.users["fund_viewer"], result=result, decision="confirmed", impact="actual"
        )
    assert not RiskJudgement.objects.exists()

    judge_risk(
        by=editor,
        result=result,
        decision="adjusted",
        impact="actual",
        priority="very-high",
        reason="Community evicted in 2024 (NGO report).",
    )
    event = AuditEvent.objects.get(verb="risk.judge_risk")
    assert event.after is not None and event.after["computed_priority"] == "high"

    score_snapshot(snapshot_id)  # recomputing keeps the fund's judgement
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    page = client.get(f"/holdings/{snapshot_id}/risks/?theme=land-rights").content.decode()
    assert "Community evicted in 2024" in page
    assert RiskResult.objects.get(snapshot_id=snapshot_id, theme="land-rights").priority == "high"


def test_exports_carry_the_same_rows_with_reasons(scored: World) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    client = Client()
    client.force_login(scored.users["fund_viewer"])
    base = f"/holdings/{scored.extra['snapshot_id']}/risks"
    # The priority filter picks companies by their highest risk, with all their themes.
    top = RiskResult.objects.filter(snapshot_id=scored.extra["snapshot_id"]).order_by("-rank")[0]
    text = client.get(f"{base}.csv?priority={top.priority}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert top.priority in {r["priority"] for r in rows} and len(rows) == 6
    lower = "low" if top.priority != "low" else "medium"
    assert client.get(f"{base}.csv?priority={lower}").content.decode("utf-8-sig").count("\n") == 1
    forced = next(r for r in rows if r["theme"] == "Dwangarbeid")
    assert forced["country"] == "BR"
    # The reasons in the reader's language, numbers as they write them.
    assert "moderne slavernij 4,95 per 1.000 inwoners" in forced["reasons"]
    assert "Charcoal, Timber op de lijst voor dwangarbeid in Brazilië" in forced["reasons"]
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    sheet = book["risks"]
    assert sheet.max_row == 7 and sheet.cell(1, 1).value == "issuer"
    stranger = Client()
    stranger.force_login(scored.users["other_fund"])
    assert stranger.get(f"{base}.csv").status_code == 404


def test_heat_map_counts_sector_and_theme(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    heat = client.get(f"/holdings/{scored.extra['snapshot_id']}/risks/").context["heat"]
    assert [r["label"] for r in heat["rows"]] == ["Materials"]
    assert len(heat["rects"]) == 6 and {r["n"] for r in heat["rects"]} == {1}
    very_high = [r for r in heat["rects"] if r["fill"] == "#a4161a"]
    assert len(very_high) == 3  # forced labour, child labour, health and safety


def test_world_map_colours_the_countries_of_operation(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    url = f"/holdings/{scored.extra['snapshot_id']}/risks/"
    response = client.get(url)
    world = response.context["world"]
    brazil = next(c for c in world["countries"] if c["code"] == "BR")
    assert brazil["fill"] == "#a4161a" and brazil["row"]["n"] == 6
    assert brazil["row"]["severe"] == 6 and brazil["row"]["companies"] == 1
    netherlands = next(c for c in world["countries"] if c["code"] == "NL")
    assert netherlands["row"] is None and netherlands["fill"] == "#e9ecf1"
    assert [r["code"] for r in world["listed"]] == ["BR"]
    page = response.content.decode()
    assert page.count('<path d="M') == len(world["countries"]) > 150
    # The map follows the theme filter; a country filter narrows the list and the export.
    themed = client.get(url, {"theme": "land-rights"}).context["world"]
    assert themed["listed"][0]["top"] == 3  # land rights in Brazil: high
    assert len(client.get(url, {"country": "BR"}).context["rows"][0]["themes"]) == 6
    assert len(client.get(url, {"country": "AR"}).context["rows"]) == 0
    export = client.get(f"{url[:-1]}.csv", {"country": "AR"}).content.decode("utf-8-sig")
    assert len(export.strip().splitlines()) == 1  # the header only


def test_the_dashboard_shows_a_fund_its_latest_holdings_and_risks(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    panels = dict(client.get("/dashboard/").context["panels"])
    funds = panels["risk/panels/fund_risks.html"]["funds"]
    assert [(f["snapshot"].pk, f["very_high"], f["high"], f["review"]) for f in funds] == [
        (scored.extra["snapshot_id"], 3, 3, 0)
    ]
    for actor in ("union", "secretariat", "other_fund"):
        other = Client()
        other.force_login(scored.users[actor])
        shown = dict(other.get("/dashboard/").context["panels"])
        fund_panel = shown.get("risk/panels/fund_risks.html")
        assert fund_panel is None or all(
            f["snapshot"].fund_id != scored.fund.pk for f in fund_panel["funds"]
        )
