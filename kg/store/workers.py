"""Worker processes that run queries where they can be killed at their deadline.

A single-threaded zygote holds the store and forks workers that share its memory copy-on-write.
Updates run in the zygote; workers forked before an update are retired, so later queries see it.
The server talks to a worker over a socket the event loop reads itself (asyncio streams), so a
query costs no thread hop; the zygote, called rarely, is called from a thread.
"""
from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import pickle
import re
import signal
import socket
import struct
import threading
import time
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import NoReturn

import pyoxigraph

from kg.errors import (Busy, RemoteFailed, RequestError, TimedOut, TooLarge, WorkerFailed, WorkerLost,
                       from_wire, to_wire)
from kg.store import memory
from kg.store import embedded as kg_store
from kg.settings import Settings

log = logging.getLogger(__name__)

CLIENT: ContextVar[str | None] = ContextVar("kg_client", default=None)
"""Who a job is run for (the service sets the client's address per request); one client holds
at most Settings.per_client workers at once. None: no limit (the command line, tests of the pool)."""
_RELAY_ADDRESS = re.compile(r"https?://127\.0\.0\.1:\d+/relay/\S*")


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, even by SIGKILL: a worker busy
    with an endless query would otherwise outlive a killed server and burn a core for ever."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the EOF on the control pipe still ends idle ones
        pass


def _child_signals() -> None:
    # Ctrl-C reaches the whole process group; only the server process should react to it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _serve(conn: Connection, handle: Callable[[str, object], object]) -> None:
    """Answer requests on conn until the other end closes it: ("ok", result), or ("error", the
    error as data) for a RequestError and for anything else raised (a bug: its traceback)."""
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", handle(kind, payload)))
        except RequestError as error:
            conn.send(("error", to_wire(error)))
        except Exception:  # noqa: BLE001 - a bug: shipped to the server, which logs it
            conn.send(("error", to_wire(WorkerFailed(traceback.format_exc()))))


def _outcome(status: str, result: object) -> object:
    """What a worker's last message carries: its result, or the error it sent, raised."""
    if status == "error":
        raise from_wire(*result)
    return result


def _run_query(store: pyoxigraph.Store, job: kg_store.QueryJob, max_bytes: int) -> kg_store.Answer:
    """A query's answer; TooLarge past the result-size cap, RemoteFailed when a SERVICE call failed."""
    try:
        answer = kg_store.run_query(store, job)
    except OSError as error:
        # pyoxigraph reports a failed SERVICE call (kg.sparql.relay's error answers included) as OSError.
        if "SERVICE" not in job.text.upper():
            raise
        # pyoxigraph's message quotes the relay's address and its secret: keep only the relay's words.
        detail = _RELAY_ADDRESS.sub("the relay", str(error).split("with payload:", 1)[-1].strip())
        raise RemoteFailed(f"a SERVICE call of this query failed: {detail}") from None
    return _capped(answer, max_bytes)


def _capped(answer: kg_store.Answer, max_bytes: int) -> kg_store.Answer:
    if len(answer.body) > max_bytes:
        raise TooLarge(f"the result is larger than the limit of {max_bytes} bytes "
                       f"(--max-result-bytes); narrow the query or add a LIMIT (a whole graph "
                       f"streams from the Graph Store: GET /rdf-graph-store?graph=IRI or ?default)")
    return answer


_CHUNK = 1 << 20
"""Bytes of a streamed graph a worker sends in one message (the serializer writes 8 KiB pieces)."""


class _ChunkWriter:
    """The file-like object a worker's serializer writes a streamed graph to: it sends the
    bytes on as ("chunk", bytes) messages of about _CHUNK bytes each."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= _CHUNK:
            self._send()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes when it is done; the last piece goes with close()."""

    def close(self) -> None:
        if self._buffer:
            self._send()

    def _send(self) -> None:
        self._conn.send(("chunk", bytes(self._buffer)))
        self._buffer.clear()


