"""A live HTTP server over a fake's WSGI app, in a daemon thread, for clients that need a socket."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .errors import FakeGHEError
from .faults import DISCONNECT_KEY

# A WSGI application, as both transports (this server and the in-process one) take it.
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# A wildcard address is where the server listens, not where a client can connect.
_CONNECT_TO = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class PortInUse(FakeGHEError, OSError):
    """The address is taken (werkzeug itself would print and ``sys.exit(1)``)."""


class QuietHandler(WSGIRequestHandler):
    # One log line per request costs ~12% of throughput and floods test output.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


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


class LiveServer:
    """Serve ``app`` on ``host:port`` (port 0 picks a free one) until ``stop()``."""

    def __init__(
        self,
        app: WSGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = True,
        poll_interval: float = 0.05,
    ) -> None:
        self.host = host
        self._poll_interval = poll_interval
        listener = bind(host, port)
        try:
            self._server: BaseWSGIServer = make_server(
                host,
                listener.getsockname()[1],
                dropping_connections(app),
                threaded=True,
                request_handler=QuietHandler if quiet else None,
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # make_server keeps its own duplicate of the descriptor
        self.port: int = self._server.port
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT``, where a client on this machine reaches the server."""
        host = _CONNECT_TO.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def start(self) -> LiveServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": self._poll_interval},
            name=f"fake-ghe:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; with a short poll interval this takes well under a second."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
