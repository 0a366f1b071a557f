"""Hooks other apps subscribe to (DESIGN §4): portfolios knows nothing of them. A listener
is called inside the action's transaction and only queues its work as a job
(``core.jobs.enqueue_job``): the job commits with the change, or not at all, and runs after."""

from __future__ import annotations

from collections.abc import Callable

SnapshotListener = Callable[[int], None]
_snapshot_imported: list[SnapshotListener] = []


def on_snapshot_imported(listener: SnapshotListener) -> None:
    if listener not in _snapshot_imported:
        _snapshot_imported.append(listener)


def snapshot_imported(snapshot_id: int) -> None:
    for listener in _snapshot_imported:
        listener(snapshot_id)


# Pages about a snapshot that higher apps offer (label, URL name taking the snapshot id);
# the snapshot page links to them without knowing the apps.
snapshot_pages: list[tuple[object, str]] = []


def offer_snapshot_page(label: object, url_name: str) -> None:
    if (label, url_name) not in snapshot_pages:
        snapshot_pages.append((label, url_name))


# Issuers whose data or whose positions changed (a confirmed or rejected match, a merge):
# higher apps recompute what they derive from them, only for these issuers.
IssuersListener = Callable[[set[int]], None]
_issuers_changed: list[IssuersListener] = []


def on_issuers_changed(listener: IssuersListener) -> None:
    if listener not in _issuers_changed:
        _issuers_changed.append(listener)


def issuers_changed(issuer_ids: set[int]) -> None:
    for listener in _issuers_changed:
        listener(set(issuer_ids))
