"""Permission-matrix rows of engagement, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.engagement.tests import (
    matrix_cases,
    matrix_closure,
    matrix_communication,
    matrix_engagements,
    matrix_fieldwork,
    matrix_overviews,
    matrix_selection,
)

AREAS = (
    matrix_engagements,
    matrix_overviews,
    matrix_selection,
    matrix_cases,
    matrix_fieldwork,
    matrix_communication,
    matrix_closure,
)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
