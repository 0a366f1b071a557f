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
    # Metals & Mining (GICS 151040) has its own entry in the sector map 2026.2: eight themes.
    assert set(results) == {
        "child-labour",
        "forced-labour",
        "land-rights",
        "pollution",
        "health-and-safety",
        "human-rights-defenders",
        "climate",
        "deforestation-biodiversity",
    }
    expected = {
        # theme: (severity, likelihood, score, priority), worked out by hand (edition 2026.2:
        # severity is the map's figure; likelihood from the context, at most 3):
        # forced labour: map 3. Walk Free 4.95 per 1,000 → 1.5 + 0.5 × 2.95 / 3 = 1.99, but
        # charcoal, which Metals & Mining sources, is listed for forced labour in Brazil → 3;
        # C029 and C105 ratified. 3 × 3 = 9 → high.
        "forced-labour": (3, "3.00", "9.00", "high"),
        # child labour: map 3; charcoal listed for child labour → 3. 9 → high.
        "child-labour": (3, "3.00", "9.00", "high"),
        # health and safety: map 4; base 2, C187 not ratified +0.25 → 2.25. 9 → high.
        "health-and-safety": (4, "2.25", "9.00", "high"),
        # land rights, pollution: map 4; no country indicator → default 2. 8 → high.
        "land-rights": (4, "2.00", "8.00", "high"),
        "pollution": (4, "2.00", "8.00", "high"),
        # human-rights defenders, climate, deforestation: map 3 × default 2 = 6 → medium.
        "human-rights-defenders": (3, "2.00", "6.00", "medium"),
        "climate": (3, "2.00", "6.00", "medium"),
        "deforestation-biodiversity": (3, "2.00", "6.00", "medium"),
    }
    got = {
        theme: (r.severity, str(r.likelihood), str(r.score), r.priority)
        for theme, r in results.items()
    }
    assert got == expected
    assert not any(r.evidence for r in results.values())  # potential risks only
    forced = results["forced-labour"]
    assert forced.methodology == "2026.2" and forced.country == "BR"
    assert forced.sector_code == "151040"
    assert RiskResult.objects.filter(theme="forced-labour").get().value_eur == 2_500_000
    assert forced.editions["walkfree-gsi"] == "2023" and forced.editions["ituc-gri"] == "2026"
    assert forced.editions["sector-map"] == "2026.2"
    texts = " ".join(r["text"] for r in forced.reasons)
    assert "BR — Walk Free Global Slavery Index 2023: 4.95 people in modern slavery" in texts, texts
    assert "Charcoal listed for forced labour in BR" in texts
    assert "Metals & Mining" in texts and "Minerals" in texts
    sources = {r["source"] for r in forced.reasons}
    assert {"Walk Free Global Slavery Index 2023", "US DoL TVPRA list 2022"} <= sources
    drivers = [r["params"]["driver"] for r in forced.reasons if r["key"] == "likelihood_context"]
    assert drivers == ["goods_forced_labour"]


