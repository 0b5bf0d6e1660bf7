"""One async SQLAlchemy engine per service, and its sessions.

Each command runs in one transaction: routers open it with
``async with session.begin():`` so the commit happens before the response is
built, and an error anywhere rolls everything back (no half-written records).

Commands check, then write (a quota's remainder, a queue position, "not signed yet"). PostgreSQL
serialises them with the row locks they take (SELECT … FOR UPDATE); SQLite has no row locks and
ignores FOR UPDATE, so there a command's transaction starts with ``BEGIN IMMEDIATE``: it takes the
database's one write lock before its first read, and the next command waits for the commit
(``busy_timeout``) instead of checking stale figures. Reads (transactions the session begins by
itself) keep a plain deferred ``BEGIN`` and, in WAL mode, never wait for a writer.
"""

import datetime as dt
import sqlite3
from typing import Any, Protocol, TypeVar

from sqlalchemy import JSON, BigInteger, Connection, DateTime, Dialect, Engine, Integer, TypeDecorator, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransactionOrigin

from qz_common import sqlite_driver
from qz_common.errors import DatabaseUnavailable, ProblemError
from qz_common.identity import Caller
from qz_common.pool import FirstComeFirstServedPool

Record = TypeVar("Record")


def async_url(url: str) -> str:
    """Map plain ``postgresql://`` / ``sqlite://`` URLs to their async drivers."""
    parsed = make_url(url)
    driver = {"postgresql": "postgresql+asyncpg", "sqlite": f"sqlite+{sqlite_driver.AsyncSQLiteDialect.driver}"}.get(
        parsed.drivername
    )
    return parsed.set(drivername=driver).render_as_string(hide_password=False) if driver else url


# Execution option of the engine that command transactions use on SQLite.
_WRITE_LOCK_FIRST = "qz_sqlite_begin_immediate"


# How long the driver waits for the database, unless the URL says otherwise (``?timeout=2``); beyond it the request
# answers 503. On SQLite, for the write lock another command holds (sqlite3's busy timeout); on PostgreSQL, to open a
# connection: asyncpg's own 60 s would hold a request long after the gateway's 10 s when a server accepts and never
# answers (a hung or fenced node).
_DRIVER_TIMEOUT_S = {"sqlite": 15.0, "postgresql": 5.0}


def _without_timeout(url: str) -> tuple[str, dict[str, float]]:
    """The URL without its ``timeout``, and the driver's timeout as a connect argument. SQLAlchemy passes the URL's
    query to asyncpg as text, which asyncpg cannot add to a float."""
    parsed = make_url(url)
    timeout = parsed.query.get("timeout", _DRIVER_TIMEOUT_S.get(parsed.get_backend_name()))
    stripped = parsed.difference_update_query(["timeout"]).render_as_string(hide_password=False)
    return stripped, {} if timeout is None else {"timeout": float(str(timeout))}


# Errors that say the database cannot serve now, not that the statement is wrong. PostgreSQL SQLSTATE classes: 08
# connection exception, 53 insufficient resources (disk full, out of memory, too many connections), 58 system error
# (I/O); and codes: 57P01-57P03 shutting down, crashed, starting up; 25006 a read-only standby (a fail-over under
# way). SQLite primary result codes: busy beyond the busy timeout, locked, read-only, I/O error, disk full, unopenable.
_PG_UNAVAILABLE_CLASSES = ("08", "53", "58")
_PG_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "25006"})
_SQLITE_UNAVAILABLE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    }
)


