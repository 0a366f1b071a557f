"""The escalation ladder as reference data: each edition in ``engagement/data/ladder``
(``dataset.yaml``) is loaded into ``LadderStep`` by ``convenant load_ladder``, the demo and
the tests. Loading is idempotent: an edition already loaded is brought in line with its file
(names), never renumbered under the activities that recorded it."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from convenant.engagement.models import LadderStep

LADDER_DIR = Path(__file__).resolve().parent / "data" / "ladder"


def load_ladder(path: Path | None = None) -> tuple[str, int]:
    """Load one edition (the shipped one by default); returns (edition, steps created)."""
    data = yaml.safe_load(((path or LADDER_DIR) / "dataset.yaml").read_text(encoding="utf-8"))
    edition = str(data["edition"])
    created = 0
    with transaction.atomic():
        for order, step in enumerate(data["steps"], start=1):
            _, was_created = LadderStep.objects.update_or_create(
                edition=edition,
                key=step["key"],
                defaults={
                    "order": order,
                    "name": step["nl"],
                    "name_en": step["en"],
                    "is_vote": bool(step.get("vote", False)),
                },
            )
            created += int(was_created)
    return edition, created
