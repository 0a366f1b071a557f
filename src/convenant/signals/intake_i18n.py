"""The public intake speaks French and Spanish as well as Dutch and English. The rest of
convenant is Dutch and English only, so the French and Spanish catalogues hold exactly the
messages of the intake: those of the files below, which a test extracts afresh and checks
for a translation in each language.

Refresh the catalogues after changing an intake string:
``python -m convenant.signals.intake_i18n`` (keeps existing translations, adds new ones
untranslated), then translate the empty entries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
INTAKE_SOURCES = (
    "core/limits.py",  # the length hints under the intake's text fields
    "signals/forms.py",
    "signals/validation.py",
    "signals/attachments.py",
    "signals/intake.py",
    "signals/templates/signals/intake",
)
LANGUAGES = ("fr", "es")


def catalogue(language: str) -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"


def extract(workdir: Path, language: str) -> Path:
    """makemessages over a copy of the intake's files only; returns the fresh .po file."""
    copy = workdir / "intake"
    for source in INTAKE_SOURCES:
        origin, target = PACKAGE / source, copy / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target)
        else:
            shutil.copy(origin, target)
    (copy / "locale").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "django", "makemessages", "-l", language, "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env=env,
    )
    return copy / "locale" / language / "LC_MESSAGES" / "django.po"


def refresh() -> None:
    import polib

    for language in LANGUAGES:
        with tempfile.TemporaryDirectory() as folder:
            fresh = polib.pofile(str(extract(Path(folder), language)))
        target = catalogue(language)
        old = polib.pofile(str(target)) if target.exists() else None
        known = {e.msgid: e for e in old} if old else {}
        for entry in fresh:
            entry.occurrences = []
            if entry.msgid in known and known[entry.msgid].translated():
                entry.msgstr = known[entry.msgid].msgstr
                entry.msgstr_plural = known[entry.msgid].msgstr_plural
        fresh.metadata.update(
            {
                "Project-Id-Version": "convenant (public intake)",
                "Language": language,
                "Language-Team": language,
                "Last-Translator": "convenant",
                "PO-Revision-Date": fresh.metadata.get("POT-Creation-Date", ""),
                "Content-Type": "text/plain; charset=UTF-8",
            }
        )
        fresh.metadata_is_fuzzy = False
        fresh.header = "The public intake of convenant: French and Spanish."
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh.save(str(target))


if __name__ == "__main__":
    refresh()
