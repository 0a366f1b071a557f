"""Backups of a whole installation, and their restore (``convenant backup``/``restore``).

An archive is one tar file:

- ``database.dump`` — ``pg_dump --format=custom`` of the database;
- ``files/<SETTING>/<path>`` — every uploaded file, under the name of the upload-folder
  setting it lives in (``HOLDINGS_UPLOAD_DIR``, ``SIGNALS_UPLOAD_DIR`` …), so a restore on
  another machine puts it in that machine's folder of the same name;
- ``manifest.json`` (last, so it can describe what was actually written) — format version,
  convenant version, time, the applied migrations, the row count of every table, and the
  path, size and SHA-256 of the dump and of every file.

Encrypted, the archive is wrapped with age (pyrage, streaming: nothing is held whole in
memory):

- to age recipients (``--recipient age1…``): the file is a plain age file, so
  ``age -d -i key.txt backup.tar.age | tar x`` also opens it;
- with a passphrase: age's passphrase mode (scrypt) only encrypts bytes in memory, so the
  archive is encrypted to a fresh X25519 key, and that key, encrypted with the passphrase,
  goes in front. The framing: the line ``convenant-backup-passphrase/v1\\n``, a 4-byte
  big-endian length N, N bytes of age passphrase ciphertext of the ``AGE-SECRET-KEY-1…``
  line, then the age file of the archive to that key.

A restore reads everything into a private staging folder and checks the manifest and every
SHA-256 before it touches the database or a folder; a wrong passphrase, a damaged, truncated
or foreign file is refused and nothing changes. The database is then replaced in one
transaction (schema dropped and restored by psql, so a failure rolls everything back).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyrage
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

FORMAT = "convenant-backup"
FORMAT_VERSION = 1
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
FILES_PREFIX = "files"
PASSPHRASE_MAGIC = b"convenant-backup-passphrase/v1\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused, with a message for the person running it."""


# ---------------------------------------------------------------------------------------
# What is backed up


def upload_folders() -> dict[str, Path]:
    """Every upload folder of this installation, by setting name."""
    return {
        name: Path(getattr(settings, name))
        for name in dir(settings)
        if name.endswith("_UPLOAD_DIR") and getattr(settings, name, None)
    }


def _owner_of(path: Path, folders: dict[str, Path]) -> str | None:
    """The most specific folder holding ``path`` (folders may nest: the test settings put
    the others inside HOLDINGS_UPLOAD_DIR)."""
    best: tuple[int, str] | None = None
    for name, folder in folders.items():
        if path.is_relative_to(folder):
            depth = len(folder.parts)
            if best is None or depth > best[0] or (depth == best[0] and name < best[1]):
                best = (depth, name)
    return best[1] if best else None


def folder_files(folders: dict[str, Path]) -> Iterator[tuple[str, str, Path]]:
    """(setting, relative posix path, absolute path) of every regular file, each once."""
    resolved = {name: folder.resolve() for name, folder in folders.items()}
    for name in sorted(resolved):
        folder = resolved[name]
        if not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for filename in sorted(files):
                path = Path(root) / filename
                if path.is_symlink() or not path.is_file():
                    continue
                if _owner_of(path, resolved) == name:
                    yield name, path.relative_to(folder).as_posix(), path


# ---------------------------------------------------------------------------------------
# PostgreSQL


def pg_environment(alias: str = "default") -> dict[str, str]:
    """libpq's environment for Django's connection, read from the live connection (so a
    socket folder given as ``?host=`` in DATABASE_URL counts too). The password goes
    through the environment (PGPASSWORD), never on a command line that `ps` shows."""
    wrapper = connections[alias]
    wrapper.ensure_connection()
    info = wrapper.connection.info
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(
        PGDATABASE=info.dbname,
        PGUSER=info.user,
        PGHOST=info.host,
        PGPORT=str(info.port),
    )
    if info.password:
        env["PGPASSWORD"] = info.password
    parameters = info.get_parameters()
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if parameters.get(option):
            env[variable] = parameters[option]
    return env


