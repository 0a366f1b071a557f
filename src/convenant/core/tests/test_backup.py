"""`convenant backup` and `convenant restore` against real PostgreSQL: a varied world is
backed up, restored by the command into a second, fresh database with other upload folders,
and every table (its rows and its sequences) and every file is compared; the encrypted
archive the same way; a wrong passphrase, a truncated or a foreign archive, and a non-empty
database without --yes are refused with nothing changed."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from convenant.core import backup
from convenant.core.demo import loaders
from convenant.core.testing import build_world

pytestmark = pytest.mark.django_db(transaction=True)

FOLDERS = (
    "HOLDINGS_UPLOAD_DIR",
    "TOOLKIT_UPLOAD_DIR",
    "OUTSOURCING_UPLOAD_DIR",
    "REPORTING_UPLOAD_DIR",
    "SIGNALS_UPLOAD_DIR",
    "GOVERNANCE_UPLOAD_DIR",
    "ENGAGEMENT_UPLOAD_DIR",
)
# The demo's parts that make a varied world in seconds: parties, governance, toolkit
# evidence (files), the issuer register, holdings snapshots (partitions) and a refused
# upload (a file), outsourcing evidence (files), reference data, signals, covenant risks.
# The reporting cycles (two minutes) and the deep track are left out; their upload folders
# get files below.
PARTS = (
    "parties",
    "governance_bodies",
    "governance_decisions",
    "toolkit_texts",
    "toolkit_assessment",
    "portfolios",
    "holdings",
    "refused upload",
    "outsourcing_mandates",
    "reference",
    "signals",
    "covenant risks",
)
PASSPHRASE = "correct horse battery staple (fictional)"


def folders_under(root: Path) -> dict[str, Path]:
    # Nested like the test settings: the others inside the holdings folder.
    holdings = root / "uploads"
    return {
        name: holdings if name == "HOLDINGS_UPLOAD_DIR" else holdings / name.lower()
        for name in FOLDERS
    }


@pytest.fixture
def source_folders(settings: Any, tmp_path: Path) -> dict[str, Path]:
    folders = folders_under(tmp_path / "source")
    for name, path in folders.items():
        setattr(settings, name, path)
    return folders


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A second, fresh database on the same cluster, and a settings module for the restore
    command that points at it and at folders of its own."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    info = connection.connection.info
    folders = folders_under(tmp_path / "target")
    module = tmp_path / "restore_settings.py"
    module.write_text(
        "from pathlib import Path\n"
        "from convenant.settings_test import *  # noqa\n"
        + "".join(f"{key} = Path({str(path)!r})\n" for key, path in folders.items())
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{info.user}@/{name}?host={info.host}&port={info.port}",
        "DJANGO_SETTINGS_MODULE": "restore_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
    }
    yield {"name": name, "folders": folders, "env": env, "info": info}
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_varied_world(folders: dict[str, Path]) -> None:
    chosen = {loader.name: loader for loader in loaders()}
    for part in PARTS:
        load = cast(Any, chosen[part].load)
        load(funds=3) if part == "holdings" else load()
    # Files in every folder, some in subfolders, one binary and one empty.
    for index, (name, folder) in enumerate(sorted(folders.items())):
        (folder / "2026" / "11").mkdir(parents=True, exist_ok=True)
        (folder / "2026" / "11" / f"{name.lower()}.pdf").write_bytes(
            b"%PDF-1.4\n" + bytes(range(256)) * (index + 1) + b"\n%%EOF\n"
        )
        (folder / f"empty-{index}.txt").write_bytes(b"")


def restore_command(target: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "restore", *args],
        env=target["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )


def table_digests(conn: Any) -> dict[str, str]:
    """Every table's rows as one md5, and every sequence's value."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
            "ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        digests = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"  # noqa: S608
            )
            count, digest = cursor.fetchone()
            digests[table] = f"{count} {digest}"
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        for sequence, value in cursor.fetchall():
            digests[f"sequence {sequence}"] = str(value)
    return digests


