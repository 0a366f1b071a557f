"""Permission-matrix rows of governance's bodies."""

from convenant.core.testing import Row

ROWS: list[Row] = []