def pg_tool(name: str) -> str:
    """The full path of a PostgreSQL client program (pg_dump, pg_restore, psql)."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs (Debian: "
            "postgresql-client), the same major version as the server or newer."
        )
    return found


def _table_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
        "ORDER BY c.relname"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM public.{table}")  # noqa: S608 - quoted above
        counts[table.strip('"')] = cursor.fetchone()[0]
    return counts


def _migrations(cursor: Any) -> list[list[str]]:
    cursor.execute(
        "SELECT to_regclass('public.django_migrations') IS NOT NULL",
    )
    if not cursor.fetchone()[0]:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def database_tables() -> dict[str, int]:
    """Row count of every table of the database now (what a restore is compared with)."""
    with connection.cursor() as cursor:
        return _table_counts(cursor)


# ---------------------------------------------------------------------------------------
# Streams


class _HashingReader(io.RawIOBase):
    """Reads ``size`` bytes of a file and hashes them on the way (tar copies from it)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


class _Limited:
    """A reader for pyrage that never returns more than asked for (pyrage refuses more)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def read(self, n: int = -1) -> bytes:
        return self.handle.read(n if n and n > 0 else CHUNK)


@contextmanager
def _piped(work: Callable[[IO[bytes]], None]) -> Iterator[IO[bytes]]:
    """A writable stream whose bytes ``work`` (in a thread) reads from the other end of a
    pipe: tar writes, age encrypts, and only a pipe's worth is ever in memory."""
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def run() -> None:
        with os.fdopen(read_fd, "rb") as reader:
            try:
                work(reader)
            except BaseException as error:  # reported in the caller's thread
                failure.append(error)
                # Drain so the writer is never stuck on a full pipe.
                while reader.read(CHUNK):
                    pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    writer = os.fdopen(write_fd, "wb")
    try:
        yield writer
    finally:
        writer.close()
        thread.join()
    if failure:
        raise failure[0]


@contextmanager
def _unpiped(work: Callable[[IO[bytes]], None]) -> Iterator[IO[bytes]]:
    """A readable stream fed by ``work`` (in a thread) writing into a pipe: age decrypts,
    tar reads."""
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def run() -> None:
        writer = os.fdopen(write_fd, "wb")
        try:
            work(writer)
        except BaseException as error:
            failure.append(error)
        finally:
            with contextlib.suppress(OSError):  # the reader went away first
                writer.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    reader = os.fdopen(read_fd, "rb")
    try:
        yield reader
        # Read what is left, so a truncated stream is noticed after the last member too.
        while reader.read(CHUNK):
            pass
    except BackupError:
        raise
    except BaseException:
        # The reader saw the stream end early: the decryption's own error says why.
        reader.close()
        thread.join()
        if failure and not isinstance(failure[0], BrokenPipeError):
            raise failure[0] from None
        raise
    finally:
        reader.close()
        thread.join()
    if failure:
        raise failure[0]


# ---------------------------------------------------------------------------------------
# Backup


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    tables: int
    rows: int
    files: int
    seconds: float


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha.update(block)
    return sha.hexdigest()


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> tuple[int, str]:
    """Add ``path`` as ``name`` streaming, and return the size and SHA-256 written."""
    with path.open("rb") as handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        hashing = _HashingReader(handle)
        tar.addfile(info, hashing)
    return hashing.size, hashing.sha.hexdigest()


def _write_archive(
    sink: IO[bytes], dump: Path, snapshot_facts: dict[str, Any], folders: dict[str, Path]
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "convenant_version": importlib.metadata.version("convenant"),
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "upload_folders": sorted(folders),
        **snapshot_facts,
    }
    files = []
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        size, sha = _add_file(tar, DUMP_NAME, dump)
        manifest["database"]["dump"] = {"path": DUMP_NAME, "size": size, "sha256": sha}
        for folder, relative, path in folder_files(folders):
            try:
                size, sha = _add_file(tar, f"{FILES_PREFIX}/{folder}/{relative}", path)
            except FileNotFoundError:  # removed while we were walking (an expired upload)
                continue
            files.append({"folder": folder, "path": relative, "size": size, "sha256": sha})
        manifest["files"] = files
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mode = len(data), 0o600
        info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
        tar.addfile(info, io.BytesIO(data))
    return manifest