def source_digests() -> dict[str, str]:
    return table_digests(connection)


def target_digests(target: dict[str, Any]) -> dict[str, str]:
    info = target["info"]
    with psycopg.connect(
        dbname=target["name"], user=info.user, host=info.host, port=info.port
    ) as conn:
        return table_digests(conn)


def file_digests(folders: dict[str, Path]) -> dict[str, str]:
    return {
        f"{name}/{relative}": hashlib.sha256(path.read_bytes()).hexdigest()
        for name, relative, path in backup.folder_files(folders)
    }


def run_backup(output: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(output), *extra, stdout=out)
    return out.getvalue()


def test_a_backup_restored_into_a_fresh_database_is_the_same_world_plain_and_encrypted(
    source_folders: dict[str, Path],
    target: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a varied world: several apps' rows, holdings partitions, files in every folder
    build_varied_world(source_folders)
    assert len(file_digests(source_folders)) >= 2 * len(FOLDERS) + 3
    before = source_digests()
    assert any(table.startswith("portfolios_position_") for table in before)  # partitions

    # When it is backed up, plain
    plain = tmp_path / "plain.tar"
    result = backup.backup(plain)

    # Then the archive is a private tar with the dump, the files and the manifest
    assert plain.stat().st_mode & 0o777 == 0o600
    assert result.sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()
    with tarfile.open(plain) as tar:
        names = tar.getnames()
    assert names[0] == backup.DUMP_NAME and names[-1] == backup.MANIFEST_NAME
    assert "files/SIGNALS_UPLOAD_DIR/2026/11/signals_upload_dir.pdf" in names
    assert not list(tmp_path.glob(".plain.tar.*")), "no temporary file is left"

    # When it is restored into the fresh database, with a stray file in a target folder
    stray = target["folders"]["REPORTING_UPLOAD_DIR"] / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not in the backup")
    restored = restore_command(target, str(plain))

    # Then every table, sequence and file is the same, and the stray file is gone
    assert restored.returncode == 0, restored.stderr
    assert "Every table has the row count of the backup's manifest." in restored.stdout
    assert "migrate" not in restored.stdout  # the same code: nothing to migrate
    assert target_digests(target) == before
    assert file_digests(target["folders"]) == file_digests(source_folders)
    assert not stray.exists()

    # When the same world is backed up encrypted with a passphrase (as the command does)
    encrypted = tmp_path / "encrypted.age"
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    printed = run_backup(encrypted, "--passphrase-env", "BACKUP_PASSPHRASE")
    assert f"sha256  {hashlib.sha256(encrypted.read_bytes()).hexdigest()}" in printed
    data = encrypted.read_bytes()
    assert data.startswith(backup.PASSPHRASE_MAGIC) and b"ustar" not in data[:4096]

    # Then with --yes it replaces a database and folders that hold data, with the same world
    for path in target["folders"].values():
        if path.is_dir():
            for file in path.rglob("*.pdf"):
                file.write_bytes(b"changed since")
    target["env"]["BACKUP_PASSPHRASE"] = PASSPHRASE
    replaced = restore_command(
        target, str(encrypted), "--passphrase-env", "BACKUP_PASSPHRASE", "--yes"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert target_digests(target) == before
    assert file_digests(target["folders"]) == file_digests(source_folders)

    # When the world's own database is given a restore without --yes, a wrong passphrase,
    # a truncated archive (encrypted or plain) or a foreign file
    monkeypatch.setenv("WRONG_PASSPHRASE", "not it")
    truncated = tmp_path / "truncated.age"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    cut_plain = tmp_path / "truncated.tar"
    cut_plain.write_bytes(plain.read_bytes()[: plain.stat().st_size - 20_000])
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        tar.add(__file__, arcname="../../etc/cron.d/x")
    (source_folders["SIGNALS_UPLOAD_DIR"] / "2026" / "11" / "newer.pdf").write_bytes(b"newer")
    files_now = file_digests(source_folders)
    attempts = {
        "--yes to do so": (str(plain),),
        "Wrong passphrase": (str(encrypted), "--passphrase-env", "WRONG_PASSPHRASE", "--yes"),
        "damaged or incomplete": (
            str(truncated),
            "--passphrase-env",
            "BACKUP_PASSPHRASE",
            "--yes",
        ),
        "damaged or incomplete (": (str(cut_plain), "--yes"),
        "not a convenant backup": (str(foreign), "--yes"),
    }
    for says, args in attempts.items():
        # Then each is refused with a clear message and nothing changes
        with pytest.raises(CommandError, match=re.escape(says)):
            call_command("restore", *args, stdout=io.StringIO())
        assert source_digests() == before
        assert file_digests(source_folders) == files_now


def test_a_backup_to_an_age_key_restores_only_with_that_key(
    source_folders: dict[str, Path], tmp_path: Path
) -> None:
    # Given a small world with a file, backed up encrypted to an age public key
    from pyrage import x25519

    build_world()
    document = source_folders["GOVERNANCE_UPLOAD_DIR"] / "minutes.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 fictional minutes")
    before = source_digests()
    key = x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(f"# created: fictional\n{key}\n")
    archive = tmp_path / "to-key.age"
    backup.backup(archive, recipients=[str(key.to_public())])
    assert archive.read_bytes().startswith(backup.AGE_MAGIC)  # a plain age file
    (tmp_path / "other.txt").write_text(f"{x25519.Identity.generate()}\n")

    # When it is restored without the key, or with another key, then it is refused
    with pytest.raises(backup.BackupError, match="--identity"):
        backup.restore(archive, replace=True)
    with pytest.raises(backup.BackupError, match="cannot be decrypted"):
        backup.restore(archive, identity_file=tmp_path / "other.txt", replace=True)
    with pytest.raises(backup.BackupError, match="Not an age public key"):
        backup.backup(tmp_path / "x.age", recipients=["age1-not-a-key"])
    assert not (tmp_path / "x.age").exists()

    # When it is restored with the key over a changed world and folder
    document.write_bytes(b"changed")
    (document.parent / "later.pdf").write_bytes(b"uploaded after the backup")
    result = backup.restore(archive, identity_file=tmp_path / "key.txt", replace=True)

    # Then the world and the folder are as they were backed up
    assert result.mismatches == {} and result.files == 1
    assert source_digests() == before
    assert document.read_bytes() == b"%PDF-1.4 fictional minutes"
    assert not (document.parent / "later.pdf").exists()


def test_upload_folders_are_every_upload_setting_and_nested_files_count_once(
    source_folders: dict[str, Path],
) -> None:
    # Given folders nested in the holdings folder, with a file in each
    for name, folder in source_folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "a.bin").write_bytes(name.encode())
    # Then each file belongs to its own (most specific) folder, once
    found = list(backup.folder_files(backup.upload_folders()))
    assert sorted((name, relative) for name, relative, _ in found) == sorted(
        (name, "a.bin") for name in FOLDERS
    )
    assert set(FOLDERS) <= set(backup.upload_folders())
    assert source_folders["SIGNALS_UPLOAD_DIR"] == settings.SIGNALS_UPLOAD_DIR


def test_a_backup_from_newer_code_is_refused_and_one_from_older_code_asks_for_migrate() -> None:
    # Given the migrations this code knows
    from django.db.migrations.loader import MigrationLoader

    known = sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    # When a backup's database has one more, then it is refused before anything changes
    newer = {
        "convenant_version": "9.0",
        "database": {"migrations": [*known, ("core", "9999_from_the_future")]},
    }
    with pytest.raises(backup.BackupError, match=r"newer convenant \(9\.0\).*core\.9999"):
        backup._migration_gap(newer)
    # When it lacks the last, then that one is named as still to apply
    older = {"database": {"migrations": known[:-1]}}
    assert backup._migration_gap(older) == [f"{known[-1][0]}.{known[-1][1]}"]