def _dump(store: pyoxigraph.Store, conn: Connection, graph: str | None, accept: str | None,
          head_only: bool, max_bytes: int) -> kg_store.Answer | None:
    """A Graph Store GET: a whole Answer (a HEAD's head, a remote store's graph), or the head
    sent as ("head", Answer), the graph as chunks, and None (the job's "ok")."""
    plan = kg_store.plan_dump(store, graph, accept)
    if isinstance(plan, kg_store.Answer):
        return _capped(plan, max_bytes)
    head, write = plan
    if head_only:
        return head
    conn.send(("head", head))
    out = _ChunkWriter(conn)
    write(out)
    out.close()
    return None


def _worker_main(store: pyoxigraph.Store, conn: Connection, settings: Settings) -> None:
    cap = settings.max_result_bytes

    def run(kind: str, payload: object) -> object:
        if kind == "query":
            return _run_query(store, payload, cap)
        if kind == "batch":
            return [_run_query(store, job, cap) for job in payload]
        if kind == "dump":
            return _dump(store, conn, *payload, cap)
        raise ValueError(f"unknown job {kind!r}")

    def handle(kind: str, payload: object) -> object:
        started = time.monotonic()
        try:
            return run(kind, payload)
        finally:
            # glibc keeps what a heavy query freed (236 MiB after `events` at 1M triples) as this
            # worker's private memory, where the pool's budget counts it; hand it back first
            # (15 ms then, 0.1 ms after a 0.2 s query). Light queries skip it.
            if time.monotonic() - started >= settings.recycle_check_after:
                memory.trim()

    _serve(conn, handle)


def _zygote_main(store: pyoxigraph.Store, control: Connection, settings: Settings) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers

    def handle(kind: str, payload: object) -> object:
        if kind == "spawn":
            fd = recv_handle(control)
            gc.freeze()  # the worker's collections then leave the zygote's objects (shared pages) alone
            pid = os.fork()
            if pid == 0:
                try:
                    control.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    _die_with_parent()
                    _worker_main(store, Connection(fd), settings)
                finally:
                    os._exit(0)
            os.close(fd)
            return pid
        if kind == "update":
            result = kg_store.run_update(store, *payload)
        elif kind == "graph":
            result = kg_store.write_graph(store, *payload)
        else:
            raise ValueError(f"unknown job {kind!r}")
        kg_store.flush(store)
        return result

    _serve(control, handle)


def _frame(message: object) -> bytes:
    """`message` as multiprocessing.Connection frames it (the workers read it with one)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(data)) + data
    return struct.pack("!i", len(data)) + data


async def _receive(reader: asyncio.StreamReader) -> object:
    """One message a worker's Connection.send wrote; IncompleteReadError (an EOFError) when it
    died before writing all of it."""
    (size,) = struct.unpack("!i", await reader.readexactly(4))
    if size == -1:
        (size,) = struct.unpack("!Q", await reader.readexactly(8))
    return pickle.loads(await reader.readexactly(size))


def _rollup(pid: int, field: str) -> int:
    """One figure of /proc/PID/smaps_rollup in bytes; 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def private_bytes(pid: int) -> int:
    """Bytes of memory a process holds privately (dirty copy-on-write pages included)."""
    return _rollup(pid, "Private_Dirty:")


def resident_bytes(pid: int) -> int:
    """Bytes of memory a process has resident, the pages it shares included."""
    return _rollup(pid, "Rss:")


_STREAM_LIMIT = 1 << 20
"""Bytes a worker stream buffers before it pauses reading (asyncio's default is 64 KiB)."""


@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    generation: int
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    warm: bool = False
    """It has answered a query since its fork, so it holds a private copy of pages it reads."""
    over_budget: bool = False
    """The pool's memory check found it over budget while it was busy: retire it when released."""
    client: str | None = None
    """Whom its job runs for, while it runs one (CLIENT)."""

    async def open(self) -> None:
        """Attach the socket to the running event loop (once; _spawn runs off the loop)."""
        if self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(sock=self.sock, limit=_STREAM_LIMIT)

    def dead(self) -> bool:
        """An idle worker sends nothing: anything readable on its socket is the EOF of its death."""
        if self.reader is not None:
            return self.reader.at_eof() or self.reader.exception() is not None
        try:
            return self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()


