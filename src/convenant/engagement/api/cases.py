"""API of the deep track: the deep-track case board by step, a case's overview with its
collaboration plan, its group's people and roles, the steps and their exit criteria, the
leverage (step B: linked engagements and the leverage map) and the timeline. Writes go through
the same actions as the pages."""

from ninja import Router

router = Router(tags=["engagement"])
