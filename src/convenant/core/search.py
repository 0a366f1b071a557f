"""Global search: one box over every model that an app registers, always through
``visible_to`` so that a result, a count or a snippet never reveals what the person may
not see.

PostgreSQL full-text search with both the Dutch and the English configuration (the
covenant's texts are in both), plus a plain substring match on the title fields, because
full-text stemming does not split Dutch compounds ("pensioen" should find
"Pensioenfederatie").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise

from convenant.core.access import visible

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchTarget:
    model: type[models.Model]
    label: str | Promise
    # Fields weighted A (titles) and B (descriptions) for ranking.
    title_fields: Sequence[str]
    text_fields: Sequence[str] = ()
    describe: Callable[[Any], str] = str
    select_related: Sequence[str] = ()
    # A stored, GIN-indexed tsvector column built from the same fields, for large tables.
    vector_field: str | None = None


@dataclass(frozen=True)
class SearchHit:
    title: str
    description: str
    url: str


@dataclass(frozen=True)
class SearchGroup:
    label: str | Promise
    hits: list[SearchHit]
    total: int


_targets: dict[str, SearchTarget] = {}


def register_search(key: str, target: SearchTarget) -> None:
    """Called by an app in AppConfig.ready(). The model must have ``visible_to`` and
    ``get_absolute_url``."""
    if not hasattr(target.model._default_manager, "visible_to"):
        raise TypeError(f"{target.model.__name__} needs visible_to() to be searchable.")
    _targets[key] = target


def registered_targets() -> dict[str, SearchTarget]:
    return dict(_targets)


def _vector(target: SearchTarget) -> Any:
    if target.vector_field:
        return F(target.vector_field)
    vector: Any = None
    for config in ("dutch", "english"):
        for fields, weight in ((target.title_fields, "A"), (target.text_fields, "B")):
            if fields:
                part = SearchVector(*fields, config=config, weight=weight)
                vector = part if vector is None else vector + part
    return vector


def search(user: Any, text: str, *, limit: int = 10) -> list[SearchGroup]:
    """Results per registered model, best first, only among rows the user may see."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return []
    query = SearchQuery(text, config="dutch", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )
    groups = []
    for target in _targets.values():
        substring = Q()
        for name in target.title_fields:
            substring |= Q(**{f"{name}__icontains": text})
        # With a stored vector the @@ match uses its GIN index; otherwise filter on the rank.
        matches = Q(**{target.vector_field: query}) if target.vector_field else Q(search_rank__gt=0)
        qs = (
            visible(target.model, user)
            .annotate(search_rank=SearchRank(_vector(target), query))
            .filter(matches | substring)
            .select_related(*target.select_related)
        )
        total = qs.count()
        if not total:
            continue
        rows = qs.order_by("-search_rank", "pk")[:limit]
        hits = [
            SearchHit(title=str(row), description=target.describe(row), url=row.get_absolute_url())
            for row in rows
        ]
        groups.append(SearchGroup(label=target.label, hits=hits, total=total))
    return groups
