"""Replacing a fund's snapshot never blocks other funds: while the new partition is built the
import holds no lock on the positions table, and the swap at the end holds its exclusive
lock only for a moment. Real transactions in threads, each with its own connection."""

import datetime
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from convenant.core.errors import ActionError
from convenant.core.testing import World, build_world
from convenant.portfolios.actions import holdings as holdings_actions
from convenant.portfolios.actions import import_holdings
from convenant.portfolios.importing import write as positions_write
from convenant.portfolios.models import Position, Snapshot

AS_OF = datetime.date(2024, 12, 31)
ROWS = 2_000


def holdings_file(tmp_path: Path, name: str, rows: int, value: str = "100") -> Path:
    path = tmp_path / name
    path.write_text(
        "Naam;Land;Marktwaarde;Valuta\n"
        + "".join(f"Bedrijf {i} NV;NL;{value};EUR\n" for i in range(rows)),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def live(transactional_db: None, tmp_path: Path) -> World:
    world = build_world()
    # The other fund's holdings, read throughout; and this fund's, about to be replaced.
    for key, actor, fund in (
        ("theirs", "other_fund", world.other_fund),
        ("mine", "fund_editor", world.fund),
    ):
        report = import_holdings(
            by=world.users[actor],
            fund=fund,
            as_of=AS_OF,
            path=holdings_file(tmp_path, f"{fund.code}.csv", ROWS),
            filename="posities.csv",
        )
        world.extra[key] = report.snapshot_id
    return world


def read_other_fund(snapshot_id: int, timeout: str = "1s") -> int:
    """What another fund's page does, with a lock timeout: raises if it has to wait."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = %s", [timeout])
        cursor.execute(
            "SELECT count(*), sum(value_eur) FROM portfolios_position WHERE snapshot_id = %s",
            [snapshot_id],
        )
        return int(cursor.fetchone()[0])


def locks_on_positions(pid: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks "
            "WHERE pid = %s AND relation = 'portfolios_position'::regclass",
            [pid],
        )
        return sorted(mode for (mode,) in cursor.fetchall())


class PausedImport:
    """An import in a thread that stops right before the swap until told to go on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, run: Callable[[], Any]) -> None:
        self.at_swap, self.go = threading.Event(), threading.Event()
        self.pid = 0
        self.swap_started = self.committed = 0.0
        self.error: BaseException | None = None
        swap = positions_write.swap_partitions

        def paused_swap(snapshot_id: int, old_snapshot_id: int | None) -> None:
            self.pid = connection.connection.info.backend_pid
            self.at_swap.set()
            assert self.go.wait(timeout=30)
            self.swap_started = time.perf_counter()
            swap(snapshot_id, old_snapshot_id)
            transaction.on_commit(lambda: setattr(self, "committed", time.perf_counter()))

        monkeypatch.setattr(holdings_actions, "swap_partitions", paused_swap)

        def target() -> None:
            try:
                run()
            except BaseException as error:
                self.error = error
            finally:
                connections.close_all()

        self.thread = threading.Thread(target=target)

    def __enter__(self) -> "PausedImport":
        self.thread.start()
        assert self.at_swap.wait(timeout=60), self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self.go.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()


def test_other_funds_read_their_positions_while_a_snapshot_is_replaced(
    live: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_snapshot, old_snapshot = live.extra["theirs"], live.extra["mine"]
    path = holdings_file(tmp_path, "nieuw.csv", ROWS, value="200")

    # Given an import of this fund's holdings for the same date, held just before its swap
    def replace() -> None:
        import_holdings(
            by=live.users["fund_editor"],
            fund=live.fund,
            as_of=AS_OF,
            path=path,
            filename="nieuw.csv",
        )

    with PausedImport(monkeypatch, replace) as writer:
        # When another fund reads its positions, unwilling to wait more than a second
        # Then it reads them: the import has built and indexed its partition without
        # taking any lock on the positions table
        assert read_other_fund(other_snapshot) == ROWS
        assert locks_on_positions(writer.pid) == []
        # and this fund still sees its old holdings until the commit
        assert read_other_fund(old_snapshot) == ROWS
        # while readers keep reading during the swap itself
        failures: list[BaseException] = []
        done = threading.Event()

        def keep_reading() -> None:
            try:
                while not done.is_set():
                    read_other_fund(other_snapshot)
            except BaseException as error:
                failures.append(error)
            finally:
                connections.close_all()

        reader = threading.Thread(target=keep_reading)
        reader.start()
    done.set()
    reader.join(timeout=30)
    assert writer.error is None and failures == []
    # and the exclusive lock of the swap lasted only until the commit that followed at once
    assert 0 < writer.committed - writer.swap_started < 1.0
    # Then the fund's snapshot is the new one, the old one and its partition are gone
    new = Snapshot.objects.get(fund=live.fund, as_of=AS_OF)
    assert new.pk != old_snapshot and not Snapshot.objects.filter(pk=old_snapshot).exists()
    assert Position.objects.filter(snapshot=new).count() == ROWS
    assert not Position.objects.filter(snapshot_id=old_snapshot).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [positions_write.partition_name(old_snapshot)])
        assert cursor.fetchone()[0] is None
    assert read_other_fund(other_snapshot) == ROWS


