"""API of the deep track: nominations of deep-track cases, selection rounds scored by each
constituency, the ranked overview, and the steering group's selection (the governance effect
``select_cases``). Writes go through the same actions as the pages."""

from ninja import Router

router = Router(tags=["engagement"])
