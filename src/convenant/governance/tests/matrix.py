"""Permission-matrix rows of governance, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.governance.tests import matrix_bodies, matrix_budget, matrix_decisions

AREAS = (matrix_decisions, matrix_bodies, matrix_budget)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
