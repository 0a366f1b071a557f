"""Views of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``)."""

from __future__ import annotations
