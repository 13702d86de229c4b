"""The unit of work: the one place where a transaction is committed.

A request is one unit: its session (`DbDep`) commits once, as the last step of the route
function when it returned no error answer (below 400), so before the response is serialised
and sent; an exception or an error answer rolls it back. Services and routes only flush. Work outside a request (the CLI, the mail worker,
mail sent after the response) opens its own units with `Units.write()` / `Units.read()`.

SQLite: a unit that writes begins `BEGIN IMMEDIATE`, so a second writer waits for the first
(busy_timeout) instead of failing with `database is locked` when its read transaction is
upgraded to a write. Requests with a writing method (POST, PUT, PATCH, DELETE) are such units;
GET and HEAD stay deferred readers. Within one process, writing requests also queue on an
async gate before they start (`UnitOfWorkRoute`): a waiting writer holds no thread of the
pool, so the writer that holds SQLite's lock always finds a thread for its next step, and the
next writer starts at once instead of after SQLite's busy-handler sleeps (up to 100 ms)."""

import asyncio
import functools
import inspect
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from typing import Annotated, Any, Protocol

import anyio
import sqlalchemy as sa
from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlmodel import Session

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WRITE_OPTION = "eventhub_write"  # execution option read by the SQLite "begin" listener (db.py)
_WROTE = "eventhub_wrote"  # session.info: the current transaction has flushed something


class UnitsLike(Protocol):
    """What work outside a request opens its units with (`Units`; tests bind one to their session)."""

    def write(self) -> AbstractContextManager[Session]: ...

    def read(self) -> AbstractContextManager[Session]: ...


class Units:
    """Opens units of work on one engine; the app keeps one in `app.state.units`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.serialise_writers = engine.dialect.name == "sqlite"
        self._write_bind = engine.execution_options(**{WRITE_OPTION: True})

    def session(self, *, write: bool) -> Session:
        """A new session; `write`: its transactions begin IMMEDIATE on SQLite."""
        return Session(self._write_bind if write else self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing unit: committed when the block ends, rolled back when it raises."""
        with self.session(write=True) as db:
            with unit(db):
                yield db

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A reading unit: nothing it does is kept (its transaction is rolled back)."""
        with self.session(write=False) as db:
            yield db


@contextmanager
def unit(db: Session) -> Iterator[None]:
    """Commit what the block flushed into `db`, or roll it back when the block raises."""
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    commit(db)


def commit(db: Session) -> None:
    """The commit of a unit of work (the only `.commit()` of the code)."""
    db.commit()


def has_changes(db: Session) -> bool:
    """Whether the current transaction of `db` has flushed, or holds, anything to write."""
    return bool(db.info.get(_WROTE) or db.new or db.dirty or db.deleted)


def end_read(db: Session) -> None:
    """End the current transaction of a unit that has written nothing yet: the connection goes
    back to the pool (and SQLite's snapshot is let go); loaded objects reload on next use."""
    if has_changes(db):
        raise RuntimeError("end_read() after a write: it would commit half a unit of work")
    commit(db)


@contextmanager
def independent_write(db: Session) -> Iterator[None]:
    """A write that stands whatever the request then answers (a counted failed login, a
    counted bad token): committed at the end of the block, before the request's own unit has
    written anything. Begins IMMEDIATE on SQLite, as every writing unit."""
    end_read(db)
    if db.get_bind().dialect.name == "sqlite":
        db.connection(execution_options={WRITE_OPTION: True})
    with unit(db):
        yield


@sa.event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _mark_statement_written(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # a bulk statement flushes nothing
        state.session.info[_WROTE] = True


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction: SessionTransaction) -> None:
    # Only when the unit's own transaction ends: a savepoint rolled back (a caught
    # IntegrityError) leaves what the unit wrote before it to be committed.
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


# --- the request's unit of work ---


def get_db(request: Request) -> Iterator[Session]:
    """The request's session: writing for POST, PUT, PATCH and DELETE. Closed when the route
    function has returned (scope "function"), after `UnitOfWorkRoute` committed it."""
    units: Units = request.app.state.units
    with units.session(write=request.method in WRITE_METHODS) as db:
        yield db


def request_db(request: Request, db: Annotated[Session, Depends(get_db, scope="function")]) -> Session:
    request.state.unit_of_work = db  # committed or rolled back by UnitOfWorkRoute
    return db


DbDep = Annotated[Session, Depends(request_db)]

_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Lock]" = weakref.WeakKeyDictionary()


@asynccontextmanager
async def _writer_gate(request: Request) -> AsyncIterator[None]:
    units: Units = request.app.state.units
    if request.method not in WRITE_METHODS or not units.serialise_writers:
        yield
        return
    await request.body()  # read the body first: a slow upload must not hold the gate
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = anyio.Lock()
    async with gate:
        yield


def _finish(request: Request, ok: bool) -> None:
    db: Session | None = getattr(request.state, "unit_of_work", None)
    if db is not None and has_changes(db):  # a unit that wrote nothing has nothing to end: closing does
        commit(db) if ok else db.rollback()


_REQUEST = "_unit_of_work_request"  # a parameter added to every endpoint: FastAPI passes the Request


def _in_unit(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, ending its request's unit of work as its last step, in the same thread job
    (a sync endpoint runs in a thread of the pool): the transaction's row locks (and SQLite's
    write lock) are let go before anything else of the request waits for a thread, such as the
    serialisation of the answer. Otherwise, under a burst, every thread of the pool could wait
    for a lock held by a request that waits for a thread."""
    signature = inspect.signature(endpoint)
    own = [p.name for p in signature.parameters.values() if p.annotation is Request]
    name = own[0] if own else _REQUEST  # FastAPI passes the Request to one parameter only

    def request_of(kw: dict[str, Any]) -> Request:
        request: Request = kw[name] if own else kw.pop(name)
        return request

    def ok(result: Any) -> bool:
        return not isinstance(result, Response) or result.status_code < 400

    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(*args: Any, **kw: Any) -> Any:
            request = request_of(kw)
            try:
                result = await endpoint(*args, **kw)
            except BaseException:
                _finish(request, ok=False)
                raise
            _finish(request, ok=ok(result))
            return result

        wrapper: Callable[..., Any] = run_async
    else:

        @functools.wraps(endpoint)
        def run_sync(*args: Any, **kw: Any) -> Any:
            request = request_of(kw)
            try:
                result = endpoint(*args, **kw)
            except BaseException:
                _finish(request, ok=False)
                raise
            _finish(request, ok=ok(result))
            return result

        wrapper = run_sync
    if not own:
        extra = inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        params = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        rest = [p for p in signature.parameters.values() if p.kind is inspect.Parameter.VAR_KEYWORD]
        wrapper.__signature__ = signature.replace(parameters=[*params, extra, *rest])  # type: ignore[attr-defined]
    return wrapper


class UnitOfWorkRoute(APIRoute):
    """Every route of the app: its request is one unit of work, committed before the response
    is sent (a failed commit becomes an error answer, never a 200 that did not happen). The
    endpoint ends the unit itself (`_in_unit`); what fails before it (dependencies, validation)
    is rolled back here."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _in_unit(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            async with _writer_gate(request):
                try:
                    response = await handler(request)
                except BaseException:
                    _finish(request, ok=False)
                    raise
                _finish(request, ok=response.status_code < 400)  # what the answer's serialisation wrote
                return response

        return run
