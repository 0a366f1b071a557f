"""Permission-matrix rows of toolkit, one list per area (each may extend the world)."""

from convenant.core.testing import World
from convenant.toolkit.tests import matrix_assessment, matrix_texts

AREAS = (
    matrix_texts,
    matrix_assessment,
)
ROWS = [row for area in AREAS for row in area.ROWS]


def extend_world(world: World) -> None:
    for area in AREAS:
        if hasattr(area, "extend_world"):
            area.extend_world(world)