def test_risks_page_is_the_funds_own(scored: World) -> None:
    url = f"/holdings/{scored.extra['snapshot_id']}/risks/"
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    page = client.get(url).content.decode()
    assert "Mineração Exemplo S.A." in page and "2026.2" in page
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
    # The fund's judgement of an actual impact is company evidence for its own ranking
    # (edition 2026.2): land rights, map 4, actual → likelihood 4; 16 → very high. The
    # judgement queued the recomputation; scoring again applied it here.
    land = RiskResult.objects.select_related("assessment").get(
        snapshot_id=snapshot_id, theme="land-rights"
    )
    assert (land.priority, land.evidence, str(land.score)) == ("very-high", True, "16.00")
    assert any(r["key"] == "judged_actual" for r in land.assessment.reasons)
    from convenant.core.models import Job

    assert Job.objects.filter(kind="risk.rescore_issuers").count() == 1
    # Another fund holding the same company would not see this fund's evidence: the
    # assessment is keyed by its inputs, and results are per snapshot.
    others = RiskResult.objects.filter(theme="pollution", snapshot_id=snapshot_id).get()
    assert not others.evidence


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
    assert top.priority in {r["priority"] for r in rows} and len(rows) == 8
    lower = "low" if top.priority != "low" else "medium"
    assert client.get(f"{base}.csv?priority={lower}").content.decode("utf-8-sig").count("\n") == 1
    forced = next(r for r in rows if r["theme"] == "Dwangarbeid")
    assert forced["country"] == "BR"
    # The reasons in the reader's language, numbers as they write them.
    assert "4,95 mensen in moderne slavernij per 1.000 inwoners" in forced["reasons"]
    assert "Charcoal: op de lijst voor dwangarbeid in Brazilië" in forced["reasons"]
    assert "Metalen en mijnbouw" in forced["reasons"]
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    sheet = book["risks"]
    assert sheet.max_row == 9 and sheet.cell(1, 1).value == "issuer"
    stranger = Client()
    stranger.force_login(scored.users["other_fund"])
    assert stranger.get(f"{base}.csv").status_code == 404


def test_heat_map_counts_sector_and_theme(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    heat = client.get(f"/holdings/{scored.extra['snapshot_id']}/risks/").context["heat"]
    assert [r["label"] for r in heat["rows"]] == ["Metalen en mijnbouw"]  # its industry
    assert len(heat["rects"]) == 8 and {r["n"] for r in heat["rects"]} == {1}
    fills = sorted(r["fill"] for r in heat["rects"])
    # five high (forced and child labour, health and safety, land, pollution), three medium
    assert fills.count(fills[0]) in (3, 5) and len(set(fills)) == 2


def test_world_map_colours_the_countries_of_operation(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    url = f"/holdings/{scored.extra['snapshot_id']}/risks/"
    response = client.get(url)
    world = response.context["world"]
    brazil = next(c for c in world["countries"] if c["code"] == "BR")
    assert brazil["fill"] == "#f9c78d" and brazil["row"]["n"] == 8  # high: its highest
    assert brazil["row"]["severe"] == 5 and brazil["row"]["companies"] == 1
    netherlands = next(c for c in world["countries"] if c["code"] == "NL")
    assert netherlands["row"] is None and netherlands["fill"] == "#e9ecf1"
    assert [r["code"] for r in world["listed"]] == ["BR"]
    page = response.content.decode()
    assert page.count('<path d="M') == len(world["countries"]) > 150
    # The map follows the theme filter; a country filter narrows the list and the export.
    themed = client.get(url, {"theme": "land-rights"}).context["world"]
    assert themed["listed"][0]["top"] == 3  # land rights in Brazil: high
    assert len(client.get(url, {"country": "BR"}).context["rows"][0]["themes"]) == 8
    assert len(client.get(url, {"country": "AR"}).context["rows"]) == 0
    export = client.get(f"{url[:-1]}.csv", {"country": "AR"}).content.decode("utf-8-sig")
    assert len(export.strip().splitlines()) == 1  # the header only


def test_the_dashboard_shows_a_fund_its_latest_holdings_and_risks(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    panels = dict(client.get("/dashboard/").context["panels"])
    funds = panels["risk/panels/fund_risks.html"]["funds"]
    assert [(f["snapshot"].pk, f["very_high"], f["high"], f["review"]) for f in funds] == [
        (scored.extra["snapshot_id"], 0, 5, 0)
    ]
    for actor in ("union", "secretariat", "other_fund"):
        other = Client()
        other.force_login(scored.users[actor])
        shown = dict(other.get("/dashboard/").context["panels"])
        fund_panel = shown.get("risk/panels/fund_risks.html")
        assert fund_panel is None or all(
            f["snapshot"].fund_id != scored.fund.pk for f in fund_panel["funds"]
        )