def _dump_database(target: Path) -> dict[str, Any]:
    """pg_dump into ``target``; the migrations and row counts come from the same snapshot
    as the dump (exported by a repeatable-read transaction), so they describe it exactly
    even while people keep working."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            process = subprocess.run(  # noqa: S603 - our tool, fixed arguments
                [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={target}",
                ],
                env=pg_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if process.returncode:
                raise BackupError(f"pg_dump failed: {process.stderr.strip()}")
            tables = _table_counts(cursor)
            migrations = _migrations(cursor)
        finally:
            cursor.execute("ROLLBACK")
    return {
        "database": {
            "server_version": server_version,
            "migrations": migrations,
            "tables": tables,
        }
    }


def backup(
    output: Path,
    *,
    passphrase: str | None = None,
    recipients: list[str] | None = None,
    work_dir: Path | None = None,
) -> BackupResult:
    """Write a backup archive to ``output`` (a temporary name, renamed at the end, 0600)."""
    started = datetime.datetime.now(datetime.UTC)
    if passphrase is not None and recipients:
        raise BackupError("Give a passphrase or recipients, not both.")
    if passphrase is not None and not passphrase:
        raise BackupError("The passphrase is empty.")
    age_recipients = []
    for recipient in recipients or []:
        try:
            age_recipients.append(pyrage.x25519.Recipient.from_str(recipient.strip()))
        except pyrage.RecipientError:
            raise BackupError(f"Not an age public key (age1…): {recipient!r}.") from None
    output = output.absolute()
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    folders = upload_folders()
    staging = Path(tempfile.mkdtemp(prefix=".convenant-backup-", dir=work_dir or output.parent))
    handle, partial_name = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    partial = Path(partial_name)
    try:
        dump = staging / DUMP_NAME
        facts = _dump_database(dump)
        with os.fdopen(handle, "wb") as out:
            if passphrase is not None:
                identity = pyrage.x25519.Identity.generate()
                wrapped = pyrage.passphrase.encrypt(str(identity).encode(), passphrase)
                out.write(PASSPHRASE_MAGIC + len(wrapped).to_bytes(4, "big") + wrapped)
                age_recipients = [identity.to_public()]
            if age_recipients:
                encrypt = lambda reader: pyrage.encrypt_io(  # noqa: E731
                    _Limited(reader), out, age_recipients
                )
                with _piped(encrypt) as sink:
                    manifest = _write_archive(sink, dump, facts, folders)
            else:
                manifest = _write_archive(out, dump, facts, folders)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    tables = manifest["database"]["tables"]
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        sha256=_sha256_of(output),
        tables=len(tables),
        rows=sum(tables.values()),
        files=len(manifest["files"]),
        seconds=(datetime.datetime.now(datetime.UTC) - started).total_seconds(),
    )


# ---------------------------------------------------------------------------------------
# Restore


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    created_at: str = ""
    pending_migrations: list[str] = field(default_factory=list)


DAMAGED = "The archive is damaged or incomplete ({reason}); nothing was changed."


def _read_identities(path: Path) -> list[Any]:
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise BackupError(f"Cannot read the identity file {path}: {error.strerror}.") from None
    identities = []
    for line in lines:
        if line.strip().startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line.strip()))
            except pyrage.IdentityError:
                raise BackupError(f"{path} holds a line that is not an age key.") from None
    if not identities:
        raise BackupError(f"{path} holds no age secret key (AGE-SECRET-KEY-1…).")
    return identities


@contextmanager
def _plain_stream(
    source: IO[bytes], passphrase: str | None, identity_file: Path | None
) -> Iterator[IO[bytes]]:
    """The tar stream of an archive, decrypted if need be."""
    head = source.read(len(PASSPHRASE_MAGIC))
    identities: list[Any]
    if head == PASSPHRASE_MAGIC:
        if passphrase is None:
            raise BackupError("This backup is encrypted with a passphrase: give --passphrase-env.")
        length = int.from_bytes(source.read(4), "big")
        wrapped = source.read(length) if 0 < length < 65536 else b""
        if len(wrapped) != length or not wrapped:
            raise BackupError(DAMAGED.format(reason="its key is cut short"))
        try:
            key = pyrage.passphrase.decrypt(wrapped, passphrase).decode()
        except pyrage.DecryptError:
            raise BackupError("Wrong passphrase for this backup; nothing was changed.") from None
        identities = [pyrage.x25519.Identity.from_str(key)]
    elif head.startswith(AGE_MAGIC):
        if identity_file is None:
            raise BackupError("This backup is encrypted to age keys: give --identity FILE.")
        identities = _read_identities(identity_file)
        source = _Prefixed(head, source)  # type: ignore[assignment]
    else:
        block = head + source.read(512 - len(head))
        if len(block) < 512 or block[257:262] != b"ustar":
            raise BackupError("This is not a convenant backup; nothing was changed.")
        yield _Prefixed(block, source)  # type: ignore[misc]
        return

    def decrypt(writer: IO[bytes]) -> None:
        pyrage.decrypt_io(_Limited(source), writer, identities)

    with _unpiped(decrypt) as stream:
        yield stream


class _Prefixed:
    """A reader that first gives back bytes already read (the sniffed header)."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self.prefix, self.rest = prefix, rest

    def read(self, n: int = -1) -> bytes:
        if self.prefix:
            if n is None or n < 0:
                data, self.prefix = self.prefix + self.rest.read(), b""
                return data
            data, self.prefix = self.prefix[:n], self.prefix[n:]
            if len(data) < n:
                data += self.rest.read(n - len(data))
            return data
        return self.rest.read(n)


