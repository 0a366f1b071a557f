"""Every audit verb an action records has a name for people, so the audit trail never shows
a bare code."""

import re
from pathlib import Path

from convenant.core.audit import verb_label

SOURCE = Path(__file__).resolve().parents[2]
VERB = re.compile(r'verb="([a-z_]+\.[a-z_]+)"')


def recorded_verbs() -> set[str]:
    return {
        verb
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts
        for verb in VERB.findall(path.read_text(encoding="utf-8"))
    }


def test_every_recorded_verb_has_a_label() -> None:
    verbs = recorded_verbs()
    assert len(verbs) > 30  # the scan finds the actions' verbs
    unlabelled = sorted(v for v in verbs if verb_label(v) == v)
    assert not unlabelled, f"audit verbs without a label: {unlabelled}"