class _IdleWorkers(asyncio.LifoQueue):
    """Idle workers: warm ones last in, first out; fresh forks wait below every warm one.

    A fresh fork on top would take the next query and pay for copying the store's pages again,
    while a warm worker sat idle under it; after the memory check retired a worker, every heavy
    query of a lone client then ran on a fresh fork and was retired in turn.
    """

    def _put(self, worker: _Worker) -> None:
        if worker.warm:
            self._queue.append(worker)
        else:
            self._queue.insert(0, worker)

    def discard(self, worker: _Worker) -> bool:
        """Take `worker` out if it is idle; False when it is not here (busy, or gone)."""
        try:
            self._queue.remove(worker)  # LifoQueue keeps its items in this list (asyncio's subclass hook)
        except ValueError:
            return False
        return True


class _Stream:
    """The chunks of a graph a worker streams, holding the worker until the last one is read.

    The query deadline covers the whole stream, wherever it stands: past it, or when the worker
    dies, the chunks end in TimedOut or WorkerLost (the status went out already; the client sees
    a cut-off body). A timer retires the worker at the deadline even while nobody asks for the
    next chunk (a client that stops reading would otherwise hold it for ever), and a stream
    closed before its end (the client went away) retires it at once.
    """

    def __init__(self, pool: WorkerPool, worker: _Worker, started: float, deadline: float) -> None:
        self._pool = pool
        self._worker = worker
        self._started = started
        self._deadline = deadline
        self._done = False
        """The worker is back in the pool or retired: nothing more to read."""
        self._expired = False
        self._timer = asyncio.get_running_loop().call_at(started + deadline, self._expire)

    def __aiter__(self) -> _Stream:
        return self

    async def __anext__(self) -> bytes:
        if self._expired:
            raise self._timeout()
        if self._done:
            raise StopAsyncIteration
        try:
            async with asyncio.timeout_at(self._started + self._deadline):
                status, result = await _receive(self._worker.reader)
        except BaseException as error:
            if self._expired or isinstance(error, TimeoutError):
                self._retire()
                raise self._timeout() from None
            self._retire()
            if isinstance(error, (EOFError, OSError)):
                raise WorkerLost(f"the worker writing this graph (pid {self._worker.pid}) died before "
                                 f"it finished; a fresh worker replaces it") from error
            raise
        if status == "chunk":
            return result
        self._done = True
        self._timer.cancel()
        self._pool._settle(self._worker, self._started, status, result)
        raise StopAsyncIteration

    async def aclose(self) -> None:
        self._retire()

    def _timeout(self) -> TimedOut:
        return TimedOut(f"query exceeded the time limit of {self._deadline:g} s")

    def _expire(self) -> None:
        if not self._done:
            self._expired = True
            self._retire()

    def _retire(self) -> None:
        if not self._done:
            self._done = True
            self._timer.cancel()
            self._pool._replace(self._worker)


