"""Permission-matrix rows for the reference datasets: public, like the reports they cite."""

import datetime

from convenant.core.testing import HIDDEN, OK, Row, World, everyone, members


def extend_world(world: World) -> None:
    from convenant.risk.actions import LIBRARY, load_reference_dataset

    world.extra["dataset"] = load_reference_dataset(LIBRARY / "ituc-gri")
    if "snapshot" not in world.extra:
        from convenant.portfolios.models import Snapshot

        world.extra["snapshot"] = Snapshot.objects.create(
            fund=world.fund, as_of=datetime.date(2024, 12, 31), source_name="test.csv"
        )


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
    # A fund's risks: its own people only, like its holdings.
    Row(
        "snapshot_risks",
        members(HIDDEN, fund_viewer=OK, fund_editor=OK, fund_admin=OK),
        args=lambda w: [w.extra["snapshot"].pk],
        query="priority=high",
    ),
]
