"""Permission-matrix rows of reporting: the monitoring committee's workspace: each submitted
submission with its evidence, questions threaded per question, scores confirmed or corrected,
acceptance, reopening and corrections, findings and recommendations."""

from convenant.core.testing import Row

ROWS: list[Row] = []
