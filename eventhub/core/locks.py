"""One writer at a time per process on SQLite.

SQLite lets one connection write at a time; the others poll with growing sleeps (up to
100 ms), which collapses throughput under a burst. Writers of this domain therefore queue
on a process-wide lock; between processes SQLite's own lock still decides. On PostgreSQL
this is a no-op: row locks (`lock_for_update`) do the work there.

Order matters: take the pool connection first, then the lock. The lock's holder then
never waits for a connection held by a thread that waits for the lock. (The SQLite pool
also grows past its size under a burst, see eventhub/db.py, so no one waits for a
connection there; the order stays the safe one.)"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

_sqlite_writer = threading.Lock()


@contextmanager
def serialised_writes(db: Session) -> Iterator[None]:
    """Hold around a writing transaction: from its first statement to its commit."""
    if db.get_bind().dialect.name != "sqlite":
        yield
        return
    db.connection()  # check out (and BEGIN) now; the first statement under the lock writes
    with _sqlite_writer:
        yield


@contextmanager
def write_transaction(db: Session) -> Iterator[None]:
    """A route's writing unit of work: ends the read transaction that loaded its objects (so
    on SQLite the event's lock is the first statement of the writing one), runs serialised,
    commits, or rolls back on an error."""
    db.commit()
    with serialised_writes(db):
        try:
            yield
            db.commit()
        except BaseException:
            db.rollback()
            raise
