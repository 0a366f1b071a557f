"""Permission-matrix rows of outsourcing, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.outsourcing.tests import matrix_mandates, matrix_monitoring

AREAS = (
    matrix_mandates,
    matrix_monitoring,
)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