class WorkerPool:
    """Runs jobs on a fixed number of forked workers, with a deadline for each."""

    def __init__(self, store: pyoxigraph.Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self._generation = 0
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._workers: dict[int, _Worker] = {}
        self._control: Connection | None = None
        self._zygote_pid = 0
        self.memory_budget = settings.max_private_bytes or 0
        """Private bytes the workers may hold in all (Settings.max_private_bytes)."""
        self._executor = ThreadPoolExecutor(settings.workers + 4, thread_name_prefix="kg-pool")
        # Last in, first out, fresh forks last: a lone client keeps reusing one warm worker,
        # whose copy of the store's pages is already private (see Settings.max_private_bytes);
        # the others stay cold, sharing the zygote's pages, until clients come in parallel.
        self._idle = _IdleWorkers()
        self._update_lock = asyncio.Lock()
        self._waiting = 0
        """Requests waiting for a worker right now."""
        self._held: dict[str, int] = {}
        """Workers each client holds right now."""
        self._slot_waiters: list[asyncio.Future] = []
        """Requests waiting for one of their client's own workers to be let go."""
        self.broken: str | None = None
        """Why the pool cannot go on (the process holding the store died after a write); the
        service then answers 503 on /health and the server exits non-zero, for a supervisor."""

    def start(self) -> None:
        self._fork_zygote()
        if self._settings.max_private_bytes is None:
            # One private copy of what the zygote holds (the store, mostly), never below the floor.
            self.memory_budget = max(resident_bytes(self._zygote_pid), self._settings.min_private_budget)
        for _ in range(self._settings.workers):
            self._idle.put_nowait(self._spawn())

    def _fork_zygote(self) -> None:
        control, theirs = Pipe(duplex=True)
        # In the zygote (and so its workers) the objects alive now are never collected, so no
        # collection there writes to (and so copies) the pages that hold them.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _child_signals()
                _zygote_main(self._store, theirs, self._settings)
            finally:
                os._exit(0)
        gc.unfreeze()  # this process goes on collecting its garbage as before
        theirs.close()
        self._control, self._zygote_pid = control, pid

    def _zygote_gone(self) -> bool:
        """Whether the zygote has exited; reaps it, so that no zombie is left."""
        try:
            pid, _ = os.waitpid(self._zygote_pid, os.WNOHANG)
        except ChildProcessError:  # reaped already
            return True
        return pid != 0

    def heal(self) -> bool:
        """Check the zygote, and if it died (killed from outside, as the out-of-memory killer may
        do: it holds the store) fork a new one from the store this process still holds. That
        store is the zygote's only while no write has changed it since the start; after a write
        a new zygote would serve old data, so the pool is marked broken instead. False when the
        pool is broken (or closed)."""
        with self._lock:
            if self.broken is not None or self._control is None:
                return False
            if not self._zygote_gone():
                return True
            old = self._zygote_pid
            if self._generation:
                self.broken = (f"the process holding the store (pid {old}) died after {self._generation} "
                               f"write(s) it alone held; restart the service")
                log.error("%s", self.broken)
                return False
            log.error("the process holding the store (pid %d) died; starting a new one from the store", old)
            self._control.close()
            self._fork_zygote()
        return True

    def close(self) -> None:
        with self._lock:
            control, self._control = self._control, None
        for task in self._tasks:
            task.cancel()
        for worker in list(self._workers.values()):
            self._kill(worker)
        if control is not None:
            control.close()  # the zygote exits when it reads EOF
            try:
                os.waitpid(self._zygote_pid, 0)
            except ChildProcessError:  # it died earlier and heal() reaped it
                pass
        self._executor.shutdown(wait=True, cancel_futures=True)
        for worker in list(self._workers.values()):  # spawned while closing
            self._kill(worker)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    @property
    def generation(self) -> int:
        """How many writes the store has taken: what was read at one generation holds until the next."""
        return self._generation

    def _call_zygote(self, kind: str, payload: object) -> object:
        try:
            return self._call_zygote_once(kind, payload)
        except (OSError, EOFError) as error:  # the zygote is gone: the pipe to it broke
            if not self.heal():
                raise WorkerLost(self.broken or "the query workers are shut down") from error
            return self._call_zygote_once(kind, payload)

    def _call_zygote_once(self, kind: str, payload: object) -> object:
        with self._lock:
            self._control.send((kind, payload))
            status, result = self._control.recv()
        return _outcome(status, result)

    async def watch(self, on_broken: Callable[[str], object] | None = None, every: float = 1.0) -> None:
        """Check the zygote every `every` seconds and heal the pool when it died, so that the
        service recovers with no request to find out; when it cannot, call `on_broken` once."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(every)
            try:
                healthy = await loop.run_in_executor(self._executor, self.heal)
            except RuntimeError:  # the pool closed (its executor shut down) meanwhile
                return
            if not healthy:
                if self.broken is not None and on_broken is not None:
                    on_broken(self.broken)
                return

    def _spawn(self) -> _Worker:
        try:
            return self._spawn_once()
        except (OSError, EOFError) as error:  # the zygote is gone: the pipe to it broke
            if not self.heal():
                raise WorkerLost(self.broken or "the query workers are shut down") from error
            return self._spawn_once()

    def _spawn_once(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                if self._control is None:
                    raise WorkerFailed("the pool is closed")
                # Read under the lock the zygote calls share: a fork that precedes a write keeps
                # the generation from before it, even when the write's increment lands before
                # this thread gets back (it was marked current, and served stale data).
                generation = self._generation
                self._control.send(("spawn", None))
                send_handle(self._control, theirs.fileno(), self._zygote_pid)
                status, pid = self._control.recv()
            pid = _outcome(status, pid)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        worker = _Worker(pid, ours, generation)
        self._workers[pid] = worker
        return worker

    def _kill(self, worker: _Worker) -> None:
        self._workers.pop(worker.pid, None)
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and put a fresh one in the queue, in the background."""
        self._let_go(worker)
        self._kill(worker)

        async def respawn() -> None:
            try:
                fresh = await asyncio.get_running_loop().run_in_executor(self._executor, self._spawn)
            except (WorkerFailed, WorkerLost):
                if self._control is not None and self.broken is None:
                    log.exception("could not replace a worker")
                return
            self._idle.put_nowait(fresh)

        task = asyncio.create_task(respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _client_slot(self, client: str) -> None:
        """Count one more worker for `client`, once it holds fewer than its share: while it holds
        them all, wait (up to the queue wait) for one of its own to end."""
        limit = self._settings.per_client
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.queue_wait
        while self._held.get(client, 0) >= limit:
            freed = loop.create_future()
            self._slot_waiters.append(freed)
            try:
                async with asyncio.timeout_at(deadline):
                    await freed
            except TimeoutError:
                raise Busy(f"this client runs {limit} queries at once already, the most one client may "
                           f"run (--client-workers); retry when one has ended",
                           retry_after=self._settings.retry_after) from None
            finally:
                if freed in self._slot_waiters:
                    self._slot_waiters.remove(freed)
        self._held[client] = self._held.get(client, 0) + 1

    def _let_go(self, worker: _Worker) -> None:
        """Its job has ended: its client holds one worker less."""
        client, worker.client = worker.client, None
        if client is not None:
            self._give_back(client)

    def _give_back(self, client: str) -> None:
        if (held := self._held.get(client, 0) - 1) > 0:
            self._held[client] = held
        else:
            self._held.pop(client, None)
        waiters, self._slot_waiters = self._slot_waiters, []
        for freed in waiters:
            if not freed.done():
                freed.set_result(None)

    async def _acquire(self) -> _Worker:
        client = CLIENT.get()
        if client is None:
            return await self._any_worker()
        await self._client_slot(client)
        try:
            worker = await self._any_worker()
        except BaseException:
            self._give_back(client)
            raise
        worker.client = client
        return worker

    async def _any_worker(self) -> _Worker:
        if self._idle.empty():
            self._waiting += 1
            try:
                async with asyncio.timeout(self._settings.queue_wait):
                    worker = await self._idle.get()
            except TimeoutError as error:
                raise Busy(f"all {self._settings.workers} workers are busy; retry later",
                           retry_after=self._settings.retry_after) from error
            finally:
                self._waiting -= 1
        else:
            worker = self._idle.get_nowait()
        if worker.generation != self._generation or worker.dead():
            self._kill(worker)
            worker = await asyncio.get_running_loop().run_in_executor(self._executor, self._spawn)
        await worker.open()
        return worker

    def _private_total(self) -> int:
        return sum(private_bytes(pid) for pid in list(self._workers))

    def _release(self, worker: _Worker) -> None:
        self._let_go(worker)
        if worker.generation != self._generation or (worker.over_budget and not self._waiting):
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)

    def _check_memory(self, worker: _Worker) -> None:
        """Retire `worker` if the workers hold more private memory than the budget, in the
        background: reading /proc/PID/smaps_rollup takes ~12 ms a worker at 2M quads, which the
        answer should not wait for. An older warm worker (see _idle) keeps its copy; a fresh
        fork shares the store's pages again."""
        async def check() -> None:
            try:
                total = await asyncio.get_running_loop().run_in_executor(self._executor, self._private_total)
            except RuntimeError:  # the pool closed (its executor shut down) meanwhile
                return
            if total <= self.memory_budget or worker.pid not in self._workers:
                return
            if self._idle.discard(worker):
                self._replace(worker)
            else:  # a later query has it already (a lone client's next): retire it after that one
                worker.over_budget = True

        task = asyncio.create_task(check())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, kind: str, payload: object, timeout: float | None = None) -> object:
        """Run a job on a worker; kill it at the deadline (TimedOut) and replace it."""
        deadline = self._settings.query_timeout if timeout is None else timeout
        worker, started, status, result = await self._start(kind, payload, deadline)
        return self._settle(worker, started, status, result)

    async def _start(self, kind: str, payload: object, deadline: float) -> tuple[_Worker, float, str, object]:
        """Hand a job to a worker; its first message back, within the deadline."""
        worker = await self._acquire()
        started = asyncio.get_running_loop().time()
        try:
            worker.writer.write(_frame((kind, payload)))
            async with asyncio.timeout(deadline):
                await worker.writer.drain()
                status, result = await _receive(worker.reader)
        except BaseException as error:
            self._lost(worker, error, deadline)
        return worker, started, status, result

    def _lost(self, worker: _Worker, error: BaseException, deadline: float) -> NoReturn:
        """Retire a worker whose job did not end normally, and raise what that means."""
        self._replace(worker)
        if isinstance(error, TimeoutError):
            raise TimedOut(f"query exceeded the time limit of {deadline:g} s") from None
        if isinstance(error, (EOFError, OSError)):
            raise WorkerLost(f"the worker running this query (pid {worker.pid}) died before it "
                             f"answered; a fresh worker replaces it, and the query may be retried") from error
        # Cancelled (the client went away: stop its query rather than let it run to the end),
        # or anything else: as it was.
        raise error

    def _settle(self, worker: _Worker, started: float, status: str, result: object) -> object:
        """After a worker's last message: back to the queue (or retired); its result, or its
        error raised."""
        worker.warm = True
        error = from_wire(*result) if status == "error" else None
        if isinstance(error, TooLarge):
            self._replace(worker)  # give back the memory the oversized result took
        else:
            # Only a query that may have grown the worker is checked, and not while requests
            # queue for a worker: a fresh one would answer them slower (it copies the store's
            # pages again); the first query to end with nobody waiting gives the memory back.
            elapsed = asyncio.get_running_loop().time() - started
            if elapsed >= self._settings.recycle_check_after and not self._waiting:
                self._check_memory(worker)
            self._release(worker)
        if error is not None:
            raise error
        return result

    async def query(self, job: kg_store.QueryJob) -> kg_store.Answer:
        return await self.run("query", job)

    async def dump(self, graph: str | None, accept: str | None, *,
                   head_only: bool = False) -> tuple[kg_store.Answer, _Stream | None]:
        """A Graph Store GET: the answer (the head alone when the graph streams) and, when the
        graph streams, its body's chunks (see _Stream)."""
        deadline = self._settings.query_timeout
        worker, started, status, result = await self._start("dump", (graph, accept, head_only), deadline)
        if status != "head":
            return self._settle(worker, started, status, result), None
        return result, _Stream(self, worker, started, deadline)

    async def batch(self, jobs: list[kg_store.QueryJob]) -> list[kg_store.Answer]:
        """Several queries on one worker; the first that fails raises its error."""
        return await self.run("batch", jobs)

    async def write(self, kind: str, payload: tuple) -> object:
        """Apply an update ("update": None) or a Graph Store write ("graph": whether it created
        the graph) in the zygote; retire every older worker."""
        loop = asyncio.get_running_loop()
        async with self._update_lock:
            result = await loop.run_in_executor(self._executor, self._call_zygote, kind, payload)
            self._generation += 1
            while not self._idle.empty():
                self._replace(self._idle.get_nowait())
        return result