def _member_target(name: str, staging: Path) -> Path | None:
    """Where a member goes in the staging folder; None for a name we do not accept."""
    if name in (DUMP_NAME, MANIFEST_NAME):
        return staging / name
    pure = PurePosixPath(name)
    if (
        len(pure.parts) < 3
        or pure.parts[0] != FILES_PREFIX
        or pure.is_absolute()
        or any(part in ("", ".", "..") for part in pure.parts)
    ):
        return None
    return staging.joinpath(*pure.parts)


def _unpack(stream: IO[bytes], staging: Path) -> tuple[dict[str, Any], dict[str, tuple[int, str]]]:
    """Every member into ``staging``, hashed on the way; the manifest parsed."""
    seen: dict[str, tuple[int, str]] = {}
    manifest = None
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            target = _member_target(member.name, staging)
            if target is None or not member.isfile() or member.name in seen:
                raise BackupError(f"This is not a convenant backup (it holds {member.name!r}).")
            source = tar.extractfile(member)
            assert source is not None
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            sha = hashlib.sha256()
            with target.open("wb") as out:
                while block := source.read(CHUNK):
                    sha.update(block)
                    out.write(block)
            seen[member.name] = (member.size, sha.hexdigest())
            if member.name == MANIFEST_NAME:
                try:
                    manifest = json.loads(target.read_bytes())
                except ValueError:
                    raise BackupError(DAMAGED.format(reason="unreadable manifest")) from None
    if manifest is None:
        raise BackupError(DAMAGED.format(reason="no manifest"))
    return manifest, seen


def _verify(
    manifest: dict[str, Any], seen: dict[str, tuple[int, str]], folders: dict[str, Path]
) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a convenant backup; nothing was changed.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')}; this "
            f"convenant reads version {FORMAT_VERSION}. Nothing was changed."
        )
    expected = {DUMP_NAME: manifest["database"]["dump"]}
    for entry in manifest["files"]:
        expected[f"{FILES_PREFIX}/{entry['folder']}/{entry['path']}"] = entry
    unknown = sorted({entry["folder"] for entry in manifest["files"]} - set(folders))
    if unknown:
        raise BackupError(
            f"The backup holds files for {', '.join(unknown)}, which this installation does "
            "not have. Nothing was changed."
        )
    for name, entry in expected.items():
        if name not in seen:
            raise BackupError(DAMAGED.format(reason=f"{name} is missing"))
        if seen[name] != (entry["size"], entry["sha256"]):
            raise BackupError(DAMAGED.format(reason=f"{name} does not match its checksum"))
    extra = sorted(set(seen) - set(expected) - {MANIFEST_NAME})
    if extra:
        raise BackupError(DAMAGED.format(reason=f"{extra[0]} is not in the manifest"))


