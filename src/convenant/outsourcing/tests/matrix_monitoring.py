"""Permission-matrix rows of outsourcing: the reporting requirements agreed per mandate, the
provider reports received per period and what is missing, and a fund's dashboard of the shares
of its mandates with clauses and with reporting in place, by count and by invested amount."""

from convenant.core.testing import Row

ROWS: list[Row] = []
