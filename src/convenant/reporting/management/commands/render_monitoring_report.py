"""``convenant render_monitoring_report --cycle LABEL --format pdf|xlsx|html --output FILE``:
a cycle's signed-off monitoring report rendered from its frozen snapshot, as the page's
downloads are (after disclosure control, with the digest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from convenant.reporting import figures, render
from convenant.reporting.models import Cycle, MonitoringReport

WHY = "an operator renders the signed-off monitoring report on the server"
MAKERS: dict[str, Callable[[render.Rendering], str | bytes]] = {
    "pdf": render.as_pdf,
    "xlsx": render.as_xlsx,
    "html": render.as_html,
}


class Command(BaseCommand):
    help = "Render a cycle's signed-off monitoring report as PDF, XLSX or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", required=True, help="the cycle's label, e.g. 2021")
        parser.add_argument("--format", required=True, choices=sorted(MAKERS))
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--language", default="nl", choices=["nl", "en"], help="nl (default) or en"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        label = options["cycle"]
        report = (
            MonitoringReport.objects.unrestricted(WHY)
            .select_related("cycle")
            .filter(cycle__label=label)
            .first()
        )
        if report is None and not Cycle.objects.unrestricted(WHY).filter(label=label).exists():
            raise CommandError(f"There is no reporting cycle labelled {label!r}.")
        if report is None or report.state == MonitoringReport.State.DRAFT or report.figures is None:
            raise CommandError(
                f"The monitoring report of {label!r} has not been signed off: only a "
                "signed-off report (its frozen figures) is rendered."
            )
        if figures.digest(report.figures) != report.figures_digest:
            raise CommandError(
                f"The frozen figures of {label!r} no longer match their digest; not rendered."
            )
        with translation.override(options["language"]):
            view = render.rendering(
                report.figures, report.figures_digest, draft=False, report=report
            )
            made = MAKERS[options["format"]](view)
        body = made.encode("utf-8") if isinstance(made, str) else made
        output = Path(options["output"])
        output.write_bytes(body)
        self.stdout.write(
            f"{output}: monitoring report {label} ({options['format']}), "
            f"figures SHA-256 {report.figures_digest}"
        )
