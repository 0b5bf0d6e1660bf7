"""The asyncio SQLite driver of the zero-setup default (``sqlite+qz_sqlite://``): reads in the loop, waits in a thread.

aiosqlite hands every driver call (cursor, execute, fetch, close, BEGIN, ROLLBACK) to the connection's thread and
back through the event loop: about a dozen thread round trips for a one-row read, which profiled at half of a read's
cost. This adapter sorts statements by whether SQLite can make them wait:

* In WAL mode (set on every connection, see ``qz_common.db``) a reader never waits for a writer: ``SELECT``, a
  deferred ``BEGIN`` and ``ROLLBACK`` take no lock another connection can hold. They run right here, in the event
  loop, as the microsecond-scale C calls they are, with no thread round trip at all.
* Everything else can wait for the database's one write lock (``BEGIN IMMEDIATE``, ``INSERT``/``UPDATE``/``DELETE``,
  ``COMMIT``, the connection's PRAGMAs): ``busy_timeout`` sleeps inside SQLite until the lock frees, which must not
  stall the event loop (the lock holder may be a coroutine of this very process). Those run on the connection's own
  thread, started the first time the connection writes.

One connection's calls never overlap: SQLAlchemy uses a connection from one coroutine at a time and waits for each
call, and should a coroutine be cancelled while its statement still runs in the thread, the next call on that
connection queues behind it in the same thread instead of running beside it.

The rest is SQLAlchemy's own pysqlite dialect (type handling, isolation levels, the SQLite SQL compiler): only the
DBAPI connection underneath changes. SQLite's rare exclusive moments (recovery after a crash, the last connection
closing) can still make a read wait up to ``busy_timeout`` in the event loop; they do not happen while a service runs.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import ModuleType
from typing import Any, TypeVar, cast

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, AdaptedConnection
from sqlalchemy.util.concurrency import await_

Result = TypeVar("Result")

DIALECT_NAME = "sqlite.qz_sqlite"
# Statements that never wait for another connection's lock in WAL mode (compared upper-cased, leading blanks removed).
_LOCK_FREE_PREFIXES = ("SELECT", "ROLLBACK")
_DEFERRED_BEGIN = "BEGIN"


def never_waits(statement: str) -> bool:
    """Whether ``statement`` runs without waiting for a lock in WAL mode (so it may run in the event loop)."""
    head = statement.lstrip()[:16].upper()
    return head.startswith(_LOCK_FREE_PREFIXES) or head.rstrip(" ;") == _DEFERRED_BEGIN


async def _right_away(call: Callable[[], Result]) -> Result:
    return call()


class AsyncSQLiteConnection(AdaptedConnection):
    """A stdlib ``sqlite3`` connection behind the DBAPI face SQLAlchemy's async engine drives."""

    __slots__ = ("_executor", "_in_flight", "sqlite")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.sqlite = connection
        self._connection = cast(Any, connection)  # what SQLAlchemy hands out as the driver connection
        self._executor: ThreadPoolExecutor | None = None
        self._in_flight: Future[Any] | None = None

    def run(self, call: Callable[[], Result], *, may_wait: bool) -> Result:
        if not may_wait and (self._in_flight is None or self._in_flight.done()):
            # Through a coroutine that never suspends: no event-loop turn, but SQLAlchemy's AsyncConnection checks that
            # every statement went through ``await_`` (a driver that never awaits would be a sync driver by mistake).
            return await_(_right_away(call))
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qz-sqlite")
        self._in_flight = self._executor.submit(call)
        return await_(asyncio.wrap_future(self._in_flight))  # type: ignore[no-any-return]

    def cursor(self) -> AsyncSQLiteCursor:
        return AsyncSQLiteCursor(self)

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> AsyncSQLiteCursor:
        cursor = self.cursor()
        cursor.execute(operation, parameters)
        return cursor

    def commit(self) -> None:
        self.run(self.sqlite.commit, may_wait=True)

    def rollback(self) -> None:
        self.run(self.sqlite.rollback, may_wait=False)

    def close(self) -> None:
        self.run(self.sqlite.close, may_wait=False)
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.sqlite.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        level: str | None = self.sqlite.isolation_level
        return level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self.sqlite.isolation_level = value  # type: ignore[assignment]  # "" (legacy mode) is valid too


class AsyncSQLiteCursor:
    """Executes and fetches in one call (one thread round trip for a statement that may wait, none otherwise)."""

    __slots__ = ("_adapted", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, adapted: AsyncSQLiteConnection) -> None:
        self._adapted = adapted
        self._rows: deque[Any] = deque()
        self.arraysize = 1
        self.description: Any = None
        self.lastrowid: int | None = None
        self.rowcount = -1

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> None:
        self._adapted.run(lambda: self._run(operation, parameters or ()), may_wait=not never_waits(operation))

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> None:
        self._adapted.run(lambda: self._run(operation, seq_of_parameters, many=True), may_wait=True)

    def _run(self, operation: str, parameters: Any, *, many: bool = False) -> None:
        cursor = self._adapted.sqlite.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            else:
                cursor.execute(operation, parameters)
            self.description = cursor.description
            self._rows = deque(cursor.fetchall()) if cursor.description else deque()
            self.lastrowid = cursor.lastrowid
            self.rowcount = cursor.rowcount
        finally:
            cursor.close()

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's async results before buffering: the rows are already here, nothing to close."""


class AsyncSQLiteDBAPI:
    """The DBAPI module face: sqlite3's exceptions and constants, and a ``connect`` that opens in a thread."""

    paramstyle = "qmark"

    def __init__(self) -> None:
        self.sqlite = sqlite3
        for name in (
            "DatabaseError",
            "DataError",
            "Error",
            "IntegrityError",
            "InterfaceError",
            "InternalError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "Warning",
            "Binary",
            "PARSE_COLNAMES",
            "PARSE_DECLTYPES",
            "sqlite_version",
            "sqlite_version_info",
        ):
            setattr(self, name, getattr(sqlite3, name))

    def connect(self, *args: Any, **kwargs: Any) -> AsyncSQLiteConnection:
        # Opening may wait (WAL recovery); SQLAlchemy then runs the connect-time PRAGMAs, which go to the thread too.
        kwargs["check_same_thread"] = False
        loop = asyncio.get_running_loop()
        connection = await_(loop.run_in_executor(None, lambda: sqlite3.connect(*args, **kwargs)))
        return AsyncSQLiteConnection(connection)


class AsyncSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "qz_sqlite"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = False

    @classmethod
    def import_dbapi(cls) -> ModuleType:
        return AsyncSQLiteDBAPI()  # type: ignore[return-value]

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def get_driver_connection(self, connection: Any) -> Any:
        return connection.sqlite


registry.register(DIALECT_NAME, __name__, "AsyncSQLiteDialect")
