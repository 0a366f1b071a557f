"""The conduct file's optional ``themes`` column: the themes of the taxonomy in force a
violation concerns, separated by ";"; an unknown key is refused by line, column and value and
nothing is saved; empty or absent means the source does not say."""

from pathlib import Path

import pytest

from convenant.core.errors import ActionError
from convenant.core.testing import World
from convenant.risk.actions import load_conduct_records
from convenant.risk.models import ConductRecord
from convenant.risk.testing import MINER_ISIN


def _load(world: World, tmp_path: Path, text: str) -> int:
    path = tmp_path / "conduct.csv"
    path.write_text(text, encoding="utf-8")
    return load_conduct_records(path=path, source="Provider X", by=world.users["secretariat"])


def test_a_violation_names_its_themes(scored: World, tmp_path: Path) -> None:
    _load(
        scored,
        tmp_path,
        "identifier,violation,monitoring,as_of,themes,note\n"
        f"{MINER_ISIN},yes,no,2024-06-30, land-rights ;pollution;land-rights,tailings dam\n",
    )
    record = ConductRecord.objects.get()
    assert record.violation is True
    assert record.themes == ["land-rights", "pollution"]


def test_an_unknown_theme_is_refused_by_line_column_and_value(
    scored: World, tmp_path: Path
) -> None:
    with pytest.raises(ActionError) as refused:
        _load(
            scored,
            tmp_path,
            "identifier,violation,monitoring,as_of,themes\n"
            f"{MINER_ISIN},yes,no,2024-06-30,land-rights;bribery\n",
        )
    assert "line 2, column themes: bribery" in refused.value.messages[0]
    assert not ConductRecord.objects.exists()


def test_themes_may_be_empty_or_absent(scored: World, tmp_path: Path) -> None:
    _load(
        scored,
        tmp_path,
        f"identifier,violation,monitoring,as_of,themes\n{MINER_ISIN},yes,no,2024-06-30,\n",
    )
    _load(
        scored,
        tmp_path,
        f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,yes,2024-12-31\n",
    )
    assert [r.themes for r in ConductRecord.objects.order_by("as_of")] == [[], []]


def test_a_violation_is_company_evidence_in_the_ranking(
    scored: World, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    from convenant.risk.models import RiskResult

    snapshot_id = scored.extra["snapshot_id"]
    before = RiskResult.objects.get(snapshot_id=snapshot_id, theme="land-rights")
    assert (before.priority, before.evidence) == ("high", False)
    # Loading queues the rescoring of the companies whose violations changed; it runs once
    # the load commits (here: at once, as the test runs jobs eagerly).
    with django_capture_on_commit_callbacks(execute=True):
        _load(
            scored,
            tmp_path,
            "identifier,violation,monitoring,as_of,themes\n"
            f"{MINER_ISIN},yes,no,2024-06-30,land-rights\n",
        )
    land = RiskResult.objects.select_related("assessment").get(
        snapshot_id=snapshot_id, theme="land-rights"
    )
    # Map 4 × actual 4 = 16: very high, with the conduct record among its reasons.
    assert (land.priority, land.evidence, str(land.score)) == ("very-high", True, "16.00")
    assert any(r["key"] == "conduct_violation" for r in land.assessment.reasons)
    # The other themes are untouched: the record named land rights only.
    assert (
        not RiskResult.objects.filter(snapshot_id=snapshot_id, evidence=True)
        .exclude(theme="land-rights")
        .exists()
    )
    # The provider's next file says the case is resolved: the evidence goes.
    with django_capture_on_commit_callbacks(execute=True):
        _load(
            scored,
            tmp_path,
            f"identifier,violation,monitoring,as_of\n{MINER_ISIN},no,yes,2024-11-30\n",
        )
    after = RiskResult.objects.get(snapshot_id=snapshot_id, theme="land-rights")
    assert (after.priority, after.evidence) == ("high", False)
