"""Permission-matrix rows of governance's decisions."""

from convenant.core.testing import Row

ROWS: list[Row] = []
