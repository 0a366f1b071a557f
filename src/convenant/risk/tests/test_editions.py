"""Editions side by side: a fund sees what changed in its ranking from methodology 2026.1 to
2026.2, both recomputed on its snapshot, without anything being saved."""

from django.test import Client

from convenant.core.testing import World
from convenant.risk.editions import compare, loaded_editions
from convenant.risk.models import RiskAssessment, RiskResult


def test_both_editions_are_loaded_and_the_newest_is_in_force(scored: World) -> None:
    assert loaded_editions() == ["2026.2", "2026.1"]
    methodologies = set(
        RiskResult.objects.filter(snapshot_id=scored.extra["snapshot_id"]).values_list(
            "assessment__methodology", flat=True
        )
    )
    assert methodologies == {"2026.2"}


def test_comparing_recomputes_both_and_saves_nothing(scored: World) -> None:
    snapshot_id, miner = scored.extra["snapshot_id"], scored.extra["miner"]
    assessments = RiskAssessment.objects.count()
    comparison = compare(snapshot_id, "2026.1", "2026.2")
    assert comparison is not None and RiskAssessment.objects.count() == assessments
    old, new = comparison.tops[miner.pk]
    assert old is not None and new is not None
    # 2026.1's known answer for a miner in Brazil: very high (forced labour, 4 × 3).
    assert old.rank == 4
    # 2026.2's side is what scoring stored under the edition in force.
    stored = RiskResult.objects.filter(snapshot_id=snapshot_id).order_by("-rank", "-score")[0]
    assert (new.rank, new.score) == (stored.rank, stored.score)
    assert sum(total for _l, _c, total in comparison.matrix) == 1
    moved = [issuer for issuer, _o, _n in comparison.moved()]
    assert moved == ([miner.pk] if old.rank != new.rank else [])


def test_the_page_shows_the_fund_its_moves(scored: World) -> None:
    client = Client()
    client.force_login(scored.users["fund_viewer"])
    url = f"/holdings/{scored.extra['snapshot_id']}/risks/editions/"
    response = client.get(url, {"from": "2026.1", "to": "2026.2"})
    assert response.status_code == 200
    assert response.context["older"] == "2026.1" and response.context["newer"] == "2026.2"
    page = response.content.decode()
    if response.context["moved_count"]:
        assert "Mineração Exemplo S.A." in page
    # An unknown edition falls back to the loaded ones; nothing breaks.
    fallback = client.get(url, {"from": "1999.1", "to": "2099.9"})
    assert fallback.status_code == 200 and fallback.context["older"] == "2026.1"
    assert client.get(url, {"to": "x\x00"}).status_code == 400  # refused, not a 500
