"""``intercept(httpx=True)``: every httpx client in the process reaches the fakes, as respx does.

Code under test that builds its own ``httpx.Client()`` or ``AsyncClient()`` cannot be handed a
transport, so the public transport classes' ``handle_request`` / ``handle_async_request``
(``httpx.HTTPTransport`` / ``httpx.AsyncHTTPTransport``, which every client uses unless given
another transport) are patched while at least one fake intercepts httpx:

* a URL on a fake's host is answered by that fake in-process (the newest fake first, as with
  requests);
* a URL that starts with a passthrough prefix of any intercepting fake goes to the transport
  that was in place before the patch (the network);
* anything else is ``httpx.ConnectError`` naming fake-ghe's hosts, and never touches the
  network: test credentials must not reach a real host by a typo.

One patch for the whole process, whatever the number of fakes; guarded by one lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import httpx

from . import redact
from .httpx_transport import AsyncHTTPXTransport, HTTPXTransport
from .inprocess import passes_through, unanswered


class Route:
    """One fake's interception: its transports and its (live) list of passthrough prefixes."""

    def __init__(
        self,
        sync: HTTPXTransport,
        async_: AsyncHTTPXTransport,
        passthrough: list[str | re.Pattern[str]],
    ) -> None:
        self.sync, self.async_ = sync, async_
        # The same list the fake's requests transport holds: ``fake.passthrough()`` adds to both.
        self.passthrough = passthrough

    def handles(self, url: str) -> bool:
        return self.sync.hosts.handles(url)


# Newest first. Replaced whole under the lock, read without it: a request sees one version.
_routes: tuple[Route, ...] = ()
_lock = threading.Lock()
# What was in place before the patch: (handle_request, handle_async_request), or None.
_below: tuple[Callable[..., Any], Callable[..., Any]] | None = None


def add(route: Route) -> None:
    """Start answering ``route``'s hosts (patching httpx if no fake did)."""
    global _routes
    with _lock:
        _patch()
        _routes = (route, *_routes)


def remove(route: Route) -> None:
    """Stop answering ``route``'s hosts; the last one out takes the patch off."""
    global _routes
    with _lock:
        _routes = tuple(r for r in _routes if r is not route)
        if not _routes:
            _unpatch()


def _patch() -> None:
    global _below
    if _below is not None:
        return  # in place (or left in place under someone else's patch: see _unpatch)
    _below = (httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request)
    httpx.HTTPTransport.handle_request = _handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = _handle_async_request  # type: ignore[method-assign]


def _unpatch() -> None:
    global _below
    if _below is None:
        return
    if (
        httpx.HTTPTransport.handle_request is not _handle_request
        or httpx.AsyncHTTPTransport.handle_async_request is not _handle_async_request
    ):
        # Someone patched over us and is still in place: putting ours back would take theirs
        # off too. Ours stays, answering nothing and passing everything down.
        return
    httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request = _below  # type: ignore[method-assign]
    _below = None


def _route(request: httpx.Request) -> Route | None:
    """The fake that answers ``request``; None to pass it down; ConnectError for neither."""
    routes = _routes
    if not routes:
        return None
    url = str(request.url)
    for route in routes:
        if route.handles(url):
            return route
    # [decision] A prefix any intercepting fake lets through goes through: the fakes of one
    # test share one process-wide patch, so they share what may leave it.
    if any(passes_through(url, route.passthrough) for route in routes):
        return None
    roots = [root for route in routes for root in route.sync.hosts.roots]
    raise httpx.ConnectError(
        f"fake-ghe: no fake answers {redact.url(url)}: {unanswered(roots)}", request=request
    )


def _handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    below, route = _below, _route(request)
    if route is not None:
        return route.sync.handle_request(request)
    # None: unpatched since this call began; the class holds the original again.
    send = below[0] if below is not None else httpx.HTTPTransport.handle_request
    response: httpx.Response = send(self, request)
    return response


async def _handle_async_request(
    self: httpx.AsyncHTTPTransport, request: httpx.Request
) -> httpx.Response:
    below, route = _below, _route(request)
    if route is not None:
        return await route.async_.handle_async_request(request)
    send = below[1] if below is not None else httpx.AsyncHTTPTransport.handle_async_request
    response: httpx.Response = await send(self, request)
    return response
