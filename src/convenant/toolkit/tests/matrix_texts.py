"""Permission-matrix rows of toolkit: model texts and their versions in Dutch and English (draft,
consultation with the parties' comments, adopted by the steering group's decision on a release,
superseded), the word-level diff between versions (also as PDF), the public toolkit page and
each text as DOCX and PDF."""

from convenant.core.testing import Row

ROWS: list[Row] = []