def test_the_swap_waits_for_a_long_reader_without_holding_up_the_others(
    live: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a long read of the positions table in another transaction
    other_snapshot = live.extra["theirs"]
    monkeypatch.setattr(positions_write, "SWAP_ATTEMPTS", 3)
    path = holdings_file(tmp_path, "nieuw.csv", ROWS, value="200")
    before = Snapshot.objects.get(fund=live.fund, as_of=AS_OF).pk
    with transaction.atomic():
        read_other_fund(other_snapshot)  # holds its ACCESS SHARE lock until this block ends

        # When this fund's snapshot is replaced meanwhile
        result: list[BaseException | None] = []

        def replace() -> None:
            try:
                import_holdings(
                    by=live.users["fund_editor"],
                    fund=live.fund,
                    as_of=AS_OF,
                    path=path,
                    filename="nieuw.csv",
                )
                result.append(None)
            except BaseException as error:
                result.append(error)
            finally:
                connections.close_all()

        writer = threading.Thread(target=replace)
        writer.start()
        # Then the swap never queues for long in front of other readers (each in its own
        # transaction, as the other fund's pages read)
        failures: list[BaseException] = []
        reads = 0

        def keep_reading() -> None:
            nonlocal reads
            try:
                while writer.is_alive():
                    read_other_fund(other_snapshot, timeout="1s")
                    reads += 1
            except BaseException as error:
                failures.append(error)
            finally:
                connections.close_all()

        reader = threading.Thread(target=keep_reading)
        reader.start()
        writer.join(timeout=120)
        reader.join(timeout=30)
    assert failures == [] and reads > 0
    # and it gives up with a clear message, changing nothing
    assert len(result) == 1 and isinstance(result[0], ActionError)
    assert result[0].code == "busy"
    assert Snapshot.objects.get(fund=live.fund, as_of=AS_OF).pk == before
    assert Position.objects.filter(snapshot_id=before).count() == ROWS


def test_two_funds_importing_at_once_both_succeed_one_write_after_the_other(
    live: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given this fund's import held just before its swap
    mine = holdings_file(tmp_path, "mijn.csv", ROWS, value="200")
    theirs = holdings_file(tmp_path, "hun.csv", ROWS, value="300")

    def replace_mine() -> None:
        import_holdings(
            by=live.users["fund_editor"],
            fund=live.fund,
            as_of=AS_OF,
            path=mine,
            filename="mijn.csv",
        )

    outcome: list[BaseException | None] = []

    def import_theirs() -> None:
        try:
            import_holdings(
                by=live.users["other_fund"],
                fund=live.other_fund,
                as_of=datetime.date(2025, 1, 31),
                path=theirs,
                filename="hun.csv",
            )
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)
        finally:
            connections.close_all()

    with PausedImport(monkeypatch, replace_mine) as writer:
        # When the other fund imports meanwhile
        other = threading.Thread(target=import_theirs)
        other.start()
        other.join(timeout=1.5)
        # Then its write waits for this one (instead of deadlocking at the swap)
        assert other.is_alive() and outcome == []
    other.join(timeout=60)
    # and both imports are kept
    assert writer.error is None and outcome == [None]
    assert Snapshot.objects.filter(fund=live.other_fund).count() == 2
    assert Position.objects.filter(snapshot__fund=live.fund).count() == ROWS
