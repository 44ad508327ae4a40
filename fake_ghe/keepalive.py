"""HTTP/1.1 keep-alive for the live server: one connection answers many requests.

GHE (nginx in front of Rails) kept connections alive; werkzeug's dev server answers every
request with ``Connection: close``, so a client paid a new TCP connection and the server a new
thread per request. This handler keeps the connection open whenever the next request can be read
safely: the answer is framed (Content-Length, chunked, or a status without a body) and the
request's body has been read to its end.
"""

from __future__ import annotations

import contextlib
import io
import selectors
import socket
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import InternalServerError
from werkzeug.serving import WSGIRequestHandler

from .config import valid_host

# [decision] An unread request body up to this size is read and dropped after the answer so the
# connection can carry the next request (an auth failure before the JSON was parsed, a GET with
# a body); a larger one is not worth reading: the connection closes instead, as nginx does.
DRAIN_LIMIT = 1024 * 1024
# Before closing on a body left unread, what the client is still sending is read (for at most
# these bounds), as werkzeug does: a client that writes its whole body before reading (requests)
# would otherwise get a connection reset instead of the answer.
LINGER_QUIET = 0.01  # seconds without data that end the draining
LINGER_BYTES = 64 * 1024 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


class Body(io.RawIOBase):
    """``wsgi.input`` limited to the request's Content-Length, counting what is left unread."""

    def __init__(self, stream: io.BufferedIOBase, length: int) -> None:
        super().__init__()
        self._stream = stream
        self.remaining = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.remaining <= 0:
            return 0
        view = memoryview(buffer).cast("B")[: self.remaining]
        count = self._stream.readinto(view)
        if not count:
            # The client closed before sending all it announced: nothing more will come.
            self.remaining = 0
            return 0
        self.remaining -= count
        return count

    def drain(self) -> bool:
        """Read and drop the rest; False if the connection ended (or stalled) first."""
        try:
            while self.remaining > 0:
                chunk = self._stream.read(min(self.remaining, 65536))
                if not chunk:
                    return False
                self.remaining -= len(chunk)
        except OSError:  # reset, or silent for the handler's timeout
            return False
        return True


class Connections:
    """The open connections of one server, so that stopping it can end them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[socket.socket, threading.Thread] = {}
        self._busy: set[socket.socket] = set()
        self._closing = False

    def opened(self, conn: socket.socket) -> None:
        """Called by the thread that serves ``conn``, before it reads anything."""
        with self._lock:
            self._open[conn] = threading.current_thread()
            closing = self._closing
        if closing:  # accepted just before the server stopped
            _cut(conn)

    def closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._open.pop(conn, None)
            self._busy.discard(conn)

    def busy(self, conn: socket.socket, busy: bool) -> None:
        """Whether ``conn``'s thread is inside the app (not waiting for the next request)."""
        with self._lock:
            if busy:
                self._busy.add(conn)
            else:
                self._busy.discard(conn)

    def close_all(self) -> set[threading.Thread]:
        """Cut every open connection (and any opened later): a thread waiting for its next
        request ends at once. The threads still inside the app (answering, or sleeping in a
        slow fault) are returned: their answers have nowhere to go now."""
        with self._lock:
            self._closing = True
            cut = list(self._open)
            busy = {self._open[conn] for conn in self._busy if conn in self._open}
        for conn in cut:
            _cut(conn)
        return busy


def _cut(conn: socket.socket) -> None:
    """End a connection under its thread: a read waiting for the next request returns at once."""
    with contextlib.suppress(OSError):  # already closed by its client or its thread
        conn.shutdown(socket.SHUT_RDWR)


class KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's request handler, answering HTTP/1.1 requests without closing the connection.

    The server using it keeps its open connections in a ``connections`` attribute
    (``Connections``), which this marks busy while the app runs.
    """

    protocol_version = "HTTP/1.1"
    # Buffered, so that the head and a body go out in one segment when the answer is flushed:
    # written apart, the second waits for the client's delayed ACK (Nagle), ~40 ms a request.
    wbufsize = -1
    # Each answer is flushed whole; nothing is gained by holding its last segment back.
    disable_nagle_algorithm = True
    _answered = False

    def _registry(self) -> Connections:
        registry: Connections = self.server.connections  # type: ignore[attr-defined]
        return registry

    def log_error(self, format: str, *args: Any) -> None:
        # An idle keep-alive connection timing out (``timeout``) is how one normally ends.
        if self._answered and args and isinstance(args[0], TimeoutError):
            return
        super().log_error(format, *args)

    def run_wsgi(self) -> None:
        registry = self._registry()
        registry.busy(self.connection, True)
        try:
            self._answer()
        finally:
            registry.busy(self.connection, False)
            self._answered = True

    def _answer(self) -> None:
        # http.server answered an ``Expect: 100-continue`` already (werkzeug's own handler
        # sends a second one); it waits in the buffer, and the client waits for it to send
        # the body.
        self.wfile.flush()
        environ = self.make_environ()
        words = self.requestline.split()
        if len(words) == 3:
            # The target as sent: http.server turns a leading "//" into "/" in self.path
            # (against open redirects), and the app answers such a path 404, as in-process.
            environ["RAW_URI"] = environ["REQUEST_URI"] = words[1]
        body = self._body(environ)
        host = environ.get("HTTP_HOST")
        if body is None or self.request_version != "HTTP/1.1" or not valid_host(host or ""):
            # An unknown end of the body: the next request cannot be found. HTTP/1.0 closes by
            # default and has no chunked framing. A request without a valid Host is malformed
            # (RFC 9112 3.2), and nginx closed after answering one.
            self.close_connection = True
        exchange = _Exchange(self, environ, body)
        try:
            exchange.run(self.server.app)
        except (ConnectionError, TimeoutError) as error:
            # The client went away or stopped reading, or a fault dropped the connection.
            self.close_connection = True
            self.connection_dropped(error, environ)
            return
        except Exception:
            # A bug in the app: answer 500 if nothing was sent yet, and close either way.
            self.close_connection = True
            failure = traceback.format_exc()
            if exchange.status_sent is None:
                with contextlib.suppress(Exception):
                    _Exchange(self, environ, body).run(InternalServerError())
            self.server.log("error", f"Error on request:\n{failure}")
        if body is not None and not body.remaining:
            return
        if self.close_connection or body is None:
            self._linger()
        elif not body.drain():
            self.close_connection = True

    def _body(self, environ: dict[str, Any]) -> Body | None:
        """Wrap ``wsgi.input`` so what is left unread is known; None if that cannot be known
        (a chunked body, or a Content-Length that is not a number): the connection then closes."""
        if environ.get("wsgi.input_terminated"):
            return None
        raw = environ.get("CONTENT_LENGTH") or "0"
        if not raw.isdigit():
            return None
        body = Body(self.rfile, int(raw))
        environ["wsgi.input"] = body
        return body

    def _linger(self) -> None:
        """Read what the client is still sending, so closing does not reset the answer away."""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.connection, selectors.EVENT_READ)
                total = 0
                while total < LINGER_BYTES and selector.select(timeout=LINGER_QUIET):
                    data = self.connection.recv(65536)
                    if not data:
                        break
                    total += len(data)
        except (OSError, ValueError):
            pass  # the connection is gone already


class _Exchange:
    """One WSGI call: start_response and the framing of the answer it sends."""

    def __init__(
        self, handler: KeepAliveHandler, environ: dict[str, Any], body: Body | None
    ) -> None:
        self._handler = handler
        self._environ = environ
        self._body = body
        self._status: str | None = None
        self._headers: list[tuple[str, str]] = []
        self.status_sent: str | None = None
        self._chunked = False

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info:
            try:
                if self.status_sent is not None:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self._status is not None:
            raise AssertionError("Headers already set")
        self._status, self._headers = status, headers
        return self.write

    def run(self, app: Callable[..., Iterable[bytes]]) -> None:
        result = app(self._environ, self.start_response)
        try:
            for data in result:
                self.write(data)
            if self.status_sent is None:
                self.write(b"")
            if self._chunked:
                self._handler.wfile.write(b"0\r\n\r\n")
            # Once, at the end: head, body and the chunked terminator leave in one segment
            # (a longer body goes out as the buffer fills).
            self._handler.wfile.flush()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def write(self, data: bytes) -> None:
        handler = self._handler
        if self.status_sent is None:
            self._send_head()
        if data:
            if self._chunked:
                handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            else:
                handler.wfile.write(data)

    def _send_head(self) -> None:
        handler = self._handler
        assert self._status is not None, "write() before start_response"
        self.status_sent = self._status
        code_text, _, reason = self._status.partition(" ")
        code = int(code_text)
        names = {name.lower() for name, _ in self._headers}
        bodiless = (
            self._environ["REQUEST_METHOD"] == "HEAD"
            or 100 <= code < 200
            or code in _NO_BODY_STATUSES
        )
        if "content-length" not in names and not bodiless:
            if handler.request_version == "HTTP/1.1":
                self._chunked = True
            else:
                handler.close_connection = True  # the end of the body is the end of the connection
        body = self._body
        if body is not None and body.remaining > DRAIN_LIMIT:
            handler.close_connection = True  # answered before the body came: it is not read
        handler.send_response(code, reason)
        for name, value in self._headers:
            handler.send_header(name, value)
        if self._chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        if handler.close_connection:
            handler.send_header("Connection", "close")
        handler.end_headers()
