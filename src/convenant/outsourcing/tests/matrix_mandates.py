"""Permission-matrix rows of outsourcing: service providers kept once for the covenant (the
secretariat merges duplicates), a fund's mandates with them, the model clauses each contract
holds at which version (verbatim, adapted with its diff, or not included with a reason),
superseded clauses and renewal tasks."""

from convenant.core.testing import Row

ROWS: list[Row] = []
