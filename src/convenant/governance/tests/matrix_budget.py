"""Permission-matrix rows of governance's budget."""

from convenant.core.testing import Row

ROWS: list[Row] = []
