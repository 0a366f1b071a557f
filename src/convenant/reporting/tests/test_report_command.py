"""``convenant render_monitoring_report``: the three formats from one snapshot, the PDF read
back and compared with the database, and clear refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.formats import number_format

from convenant.reporting.actions.report import sign_off_report, write_report_summary
from convenant.reporting.models import MonitoringReport, Submission
from convenant.reporting.tests import report_example

pytestmark = pytest.mark.django_db


def _render(label: str, fmt: str, output: Path) -> str:
    out = io.StringIO()
    call_command(
        "render_monitoring_report", cycle=label, format=fmt, output=str(output), stdout=out
    )
    return out.getvalue()


def test_the_three_formats_come_from_one_snapshot(world: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    # Given the example's 2021 report signed off
    example = report_example.build(world)
    Submission.objects.unrestricted("test").filter(pk=example["submissions"]["FG"].pk).update(
        state="accepted"
    )
    by = world.users["monitoring"]
    write_report_summary(by=by, cycle=example["cycle"], summary="Samenvatting (fictief)")
    report = sign_off_report(by=by, cycle=example["cycle"])
    # When it is rendered in all three formats
    said = {fmt: _render("2021", fmt, tmp_path / f"r.{fmt}") for fmt in ("html", "pdf", "xlsx")}
    # Then each names the same digest, and each file carries it
    assert all(report.figures_digest in line for line in said.values())
    html = (tmp_path / "r.html").read_text()
    pdf = "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    flat_pdf = pdf.replace("\n", "")
    book = load_workbook(tmp_path / "r.xlsx", read_only=True)
    # The sheets in their order (their names follow the language): the report, the indicators
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    assert report.figures_digest in html
    assert report.figures_digest[:32] in flat_pdf
    assert report.figures_digest in [r[1] for r in sheets[0]]
    # And the PDF's figures are the database's: per main indicator positive / counted and
    # the shares by count and by assets, as the frozen snapshot holds them
    indicators = {r["code"]: r for r in report.figures["indicators"]}
    with translation.override("nl"):
        for code in ("policy", "outsourcing", "reporting"):
            row = indicators[code]
            assert f"{row['positive']} / {row['counted']}" in pdf
            assert f"{number_format(row['share'], 1)} %" in pdf
            assert f"{number_format(row['asset_share'], 1)} %" in pdf
    assert "40,0 %" in pdf and "78,4 %" in pdf  # policy: 2 of 5 funds, 40 of 51 bn
    # And the XLSX annex holds the same numbers as the snapshot
    rows = {r[0]: r for r in sheets[1][1:]}
    for code, row in indicators.items():
        assert (rows[code][4], rows[code][5], rows[code][7]) == (
            row["positive"],
            row["counted"],
            row["share"],
        )
    # And the HTML shows the same ratio as the PDF
    assert "2 / 5" in html


def test_refusals_are_clear(world: Any, tmp_path: Path) -> None:
    example = report_example.build(world)
    with pytest.raises(CommandError, match="no reporting cycle labelled 'nope'"):
        _render("nope", "pdf", tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="has not been signed off"):
        _render("2021", "pdf", tmp_path / "x.pdf")
    MonitoringReport.objects.create(cycle=example["cycle"])
    with pytest.raises(CommandError, match="has not been signed off"):
        _render("2021", "html", tmp_path / "x.html")
    assert not (tmp_path / "x.pdf").exists()
