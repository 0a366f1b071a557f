"""A scored snapshot: a mining company operating in Brazil, held by the world's fund."""

from pathlib import Path

import pytest

from convenant.core.testing import World
from convenant.risk.testing import hold_a_mining_company


@pytest.fixture
def scored(world: World, tmp_path: Path) -> World:
    miner, snapshot_id = hold_a_mining_company(world, tmp_path)
    world.extra.update(miner=miner, snapshot_id=snapshot_id)
    return world
