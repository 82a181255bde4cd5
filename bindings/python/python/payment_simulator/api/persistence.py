"""Durable storage of simulations: SQLite (the standard library's ``sqlite3``) in WAL mode.

For each simulation the database holds its configuration (the machine-format JSON the engine
was created from), at most one snapshot (``Orchestrator.snapshot()``, zlib-compressed) with
the sequence number of the last operation it includes, the log of operations since that
snapshot, and its recorded events (in blocks: a row per run of consecutive events, their JSON
array as the engine rendered it, zlib-compressed, so storing them costs no Python work per
event and about 15 bytes of disk each). An
operation is what changed the simulation: ``run`` (n ticks) or ``submit`` (a transaction, as
JSON). The engine is deterministic, so the snapshot (or, before the first one,
the configuration) plus the log rebuilds the simulation exactly; each logged operation also
records the tick it left the simulation at and the transaction id it returned, and replay
checks both.

Events leave the engine as they are produced (the service discards them from it once stored),
so snapshots hold none: ``events_through`` is the last event sequence number the engine had
reached when the snapshot was taken. Event rows past what the committed operations produce (a
request that failed after part of its events were written) are pruned when the simulation is
next loaded (:meth:`Store.prune_events`).

Schema versions: 1 (the first release) had no ``event_blocks`` and no ``events_through``; it is
upgraded in place on open (its snapshots still hold their events, which move to the table when
the simulation is first loaded).

One process owns a data directory at a time (an exclusive ``flock`` on ``server.lock``, which
the kernel releases however the process ends).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_FILE = "simulations.sqlite3"
LOCK_FILE = "server.lock"
SCHEMA_VERSION = 2
_I64_MAX = 2**63 - 1

log = logging.getLogger("payment_simulator.api")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS simulations (
    id             TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    config         TEXT NOT NULL,
    snapshot       BLOB,
    snapshot_seq   INTEGER NOT NULL DEFAULT 0,
    events_through INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ops (
    sim_id     TEXT NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('run', 'submit')),
    arg        TEXT NOT NULL,
    tick_after INTEGER NOT NULL,
    tx_id      TEXT,
    PRIMARY KEY (sim_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_blocks (
    sim_id    TEXT NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    body      BLOB NOT NULL,
    PRIMARY KEY (sim_id, first_seq)
) WITHOUT ROWID;
"""
#: From version 1: the column snapshots need now that events live in their own table.
_UPGRADE_FROM_1 = "ALTER TABLE simulations ADD COLUMN events_through INTEGER NOT NULL DEFAULT 0"


class DataDirInUseError(RuntimeError):
    """Another process already serves this data directory."""


class StorageError(RuntimeError):
    """The database refused a read or write (disk full, I/O error, corrupt file, …)."""


#: Consecutive events: ``(first_seq, last_seq, JSON array of them)``.
EventBlock = tuple[int, int, str]


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


@dataclass(frozen=True)
class Op:
    """One logged operation."""

    seq: int
    kind: str  # "run" or "submit"
    arg: str  # the tick count, or the transaction as JSON
    tick_after: int  # current_tick() once it was done
    tx_id: str | None = None  # what a submit returned


@dataclass(frozen=True)
class StoredSimulation:
    """Everything needed to rebuild one simulation."""

    sim_id: str
    engine_version: str
    config: str
    snapshot: str | None
    snapshot_seq: int
    ops: list[Op]
    events_through: int = 0  # the last event seq the snapshot's engine had reached
    stored_events_through: int = 0  # the last event seq in the event_blocks table


