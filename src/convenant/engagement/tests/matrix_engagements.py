"""Permission-matrix rows of engagement's engagements."""

from convenant.core.testing import Row

ROWS: list[Row] = []
