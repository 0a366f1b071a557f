"""The requirement tree as reference data: each edition in ``toolkit/data/requirements/<edition>/
requirements.yaml`` is loaded into ``Requirement`` by ``convenant load_requirements``, the demo
and the tests. Loading is idempotent; a file that no longer matches an edition already loaded
is refused, since the assessments answered against that edition must keep reading the tree
they were answered against (a changed tree is a new edition)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from convenant.toolkit.models import Requirement

REQUIREMENTS_DIR = Path(__file__).resolve().parent / "data" / "requirements"
FIELDS = ("parent_key", "order", "title", "title_en", "description", "description_en", "source")


class EditionChanged(ValueError):
    """The file differs from the edition already in the database."""


def editions_shipped() -> list[str]:
    return sorted(p.parent.name for p in REQUIREMENTS_DIR.glob("*/requirements.yaml"))


def latest_edition() -> str:
    """The newest edition loaded (what a new assessment is answered against), or ''."""
    editions = Requirement.objects.values_list("edition", flat=True).distinct()
    return max(editions, key=_edition_key, default="")


def _edition_key(edition: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in edition.split("."))


def read_edition(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The edition and its nodes as rows for ``Requirement``, checked for a sound tree."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edition = str(data["edition"])
    rows: list[dict[str, Any]] = []
    keys: set[str] = set()
    for order, node in enumerate(data["requirements"], start=1):
        key, parent = str(node["key"]), str(node.get("parent", ""))
        if key in keys:
            raise ValueError(f"requirement {key} appears twice")
        if parent and parent not in keys:
            raise ValueError(f"requirement {key}: its parent {parent} must come before it")
        if not str(node.get("source", "")).strip():
            raise ValueError(f"requirement {key} cites no source")
        keys.add(key)
        rows.append(
            {
                "key": key,
                "parent_key": parent,
                "order": order,
                "title": str(node["nl"]),
                "title_en": str(node["en"]),
                "description": str(node.get("description_nl", "")),
                "description_en": str(node.get("description_en", "")),
                "source": str(node["source"]),
                "closed_by": [str(i) for i in node.get("closed_by", [])],
            }
        )
    return edition, rows


def load_requirements(path: Path | None = None) -> tuple[str, int]:
    """Load one edition's file (the newest shipped by default); returns (edition, nodes
    created). Loading the same file again creates nothing; a different file under an edition
    already loaded raises ``EditionChanged``."""
    if path is None:
        path = REQUIREMENTS_DIR / editions_shipped()[-1] / "requirements.yaml"
    edition, rows = read_edition(path)
    with transaction.atomic():
        existing = {r.key: r for r in Requirement.objects.filter(edition=edition)}
        if existing:
            if _differences(existing, rows):
                raise EditionChanged(
                    f"Edition {edition} is already loaded and the file differs "
                    f"({', '.join(_differences(existing, rows)[:5])}): give a changed tree "
                    "a new edition."
                )
            return edition, 0
        Requirement.objects.bulk_create(Requirement(edition=edition, **row) for row in rows)
    return edition, len(rows)


def _differences(existing: dict[str, Requirement], rows: list[dict[str, Any]]) -> list[str]:
    changed = sorted(set(existing) ^ {row["key"] for row in rows})
    for row in rows:
        node = existing.get(row["key"])
        if node is not None and (
            any(getattr(node, f) != row[f] for f in FIELDS)
            or list(node.closed_by) != row["closed_by"]
        ):
            changed.append(row["key"])
    return changed


# --- The tree, for pages, exports and the API ----------------------------------------------


@dataclass
class Node:
    requirement: Requirement
    children: list[Node] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.requirement.key


def tree(edition: str) -> list[Node]:
    """The groups of an edition in order, each with its requirements."""
    nodes = {r.key: Node(r) for r in Requirement.objects.filter(edition=edition).order_by("order")}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.requirement.parent_key)
        (parent.children if parent else roots).append(node)
    return roots


def answerable(edition: str) -> list[Requirement]:
    """The requirements a fund answers: the nodes without children, in the tree's order."""
    nodes = list(Requirement.objects.filter(edition=edition).order_by("order"))
    parents = {n.parent_key for n in nodes}
    return [n for n in nodes if n.key not in parents]
