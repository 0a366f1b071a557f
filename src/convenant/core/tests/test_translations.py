"""The Dutch translation is complete: extracting the messages afresh from the code finds no
string without a Dutch msgstr, and the committed .po file is not fuzzy anywhere."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[2]


def test_committed_po_is_complete() -> None:
    po = polib.pofile(str(PACKAGE / "locale/nl/LC_MESSAGES/django.po"))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]


def test_every_string_in_the_code_is_translated(tmp_path: Path) -> None:
    """makemessages on a copy of the package: new strings would arrive untranslated."""
    copy = tmp_path / "convenant"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    po = polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert not missing, f"Untranslated strings (run makemessages and translate): {missing}"
