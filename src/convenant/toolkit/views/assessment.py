"""Views of toolkit: the requirement tree (a versioned library file) and a fund's yearly policy
self-assessment against it: answers with evidence, gaps with the model texts that close them,
each year started from the last, exported as XLSX and DOCX."""

from __future__ import annotations