def _unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable a driver's error stands for, or None when it says something else (a bad value, a
    constraint, a bug)."""
    state = getattr(error, "sqlstate", None)  # asyncpg's, through SQLAlchemy's adapter
    code = getattr(error, "sqlite_errorcode", None)
    if (isinstance(state, str) and (state.startswith(_PG_UNAVAILABLE_CLASSES) or state in _PG_UNAVAILABLE_STATES)) or (
        isinstance(code, int) and code & 0xFF in _SQLITE_UNAVAILABLE_CODES
    ):
        return DatabaseUnavailable(f"{type(error).__name__}: {error}")
    return None


def _connect_or_unavailable(dialect: Dialect, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
    """Opens each connection itself (SQLAlchemy's ``do_connect`` hook), so that every way of failing to open one is
    one DatabaseUnavailable: refused, unknown host, timed out (raw OSErrors from asyncpg, which SQLAlchemy passes
    through unwrapped), the database renamed, dropped, not accepting connections, full of connections, the password
    refused, the SQLite file unopenable."""
    try:
        return dialect.connect(*cargs, **cparams)
    except (OSError, dialect.loaded_dbapi.Error) as error:
        raise DatabaseUnavailable(f"cannot connect: {type(error).__name__}: {error}") from error


def _unavailable_instead(context: ExceptionContext) -> DatabaseUnavailable | None:
    """``handle_error`` hook: a statement that failed because the database went away (its connection closed under
    it, the server shutting down, SQLite locked beyond the busy timeout) raises DatabaseUnavailable instead. A
    statement interrupted by its own request (cancelled, or a deadline of the caller's: SQLAlchemy counts both as a
    disconnect, to discard the connection) is left alone: the database did not fail."""
    error = context.original_exception
    if not isinstance(error, Exception) or isinstance(error, TimeoutError):
        return None
    if context.is_disconnect:
        return DatabaseUnavailable(f"connection lost: {type(error).__name__}: {error}")
    return _unavailable(error)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's recipe for real transactions on sqlite3 ("Enabling Non-Legacy SQLite
    # Transactional Modes"): the driver's legacy mode would BEGIN only at the first INSERT/UPDATE/DELETE,
    # so a command's checks would read outside its transaction, and SAVEPOINTs would escape it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE_LOCK_FIRST, False)
    # Straight to the driver, not through ``exec_driver_sql``: SQLAlchemy's statement execution (context, events,
    # a result) cost 4% of a one-row read for a statement with no parameters and no rows. Its errors are the
    # driver's own, outside SQLAlchemy's ``handle_error``: a write lock still held by another command when the busy
    # timeout ends is translated here.
    try:
        connection.connection.cursor().execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except sqlite3.Error as error:
        raise (_unavailable(error) or error) from error


def _replace_if_the_server_closed_it(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Checkout check on PostgreSQL: a connection the server has closed (a restart, a terminated backend, an idle
    timeout) is replaced before a request gets it, so a database restart fails no request.

    asyncpg knows a connection is closed as soon as the event loop has read the server's goodbye. SQLAlchemy's
    ``pool_pre_ping`` asked the server instead, a round trip on every checkout: ~100 µs of CPU, 4% of a one-row read.
    DisconnectionError makes the pool discard this connection and check out another (SQLAlchemy's recipe for a
    custom pessimistic ping).
    """
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("PostgreSQL closed this connection")


class _CommandsTakeTheWriteLock(Session):
    """Routes transactions opened with ``session.begin()`` (commands) to the engine that BEGINs IMMEDIATE."""

    def __init__(self, *args: Any, command_engine: Engine, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.command_engine = command_engine

    def get_bind(self, mapper: Any = None, **kw: Any) -> Engine | Connection:
        bind = super().get_bind(mapper, **kw)
        transaction = self.get_transaction()
        if transaction is not None and transaction.origin is SessionTransactionOrigin.BEGIN:
            return self.command_engine
        return bind


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url, timeout = _without_timeout(async_url(url))
        self.is_sqlite = self.url.startswith("sqlite")
        # The pool's ceiling stays SQLAlchemy's default 15 connections, but all of them are kept: with the default
        # 5 kept + 10 overflow, every burst above 5 concurrent requests opened and closed connections (on PostgreSQL a
        # TCP and auth handshake each, on SQLite a thread and its PRAGMAs). Requests beyond 15 wait their turn in order
        # (qz_common.pool).
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            echo=echo,
            poolclass=FirstComeFirstServedPool,
            pool_size=15,
            max_overflow=0,
            connect_args=timeout,
        )
        # A database that cannot serve answers 503 database_unavailable (qz_common.errors), never a 500.
        event.listen(self.engine.sync_engine, "do_connect", _connect_or_unavailable)
        event.listen(self.engine.sync_engine, "handle_error", _unavailable_instead)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
            self.sessionmaker = async_sessionmaker(
                self.engine,
                expire_on_commit=False,
                sync_session_class=_CommandsTakeTheWriteLock,
                command_engine=self.engine.sync_engine.execution_options(**{_WRITE_LOCK_FIRST: True}),
            )
        else:
            event.listen(self.engine.sync_engine, "checkout", _replace_if_the_server_closed_it)
            self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # The engine of reads made of one statement (a collection page with its total: qz_common.pagination), on the
        # same pool. On PostgreSQL in autocommit: the statement is the read's one round trip, without a BEGIN and a
        # ROLLBACK around it (a quarter to a third of such a read's CPU), and it sees what a one-statement
        # transaction would, one snapshot of committed rows (READ COMMITTED takes a snapshot per statement). On
        # SQLite BEGIN and ROLLBACK cost no round trip (qz_common.sqlite_driver runs them in the event loop): the
        # engine itself.
        self.reader: AsyncEngine = (
            self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no timezone type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# JSON documents: JSONB on PostgreSQL, JSON text elsewhere.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")
# Autoincrementing 64-bit keys (SQLite only autoincrements INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer(), "sqlite")


async def begin_snapshot(session: AsyncSession) -> None:
    """Begin ``session``'s next transaction as one snapshot of the database, for a read of several statements that
    must agree with each other (a project read a chunk at a time, with its standing read first). PostgreSQL:
    REPEATABLE READ, where READ COMMITTED would take a snapshot per statement. SQLite: its deferred ``BEGIN`` already
    reads one snapshot (WAL), from the first read to the end. ``session`` must not be in a transaction: a rollback
    before this expires its objects, so the read loads what it needs afterwards."""
    if session.in_transaction():
        raise RuntimeError("begin_snapshot: the session is already in a transaction")
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def no_such_record(label: str, field: str | None, *, referenced: bool = False) -> ProblemError:
    """The one answer to a request naming a record it cannot have (``label``, e.g. 养犬登记; ``field``, the path
    parameter or body field that named it): 404 ``not_found`` when a path named it, 422 ``reference_not_found`` when a
    body field did (``referenced``: the request is fine, what it cites is not).

    An unused id and another district's record get it alike, word for word: with sequential ids, a 403 for the one and
    a 404 for the other would tell a district how many records the others make, and whose an id is.
    """
    if referenced:
        return ProblemError(422, "reference_not_found", f"{field}：所引用的{label}不存在", field=field)
    return ProblemError(404, "not_found", f"{label}不存在", field=field)


def ensure_visible(
    caller: Caller, district: str | None, label: str, *, field: str | None, referenced: bool = False
) -> None:
    """A district-bound client sees only its own district's records: another district's record, here one whose
    ``district`` lies on the record it belongs to (an agreement's institution), answers as if there were none."""
    if caller.district is not None and district != caller.district:
        raise no_such_record(label, field, referenced=referenced)


async def get_or_404(
    session: AsyncSession,
    model: type[Record],
    record_id: object,
    label: str,
    *,
    field: str | None,
    lock: bool = False,
    referenced: bool = False,
) -> Record:
    """The record, or a 404 problem naming what was missing (``label``, e.g. 养犬登记) and the ``field`` that named it;
    ``referenced``: a body field named it, 422 ``reference_not_found`` (:func:`no_such_record`).

    For records no district owns (a photo, a carrier any district's vouchers are spent with), records whose district
    lies on the record they belong to (then :func:`ensure_visible`), and records reached through another stored record
    (``field`` None: no field of the request named it). A record with a ``district`` is loaded with
    :func:`get_in_district` or :func:`get_referenced`. ``lock`` takes the row lock (SELECT … FOR UPDATE) and refreshes
    an instance already in the session.
    """
    record = await session.get(model, record_id, with_for_update=lock, populate_existing=lock)
    if record is None:
        raise no_such_record(label, field, referenced=referenced)
    return record


class _InADistrict(Protocol):
    @property
    def district(self) -> str | None: ...


DistrictRecord = TypeVar("DistrictRecord", bound=_InADistrict)


async def get_in_district(
    session: AsyncSession,
    caller: Caller,
    model: type[DistrictRecord],
    record_id: object,
    label: str,
    *,
    field: str,
    lock: bool = False,
    referenced: bool = False,
) -> DistrictRecord:
    """The record of a district that the path parameter ``field`` names, if the caller may see it (its district's, or
    any for a client bound to none); otherwise :func:`no_such_record`, the same for an unused id. ``referenced``: a body
    field named it (422, as :func:`get_referenced`), for loaders that serve both. ``lock`` as for get_or_404."""
    record = await get_or_404(session, model, record_id, label, field=field, lock=lock, referenced=referenced)
    ensure_visible(caller, record.district, label, field=field, referenced=referenced)
    return record


async def get_referenced(
    session: AsyncSession,
    caller: Caller,
    model: type[DistrictRecord],
    record_id: object,
    label: str,
    *,
    field: str,
    lock: bool = False,
) -> DistrictRecord:
    """The record of a district that the body field ``field`` cites (a registration's 免疫记录, a payment's 协议), if
    the caller may see it; otherwise 422 ``reference_not_found`` naming the field, the same for an unused id."""
    return await get_in_district(session, caller, model, record_id, label, field=field, lock=lock, referenced=True)
