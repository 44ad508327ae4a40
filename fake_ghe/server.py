"""A live HTTP server over a fake's WSGI app, on daemon threads, for clients that need a socket."""

from __future__ import annotations

import contextlib
import ipaddress
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .errors import FakeGHEError
from .faults import DISCONNECT_KEY
from .keepalive import Connections, KeepAliveHandler

# A WSGI application, as both transports (this server and the in-process one) take it.
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A wildcard address is where the server listens, not where a client can connect.
_CONNECT_TO = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class PortInUse(FakeGHEError, OSError):
    """The address is taken (werkzeug itself would print and ``sys.exit(1)``)."""


# [decision] Seconds a connection may sit idle or stalled (headers or body half sent, an answer
# not read) before the server drops it: a stalled client must not hold a thread forever.
DEFAULT_TIMEOUT = 30.0


# [decision] How long stop() waits for the threads of idle keep-alive connections to end once
# their connections are cut (they end at once; the bound only guards against a stuck one), and
# for a thread still answering (one finishing its write ends at once; a slow fault does not).
STOP_WAIT = 1.0
STOP_BUSY_WAIT = 0.05
# [decision] Threads kept waiting for new connections once theirs ended: a test suite's client
# opens connections one or a few at a time; a burst beyond this starts threads as before.
IDLE_THREADS = 4


class QuietHandler(KeepAliveHandler):
    # One log line per request costs ~12% of throughput and floods test output.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server to this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def dropping_connections(app: WSGIApp) -> WSGIApp:
    """Turn a fault's ``disconnect`` into a real dropped connection: no status line at all."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = app(environ, start_response)
        if not environ.get(DISCONNECT_KEY):
            return result
        if hasattr(result, "close"):
            result.close()
        conn = environ.get("werkzeug.socket")
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        # werkzeug treats ConnectionError as "client went away" and stays silent.
        raise ConnectionResetError("fake-ghe fault: connection dropped")

    return wsgi


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; a taken port raises PortInUse instead of werkzeug's sys.exit."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise PortInUse(error.errno, f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(128)
    return sock


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections, stops without polling, and
    keeps the threads of ended connections for the next ones (starting a thread costs more
    than the rest of accepting a connection)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = Connections()
        # Written to by stop() so the accept loop wakes at once instead of after a poll interval.
        self._wake_read, self._wake_write = socket.socketpair()
        self._stopping = threading.Event()
        # Accepting only when the selector says a client waits; a client that gave up meanwhile
        # must not block the loop (and with it, stop()).
        self.socket.setblocking(False)
        self._pool_lock = threading.Lock()
        self._idle = 0  # threads waiting on _handoff for a connection
        self._handoff: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._pool_lock:
            if self._idle:
                self._idle -= 1
                self._handoff.put((request, client_address))
                return
            thread = threading.Thread(
                target=self._work,
                args=(request, client_address),
                name=f"fake-ghe:{self.port} connection",  # a thread left behind says whose
                daemon=True,
            )
            self._workers = [known for known in self._workers if known.is_alive()]
            self._workers.append(thread)
        thread.start()

    def _work(self, request: Any, client_address: Any) -> None:
        job: tuple[Any, Any] | None = (request, client_address)
        while job is not None:
            self.process_request_thread(*job)  # serves the connection until it ends
            with self._pool_lock:
                if self._stopping.is_set() or self._idle >= IDLE_THREADS:
                    return
                self._idle += 1
            job = self._handoff.get()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        self.connections.opened(request)
        super().process_request_thread(request, client_address)

    def close_request(self, request: Any) -> None:
        self.connections.closed(request)
        super().close_request(request)

    def serve_until_stopped(self) -> None:
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.socket, selectors.EVENT_READ)
                selector.register(self._wake_read, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    ready = selector.select()
                    if not self._stopping.is_set() and any(
                        key.fileobj is self.socket for key, _ in ready
                    ):
                        self._accept()
        finally:
            self.close()

    def _accept(self) -> None:
        # socketserver's handle_request(), without the second select it makes each time.
        try:
            request, client_address = self.get_request()
        except OSError:
            return  # gone already (or nothing there after all)
        if not self.verify_request(request, client_address):
            self.shutdown_request(request)
            return
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def end_connections(self, wait: float, busy_wait: float) -> None:
        """After the accept loop stopped: cut every connection, let the idle threads go, and
        wait for the threads to end: up to ``wait`` seconds for those that were waiting for a
        request (they end at once), ``busy_wait`` for those inside the app (a slow fault may
        sleep on; it is not waited for)."""
        busy = self.connections.close_all()
        with self._pool_lock:
            idle, self._idle = self._idle, 0
            threads = [thread for thread in self._workers if thread.is_alive()]
        for _ in range(idle):
            self._handoff.put(None)
        now = time.monotonic()
        for thread in threads:
            deadline = now + (busy_wait if thread in busy else wait)
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def wake_to_stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_write.send(b"x")

    def close(self) -> None:
        """Close the listening socket and the wake-up pair."""
        self.server_close()
        self._wake_read.close()
        self._wake_write.close()


class LiveServer:
    """Serve ``app`` on ``host:port`` (port 0 picks a free one) until ``stop()``.

    Connections are kept alive (HTTP/1.1) until the client closes them, they sit idle for
    ``timeout`` seconds, or the server stops.
    """

    def __init__(
        self,
        app: WSGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.host = host
        # A class of its own, so that this server's timeout is not every server's.
        base = QuietHandler if quiet else KeepAliveHandler
        self._handler: type[WSGIRequestHandler] = type("Handler", (base,), {"timeout": timeout})
        listener = bind(host, port)
        try:
            self._server = _Server(
                host,
                listener.getsockname()[1],
                dropping_connections(app),
                self._handler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # the server keeps its own duplicate of the descriptor
        self.port: int = self._server.port
        self._thread: threading.Thread | None = None

    @property
    def timeout(self) -> float:
        """Seconds a connection may stay idle or stalled before it is dropped."""
        value: float = self._handler.timeout  # type: ignore[assignment]
        return value

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        # socketserver's StreamRequestHandler applies it to each new connection's socket;
        # werkzeug treats the socket.timeout that follows as a client that went away.
        self._handler.timeout = seconds

    @property
    def bound(self) -> str:
        """``HOST:PORT`` as bound: ``0.0.0.0:PORT`` listens on every interface."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT``, where a client on this machine reaches the server."""
        host = _CONNECT_TO.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def start(self) -> LiveServer:
        self._thread = threading.Thread(
            target=self._server.serve_until_stopped,
            name=f"fake-ghe:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, then cut the open connections (idle keep-alive ones included)."""
        self._server.wake_to_stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        else:
            self._server.close()
        self._server.end_connections(wait=STOP_WAIT, busy_wait=STOP_BUSY_WAIT)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
