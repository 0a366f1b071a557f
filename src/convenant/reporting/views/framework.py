"""Views of reporting: the KPI framework: the versioned library file of indicators, sub-
indicators and questions, how answers score, and where pre-filled answers come from."""

from __future__ import annotations
