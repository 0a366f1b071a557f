"""Permission-matrix rows of reporting: the KPI framework: the versioned library file of
indicators, sub-indicators and questions, how answers score, and where pre-filled answers come
from."""

from convenant.core.testing import Row

ROWS: list[Row] = []