class Store:
    """The database of one data directory. Thread-safe: one connection behind a mutex (SQLite
    has one writer at a time anyway, and each write here is a single small transaction)."""

    def __init__(self, data_dir: Path, *, sync: str = "normal"):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock_file = open(self.data_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise DataDirInUseError(
                f"data directory {str(self.data_dir)!r} is in use by another payment-sim-api process"
            ) from None
        self._lock_file.seek(0)
        self._lock_file.truncate()
        self._lock_file.write(f"{os.getpid()}\n")
        self._lock_file.flush()
        self._mutex = threading.Lock()
        try:
            self._db = sqlite3.connect(
                self.data_dir / DB_FILE, isolation_level=None, check_same_thread=False, timeout=30
            )
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"SQLite refused WAL mode (journal_mode is {mode!r})")
            self._db.execute(f"PRAGMA synchronous={'FULL' if sync == 'full' else 'NORMAL'}")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA secure_delete=ON")  # a deleted simulation's pages are zeroed
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"{DB_FILE} has schema version {version}; this payment-sim-api reads up to {SCHEMA_VERSION}"
                )
            with self._transaction() as db:
                if version == 1:
                    db.execute(_UPGRADE_FROM_1)
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as e:
            self._abandon_open()
            raise StorageError(f"cannot open {self.data_dir / DB_FILE}: {e}") from e
        except BaseException:
            self._abandon_open()
            raise

    def _abandon_open(self) -> None:
        """Undo a failed start-up: close the connection if it was made, then free the directory."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        self._release_lock()

    # -- plumbing --

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (the caller holds the mutex)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._mutex:
            try:
                yield
            except sqlite3.Error as e:
                raise StorageError(str(e)) from e

    def _release_lock(self) -> None:
        if not self._lock_file.closed:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()

    # -- reads --

    def list_ids(self) -> list[str]:
        """Every stored simulation, oldest first."""
        with self._locked():
            return [row[0] for row in self._db.execute("SELECT id FROM simulations ORDER BY rowid")]

    def load(self, sim_id: str) -> StoredSimulation | None:
        with self._locked():
            row = self._db.execute(
                "SELECT engine_version, config, snapshot, snapshot_seq, events_through FROM simulations WHERE id = ?",
                (sim_id,),
            ).fetchone()
            if row is None:
                return None
            ops = [
                Op(*op)
                for op in self._db.execute(
                    "SELECT seq, kind, arg, tick_after, tx_id FROM ops WHERE sim_id = ? ORDER BY seq", (sim_id,)
                )
            ]
            stored_events = self._last_event(sim_id)
        engine_version, config, snapshot, snapshot_seq, events_through = row
        return StoredSimulation(
            sim_id,
            engine_version,
            config,
            zlib.decompress(snapshot).decode("utf-8") if snapshot is not None else None,
            snapshot_seq,
            ops,
            events_through,
            stored_events,
        )

    def _last_event(self, sim_id: str) -> int:
        row = self._db.execute("SELECT MAX(last_seq) FROM event_blocks WHERE sim_id = ?", (sim_id,)).fetchone()
        return row[0] or 0

    def events(self, sim_id: str, since: int, limit: int) -> list[dict[str, Any]]:
        """At most ``limit`` events with ``seq > since``, in order. Stored sequence numbers are
        contiguous, so these are the events numbered since + 1 … since + limit: only the
        blocks holding them are read and parsed."""
        since = min(since, _I64_MAX)
        last = min(since + limit, _I64_MAX)
        with self._locked():
            bodies = [
                row[0]
                for row in self._db.execute(
                    "SELECT body FROM event_blocks WHERE sim_id = ? AND last_seq > ? AND first_seq <= ? "
                    "ORDER BY first_seq",
                    (sim_id, since, last),
                )
            ]
        return [e for body in bodies for e in json.loads(_unpack(body)) if since < e["seq"] <= last]

    # -- writes: each is one committed transaction --

    def create(self, sim_id: str, config: str, engine_version: str) -> None:
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self._locked(), self._transaction() as db:
            db.execute(
                "INSERT INTO simulations (id, created_at, engine_version, config) VALUES (?, ?, ?, ?)",
                (sim_id, created, engine_version, config),
            )

    def append(
        self,
        sim_id: str,
        op: Op,
        snapshot: str | None = None,
        *,
        events: Sequence[EventBlock] = (),
        events_through: int = 0,
    ) -> None:
        """Log ``op`` with the last ``events`` it produced (event blocks); or, with
        ``snapshot`` (the state right after ``op``, whose engine had reached event
        ``events_through``), store the snapshot instead and drop the log it replaces."""
        blob = zlib.compress(snapshot.encode("utf-8"), 1) if snapshot is not None else None
        with self._locked(), self._transaction() as db:
            self._insert_events(db, sim_id, events)
            if blob is None:
                db.execute(
                    "INSERT INTO ops (sim_id, seq, kind, arg, tick_after, tx_id) VALUES (?, ?, ?, ?, ?, ?)",
                    (sim_id, op.seq, op.kind, op.arg, op.tick_after, op.tx_id),
                )
            else:
                db.execute(
                    "UPDATE simulations SET snapshot = ?, snapshot_seq = ?, events_through = ? WHERE id = ?",
                    (blob, op.seq, events_through, sim_id),
                )
                db.execute("DELETE FROM ops WHERE sim_id = ? AND seq <= ?", (sim_id, op.seq))

    @staticmethod
    def _insert_events(db: sqlite3.Connection, sim_id: str, blocks: Sequence[EventBlock]) -> None:
        # OR IGNORE: a block already there holds the same events (the engine is deterministic).
        sql = "INSERT OR IGNORE INTO event_blocks (sim_id, first_seq, last_seq, body) VALUES (?, ?, ?, ?)"
        if len(blocks) == 1:  # the usual case: one request's events
            first, last, body = blocks[0]
            db.execute(sql, (sim_id, first, last, _pack(body)))
        elif blocks:
            db.executemany(sql, ((sim_id, first, last, _pack(body)) for first, last, body in blocks))

    def add_events(self, sim_id: str, blocks: Sequence[EventBlock]) -> None:
        """Store event blocks ahead of the operation producing them (a long run's earlier
        slices); blocks the operation never commits are pruned on the next load."""
        if blocks:
            with self._locked(), self._transaction() as db:
                self._insert_events(db, sim_id, blocks)

    def prune_events(self, sim_id: str, after: int) -> int:
        """Delete the events with ``seq > after`` (written by an operation that was never
        committed); how many blocks held them."""
        with self._locked(), self._transaction() as db:
            straddling = db.execute(
                "SELECT first_seq, body FROM event_blocks WHERE sim_id = ? AND first_seq <= ? AND last_seq > ?",
                (sim_id, after, after),
            ).fetchall()
            for first, body in straddling:  # keep its events up to `after`
                kept = [e for e in json.loads(_unpack(body)) if e["seq"] <= after]
                text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
                db.execute(
                    "UPDATE event_blocks SET last_seq = ?, body = ? WHERE sim_id = ? AND first_seq = ?",
                    (after, _pack(text), sim_id, first),
                )
            deleted = db.execute("DELETE FROM event_blocks WHERE sim_id = ? AND first_seq > ?", (sim_id, after))
            return deleted.rowcount + len(straddling)

    def delete(self, sim_id: str) -> bool:
        """Remove a simulation and its log; the freed pages are zeroed and the WAL is folded in
        and truncated, so nothing of it stays on disk."""
        with self._locked():
            with self._transaction() as db:
                db.execute("DELETE FROM event_blocks WHERE sim_id = ?", (sim_id,))
                db.execute("DELETE FROM ops WHERE sim_id = ?", (sim_id,))
                deleted = db.execute("DELETE FROM simulations WHERE id = ?", (sim_id,)).rowcount > 0
            try:  # the deletion is committed whatever happens here
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as e:
                log.warning("WAL checkpoint after deleting %s failed: %s", sim_id, e)
        return deleted

    def close(self) -> None:
        with self._mutex:
            try:
                self._db.close()
            finally:
                self._release_lock()


__all__ = ["Store", "Op", "EventBlock", "StoredSimulation", "StorageError", "DataDirInUseError", "DB_FILE", "LOCK_FILE"]
