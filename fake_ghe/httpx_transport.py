"""httpx transports, sync and async, that answer a fake's hosts through its WSGI app in-process.

Imported only when asked for (``FakeGHE.httpx_transport()``, ``intercept(httpx=True)``):
httpx is not a dependency of fake-ghe.

Unlike ``httpx.WSGITransport`` (sync only, and a disconnect fault comes back as an empty 502),
faults become httpx's own exceptions, as over a socket: a slow fault longer than the client's
read timeout is ``httpx.ReadTimeout`` after that timeout; a disconnect is
``httpx.RemoteProtocolError``, as httpcore raises when a server closes without a status line.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx

from . import redact
from .faults import CLIENT_TIMEOUT_KEY
from .inprocess import (
    Hosts,
    Outcome,
    build_environ,
    call,
    outcome,
    timed_out_message,
    unanswered,
)

if TYPE_CHECKING:
    from .server import WSGIApp

__all__ = ["DISCONNECTED", "AsyncHTTPXTransport", "HTTPXTransport", "read_timeout"]

# httpcore's own words when the server closes the connection before a status line.
DISCONNECTED = "Server disconnected without sending a response."

# anyio 4.1 renamed ``cancellable``; both let a cancelled task go at once, the call finishing
# in its thread (as a server goes on after its client hung up). Typed loosely for that keyword.
_run_sync: Callable[..., Awaitable[Any]] = anyio.to_thread.run_sync
_ABANDON = (
    {"abandon_on_cancel": True}
    if "abandon_on_cancel" in inspect.signature(anyio.to_thread.run_sync).parameters
    else {"cancellable": True}
)


def read_timeout(request: httpx.Request) -> float | None:
    """The client's read timeout for ``request`` (httpx puts it in the request's extensions)."""
    timeout = request.extensions.get("timeout", {}).get("read")
    return float(timeout) if isinstance(timeout, (int, float)) else None


class _Answering:
    """What both transports share: the hosts they answer and one request's run."""

    def __init__(self, app: WSGIApp, hosts: str | Hosts) -> None:
        self.wsgi_app = app
        self.hosts = hosts if isinstance(hosts, Hosts) else Hosts([hosts])

    def _run(self, request: httpx.Request, body: bytes) -> httpx.Response:
        """Answer ``request`` (blocking: the async transport calls this in a thread)."""
        url = str(request.url)
        # [decision] Unlike httpx.WSGITransport, only the fake's own URLs are answered: a client
        # that wanders to another host (a redirect, a wrong base_url) is told so, not answered
        # by the fake under a name that is not its own.
        if not self.hosts.handles(url):
            raise httpx.ConnectError(
                f"fake-ghe: no fake answers {redact.url(url)}: "
                + unanswered(self.hosts.roots, intercepting=False),
                request=request,
            )
        environ = build_environ(request.method, url, request.headers.multi_items(), body)
        timeout = read_timeout(request)
        if timeout is not None:
            environ[CLIENT_TIMEOUT_KEY] = timeout
        status, headers, content = call(self.wsgi_app, environ)
        seen = outcome(environ)
        if seen is Outcome.TIMED_OUT:
            raise httpx.ReadTimeout(
                timed_out_message(timeout, request.method, url), request=request
            )
        if seen is Outcome.DISCONNECTED:
            raise httpx.RemoteProtocolError(DISCONNECTED, request=request)
        code, _, reason = status.partition(" ")
        return httpx.Response(
            int(code),
            headers=headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1")},
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {', '.join(self.hosts.roots)}>"


class HTTPXTransport(_Answering, httpx.BaseTransport):
    """``httpx.Client(transport=fake.httpx_transport())``: the fake's hosts answered in-process.

    A request for any other host is ``httpx.ConnectError`` naming the fake's hosts.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._run(request, request.read())


class AsyncHTTPXTransport(_Answering, httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=fake.async_httpx_transport())``, as ``HTTPXTransport``.

    The app runs in a worker thread, so a slow fault never blocks the event loop.
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        response: httpx.Response = await _run_sync(self._run, request, body, **_ABANDON)
        return response
