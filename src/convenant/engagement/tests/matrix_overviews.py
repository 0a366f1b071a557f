"""Permission-matrix rows of engagement's overviews."""

from convenant.core.testing import Row

ROWS: list[Row] = []
