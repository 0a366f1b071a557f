"""Permission-matrix rows of reporting: the monitoring report: the figures per indicator by
count and by invested assets, frozen at sign-off, rendered as HTML, PDF and XLSX."""

from convenant.core.testing import Row

ROWS: list[Row] = []
