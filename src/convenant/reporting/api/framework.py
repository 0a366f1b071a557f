"""API of reporting: the KPI framework: the versioned library file of indicators, sub-indicators
and questions, how answers score, and where pre-filled answers come from. Writes go through the
same actions as the pages."""

from ninja import Router

router = Router(tags=["reporting"])
