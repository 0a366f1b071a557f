"""Permission-matrix rows of engagement, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.engagement.tests import matrix_engagements, matrix_overviews

AREAS = (matrix_engagements, matrix_overviews)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
