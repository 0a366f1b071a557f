"""Permission-matrix rows of reporting, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.reporting.tests import (
    matrix_framework,
    matrix_publication,
    matrix_report,
    matrix_review,
    matrix_submissions,
)

AREAS = (
    matrix_framework,
    matrix_submissions,
    matrix_review,
    matrix_report,
    matrix_publication,
)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
