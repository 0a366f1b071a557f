"""Permission-matrix rows for the reference datasets: public, like the reports they cite."""

from convenant.core.testing import HIDDEN, OK, Row, World, everyone


def extend_world(world: World) -> None:
    from convenant.risk.actions import LIBRARY, load_reference_dataset

    world.extra["dataset"] = load_reference_dataset(LIBRARY / "ituc-gri")


ROWS = [
    Row("dataset_list", everyone(OK)),
    Row("dataset_detail", everyone(OK), args=lambda w: [w.extra["dataset"].pk]),
    Row(
        "dataset_detail",
        everyone(OK),
        args=lambda w: [w.extra["dataset"].pk],
        query="country=Nederland",
    ),
    Row("dataset_detail", everyone(HIDDEN), args=lambda w: [999999]),
]
