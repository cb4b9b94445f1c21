"""Connecting to the store and bringing its schema up to date (Alembic migrations).

Embedded default: a SQLite file in write-ahead-log mode with ``synchronous=NORMAL`` (a commit
survives the process being killed; a power loss can undo the last commits, which only the
production store, PostgreSQL with synchronous commits, guarantees against); production:
PostgreSQL through ``DATABASE_URL`` (psycopg 3: ``postgresql+psycopg://…``). Statement
parameters (personal data) are never logged nor put in error messages, and result rows are
never logged. SQLite transactions begin ``IMMEDIATE``, so two writers queue instead of one
failing after both read the audit chain's end; a connection with the ``READ_ONLY`` execution
option begins a plain one (a snapshot that only reads).

SQLite's own wait for the write lock polls with sleeps of up to 100 ms, so under a service's
load a writer slept long after the lock was free (recorded events over HTTP on two workers ran
slower than one at a time, p99 above a second). Writers (threads and processes alike) now
queue on an OS lock on a file beside the database (``<file>.lock``), taken before ``BEGIN
IMMEDIATE`` and given back when the transaction ends (:class:`_Connection`); SQLite's lock
stays what guarantees one writer, the file lock only makes the wait short. A killed process's
lock is released by the kernel.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import time
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Executable, create_engine, event, text

__all__ = [
    "DEFAULT_URL",
    "LOCAL_POSTGRES",
    "PING_IDLE_S",
    "READ_ONLY",
    "connect",
    "database_url",
    "downgrade",
    "fetch",
    "temporary_database",
    "upgrade",
]

DEFAULT_URL = "sqlite:///lifeevents.sqlite3"
#: how long a SQLite writer waits for another's transaction (SQLite's busy timeout too)
_WAIT_S = 30.0
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
"""The PostgreSQL of these machines (trust auth; the database ``test`` exists)."""
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    """``DATABASE_URL`` when set (``postgresql://`` means psycopg 3), else the SQLite file."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class _NoRows(logging.Filter):
    """Drops SQLAlchemy's DEBUG records of result rows and columns (personal data); its
    statements are logged with their parameters hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(("Row ", "Col ")))


_NO_ROWS = _NoRows()


def connect(url: str | None = None) -> Engine:
    """An engine on ``url`` (default :func:`database_url`)."""
    sql_log = logging.getLogger("sqlalchemy.engine.Engine")
    if _NO_ROWS not in sql_log.filters:
        sql_log.addFilter(_NO_ROWS)
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": _WAIT_S, "factory": _Connection}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


#: a pooled connection given back less than this long ago is not pinged at checkout (seconds)
PING_IDLE_S = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """The pool's ping at checkout only for a connection that sat unused in the pool for
    :data:`PING_IDLE_S` or more.

    The ping (a round trip, 0.12 ms of a recorded event's 1.8 ms on PostgreSQL here) is what
    finds a connection the server dropped while it waited, so that no request gets its error.
    A connection back from a transaction a moment ago is as alive as the ping would find it;
    one that failed anyway (the server restarted within that second) fails its request, and
    SQLAlchemy, seeing the disconnection, replaces every connection of the pool opened
    before it, as a failed ping would."""
    returned: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
    dialect = engine.dialect

    def do_ping(dbapi_connection: Any) -> bool:
        last = returned.get(dbapi_connection)
        if last is not None and time.monotonic() - last < PING_IDLE_S:
            return True
        return type(dialect).do_ping(dialect, dbapi_connection)  # the dialect's own

    def checked_in(dbapi_connection: Any, _: Any) -> None:
        if dbapi_connection is not None:
            returned[dbapi_connection] = time.monotonic()

    setattr(engine.dialect, "do_ping", do_ping)  # noqa: B010 (this engine's dialect only)
    event.listen(engine, "checkin", checked_in)


def fetch(
    connection: Connection, statement: Executable, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """A statement's rows as tuples, in the caller's transaction.

    On PostgreSQL it goes to the driver as it is (compiled once per statement): SQLAlchemy's
    result objects were a sixth of a recorded event's store time, for rows read once as
    tuples. As a transaction's first statement it travels with the transaction's ``BEGIN``
    in one round trip (psycopg's pipeline mode; psycopg sends ``BEGIN`` on its own otherwise).
    A driver error is raised as SQLAlchemy's (``sqlalchemy.exc.DBAPIError`` and its kinds),
    parameters hidden, as elsewhere."""
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or driver is None:
        return [tuple(row) for row in connection.execute(statement, params)]
    import psycopg
    from sqlalchemy.exc import DBAPIError

    key = (id(statement), connection.dialect.name)
    found = _COMPILED.get(key)
    if found is None or found[0] is not statement:
        compiled = statement.compile(dialect=connection.dialect)  # type: ignore[attr-defined]
        found = _COMPILED[key] = (statement, str(compiled))
    try:
        with driver.cursor() as cursor:
            if driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                with driver.pipeline():  # leaving it sends both with a sync, takes the results
                    cursor.execute(found[1], params)
            else:
                cursor.execute(found[1], params)
            return [tuple(row) for row in cursor.fetchall()]
    except psycopg.Error as exc:
        raise DBAPIError.instance(
            found[1], None, exc, psycopg.Error, hide_parameters=True, dialect=connection.dialect
        ) from None


#: statements compiled for the driver (kept with the statement: its id is never another's)
_COMPILED: dict[tuple[int, str], tuple[Executable, str]] = {}


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    connection.isolation_level = None  # the driver's own BEGIN is replaced by _sqlite_begin
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across a process crash
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: execution option of a connection that only reads: on SQLite it begins a plain (deferred)
#: transaction, a snapshot that neither waits for nor blocks the writer
READ_ONLY = "lifeevents_read_only"


def _sqlite_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY)
    if read_only:
        connection.exec_driver_sql("BEGIN")
        return
    dbapi: _Connection = connection.connection.dbapi_connection  # connect's factory
    dbapi.queue()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        dbapi.leave()
        raise


class _Connection(sqlite3.Connection):
    """A SQLite connection whose writing transactions queue on an OS lock on a file beside the
    database: :meth:`queue` before ``BEGIN IMMEDIATE``, given back by ``commit``,
    ``rollback`` or ``close`` (see the module's text). A database in memory or named by a
    ``file:`` URI gets no lock file: its writers queue on SQLite's lock alone."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        name = os.fsdecode(database) if isinstance(database, (str, bytes, os.PathLike)) else ""
        in_memory = name in ("", ":memory:") or name.startswith("file:")
        # absolute: SQLite opened the file against this working directory
        self._lock_path = None if in_memory else os.path.abspath(name) + ".lock"
        self._lock_fd: int | None = None
        self._held = False

    def queue(self) -> None:
        """Wait for the write lock (at most the busy timeout: then SQLite's own error)."""
        if self._lock_path is None or self._held:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline, pause = time.monotonic() + _WAIT_S, 0.0001
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, 0.001)  # a millisecond at most: the wait stays short
        self._held = True

    def leave(self) -> None:
        """Give the write lock back (nothing when not held)."""
        if self._held and self._lock_fd is not None:
            self._held = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None


def _migrate(engine: Engine, step: Any, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (``lifeevents db upgrade``)."""
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo the migrations after ``revision`` (tests; a release never needs it)."""
    _migrate(engine, command.downgrade, revision)


@contextmanager
def temporary_database(
    admin_url: str = LOCAL_POSTGRES, prefix: str = "lifeevents"
) -> Iterator[str]:
    """A new PostgreSQL database on the server of ``admin_url`` (its URL), dropped afterwards
    (tests and benchmarks).

    Raises:
        sqlalchemy.exc.OperationalError: the server cannot be reached.
    """
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
