"""Permission-matrix rows of reporting: the KPI framework: the versioned library file of
indicators, sub-indicators and questions, how answers score, and where pre-filled answers come
from. Public reference data: everyone reads every version."""

from convenant.core.testing import HIDDEN, OK, Row, World, everyone


def extend_world(world: World) -> None:
    from convenant.reporting.framework import load_all

    load_all()


ROWS: list[Row] = [
    Row(
        "kpi_framework_list",
        everyone(OK),
        present=lambda w: ["2019.1", "2022.1"],
    ),
    Row(
        "kpi_framework_detail",
        everyone(OK),
        args=lambda w: ["2022.1"],
        present=lambda w: ["P2.3", "M1.1", "R1.2", "E1.2"],
    ),
    Row("kpi_framework_detail", everyone(HIDDEN), args=lambda w: ["1999.9"], missing=True),
    Row("api:list_kpi_frameworks", everyone(OK), present=lambda w: ["2019.1", "2022.1"]),
    Row(
        "api:get_kpi_framework",
        everyone(OK),
        args=lambda w: ["2019.1"],
        present=lambda w: ["outsourcing-monitoring", "invested_assets"],
    ),
    Row("api:get_kpi_framework", everyone(HIDDEN), args=lambda w: ["0.0"], missing=True),
]