def _migration_gap(manifest: dict[str, Any]) -> list[str]:
    """The migrations of this code that the backup's database lacks (run migrate after the
    restore); a backup from newer code, whose database has migrations this code does not
    know, is refused: this code could not work with it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    in_backup = {(app, name) for app, name in manifest["database"]["migrations"]}
    unknown = sorted(
        f"{app}.{name}" for app, name in in_backup - known if app in loader.migrated_apps
    )
    if unknown:
        raise BackupError(
            f"This backup comes from a newer convenant ({manifest.get('convenant_version')}): "
            f"its database has migrations this code does not know ({', '.join(unknown[:3])}"
            f"{' …' if len(unknown) > 3 else ''}). Install that version first. "
            "Nothing was changed."
        )
    return sorted(f"{app}.{name}" for app, name in known - in_backup)


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        )
        return cursor.fetchone()[0] == 0


def _restore_database(dump: Path) -> None:
    """Replace the database in one transaction: drop the public schema (its tables, the
    audit trigger, the partitions, the pg_trgm extension in it) and replay the dump through
    psql. A failure rolls back to the database as it was."""
    connections.close_all()
    env = pg_environment()
    script = subprocess.Popen(  # noqa: S603 - our tool, fixed arguments
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = subprocess.run(  # noqa: S603 - our tool, fixed arguments
        [
            pg_tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA IF EXISTS public CASCADE",
            "--command=CREATE SCHEMA public",
            "--file=-",
        ],
        env=env,
        stdin=script.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert script.stdout is not None and script.stderr is not None
    script.stdout.close()
    script_errors = script.stderr.read().decode(errors="replace")
    script.wait()
    if script.returncode or psql.returncode:
        raise BackupError(
            "The database could not be restored and was left as it was: "
            + (script_errors.strip() or psql.stderr.strip())
        )


def _restore_files(manifest: dict[str, Any], staging: Path, folders: dict[str, Path]) -> int:
    """Each upload folder becomes what the backup holds: its files replaced, files it did
    not hold removed (a nested folder's files belong to that folder)."""
    wanted: dict[str, set[str]] = {name: set() for name in manifest["upload_folders"]}
    for entry in manifest["files"]:
        wanted.setdefault(entry["folder"], set()).add(entry["path"])
    for name, _relative, path in list(folder_files(folders)):
        if name in wanted and _relative not in wanted[name]:
            path.unlink(missing_ok=True)
    count = 0
    for entry in manifest["files"]:
        source = staging / FILES_PREFIX / entry["folder"] / PurePosixPath(entry["path"])
        target = folders[entry["folder"]].joinpath(*PurePosixPath(entry["path"]).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.restoring")
        shutil.move(source, temporary)
        os.replace(temporary, target)
        count += 1
    return count


def restore(
    archive: Path,
    *,
    passphrase: str | None = None,
    identity_file: Path | None = None,
    replace: bool = False,
    work_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> RestoreResult:
    folders = upload_folders()
    if not archive.is_file():
        raise BackupError(f"No such file: {archive}.")
    if not replace and not database_is_empty():
        raise BackupError(
            "The database is not empty. A restore replaces everything in it: run again with "
            "--yes to do so. Nothing was changed."
        )
    staging = Path(tempfile.mkdtemp(prefix=".convenant-restore-", dir=work_dir))
    try:
        progress("Reading and checking the archive…")
        try:
            with (
                archive.open("rb") as source,
                _plain_stream(source, passphrase, identity_file) as stream,
            ):
                manifest, seen = _unpack(stream, staging)
        except pyrage.DecryptError:
            raise BackupError(
                "This backup cannot be decrypted with that key or passphrase; nothing was changed."
            ) from None
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(DAMAGED.format(reason=str(error) or type(error).__name__)) from None
        _verify(manifest, seen, folders)
        pending = _migration_gap(manifest)
        progress("Restoring the database…")
        _restore_database(staging / DUMP_NAME)
        progress("Restoring the uploaded files…")
        files = _restore_files(manifest, staging, folders)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    expected: dict[str, int] = manifest["database"]["tables"]
    actual = database_tables()
    mismatches = {
        table: (count, actual.get(table))
        for table, count in expected.items()
        if actual.get(table) != count
    }
    for table in set(actual) - set(expected):
        mismatches[table] = (0, actual[table])
    return RestoreResult(
        tables=len(expected),
        rows=sum(expected.values()),
        files=files,
        mismatches=mismatches,
        created_at=manifest.get("created_at", ""),
        pending_migrations=pending,
    )
