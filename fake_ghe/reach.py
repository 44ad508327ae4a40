"""Where a ``FakeGHE`` answers: in-process (``intercept()``, httpx transports) and over a socket
(``serve()``), and the URLs of each.

Every ``intercept()`` and ``serve()`` is a start of its own, and each ``with`` undoes only the
start it entered: ``with fake.intercept(): with fake.serve(): ...`` leaves the interception on
after the inner block. What is started stays on while any start of it is live, and
``close()`` (or ``with fake:``) stops everything at once.

So that ``with FakeGHE().intercept() as fake:`` and ``fake = FakeGHE().serve()`` go on working,
a start returns a *handle*: an instance of the fake's own class that shares the fake's state
(its ``__dict__``), so every method works on it, and that remembers its start, so its
``__exit__`` undoes just that. Entering it gives the fake itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from .config import DEFAULT_HOSTNAME, Config, split_hostname
from .errors import NotNow
from .inprocess import Hosts
from .runtime import Runtime

if TYPE_CHECKING:
    from .httpx_patch import Route
    from .httpx_transport import AsyncHTTPXTransport, HTTPXTransport
    from .server import LiveServer
    from .transports import ResponsesTransport

_R = TypeVar("_R", bound="Reach")
# One start: what it started ("requests", "httpx" or "serve") and its own token.
Start = tuple[str, object]
KINDS = ("requests", "httpx", "serve")


class Reach:
    """``FakeGHE``'s transports, servers and URLs (a mixin: it needs ``runtime`` and ``wsgi``)."""

    runtime: Runtime
    wsgi: Callable[[dict[str, Any], Callable[..., Any]], Any]

    def _init_reach(self, hostname: str, scheme: str) -> None:
        self._reach_lock = threading.RLock()
        self._transport: ResponsesTransport | None = None
        self._httpx_route: Route | None = None
        self._server: LiveServer | None = None
        self._keep_hostname = False
        # The live starts of each kind; a kind runs while its set is not empty.
        self._starts: dict[str, set[object]] = {kind: set() for kind in KINDS}
        self._hosts = Hosts(["https://fake-ghe.invalid"])  # configure() sets the real ones
        self.configure(hostname, scheme=scheme)

    # ------------------------------------------------------------------ URLs

    def configure(self, hostname: str = DEFAULT_HOSTNAME, *, scheme: str = "https") -> None:
        """Set the host that ``intercept()`` answers and that ``url`` fields name."""
        if self._transport is not None:
            raise NotNow("stop intercepting (close()) before changing the hostname")
        self.scheme, self.hostname = split_hostname(hostname, scheme)
        self._moved()

    def _moved(self) -> None:
        """After the hostname or the server changed: url fields, and the hosts answered."""
        # While served over a socket, url fields name the address the client used (GHE builds
        # them from its configured hostname; a throwaway server has none). In-process requests
        # carry the public hostname in Host, so they get the same urls either way.
        # ``serve(keep_hostname=True)`` keeps the public name (fake-ghe serve --hostname).
        served = self._server is not None and not self._keep_hostname
        hostname = None if served else self.hostname
        self.runtime.config = replace(self.config, hostname=hostname, scheme=self.scheme)
        # [decision] In-process transports answer the socket's URL too while served: one
        # state, the same faults and answers as over the socket, and no passthrough to keep in
        # step with the server (a test mock started before the fake would refuse it).
        served_url = self.served_url
        self._hosts.set([self.inprocess_url] + ([served_url] if served_url else []))

    @property
    def config(self) -> Config:
        return self.runtime.config

    @property
    def inprocess_url(self) -> str:
        """Where in-process clients reach the fake: ``https://ghe.example.com`` (its hostname),
        whether or not it is intercepting or served; stable until ``configure()``."""
        return f"{self.scheme}://{self.hostname}"

    @property
    def served_url(self) -> str | None:
        """``http://127.0.0.1:PORT`` while served (the same through nested ``serve()``s), else
        None."""
        return self._server.root_url if self._server is not None else None

    @property
    def root_url(self) -> str:
        """``served_url`` while served (any client reaches it), else ``inprocess_url``."""
        # [decision] As before issue 11 (fake_ghe_server.base_url and fake-ghe serve rely on
        # it): the URL that works for every client. The two stable ones are named apart.
        return self.served_url or self.inprocess_url

    @property
    def base_url(self) -> str:
        """Where clients find the API: ``root_url`` + ``/api/v3``."""
        return self.root_url + self.config.api_prefix

    def url(self, path: str) -> str:
        """``base_url`` + ``path``, with or without the API prefix: ``fake.url("/authorizations")``
        and ``fake.url("/api/v3/authorizations")`` are one URL, as fault paths take either."""
        path, prefix = "/" + path.lstrip("/"), self.config.api_prefix
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        return self.base_url + "/" + path.lstrip("/")

    # ------------------------------------------------------------------ starting

    def intercept(
        self: _R, *, passthrough: Iterable[str | re.Pattern[str]] = (), httpx: bool = False
    ) -> _R:
        """Answer ``requests`` calls to the fake's hosts in-process until this start is undone
        (``with``) or ``close()``; with ``httpx=True`` every httpx client of the process too.

        Its hosts are ``inprocess_url`` and, while served, ``served_url``. Other hosts get
        responses' ConnectionError (httpx's ConnectError) unless their URL starts with one of
        ``passthrough``; a ``responses`` mock the caller started before keeps answering them.
        """
        prefixes = list(passthrough)
        with self._reach_lock:
            starts = [self._start_requests(prefixes)]
            if httpx:
                try:
                    starts.append(self._start_httpx())
                except BaseException:
                    self._undo(starts)  # all or nothing: no interception left behind
                    raise
        return self._handle(starts)

    def _start_requests(self, passthrough: list[str | re.Pattern[str]]) -> Start:
        if self._transport is None:
            from .transports import ResponsesTransport

            self._transport = ResponsesTransport(self.wsgi, self._hosts, passthrough=passthrough)
            self._transport.start()
        else:
            # [decision] Prefixes added by a nested intercept() stay until interception ends:
            # responses has no public way to take one back.
            for prefix in passthrough:
                self._transport.add_passthrough(prefix)
        return self._started("requests")

    def _start_httpx(self) -> Start:
        if self._httpx_route is None:
            try:
                from . import httpx_patch
                from .httpx_transport import AsyncHTTPXTransport, HTTPXTransport
            except ImportError as error:  # httpx is not a dependency of fake-ghe
                raise ImportError(f"intercept(httpx=True) needs httpx: {error}") from error

            assert self._transport is not None  # httpx is intercepted along with requests
            self._httpx_route = httpx_patch.Route(
                HTTPXTransport(self.wsgi, self._hosts),
                AsyncHTTPXTransport(self.wsgi, self._hosts),
                self._transport.passthrough,
            )
            httpx_patch.add(self._httpx_route)
        return self._started("httpx")

    def passthrough(self, prefix: str | re.Pattern[str]) -> None:
        """While intercepting, let requests to URLs starting with ``prefix`` reach the network."""
        if self._transport is None:
            raise NotNow("passthrough only applies while intercepting (call intercept())")
        self._transport.add_passthrough(prefix)  # the httpx patch reads the same list

    def serve(
        self: _R, host: str = "127.0.0.1", port: int = 0, *, keep_hostname: bool = False
    ) -> _R:
        """Serve the API over a real socket (port 0: a free one) until this start is undone
        (``with``) or ``close()``. Served already, it goes on on the same address.

        ``url`` fields name the address each request was sent to, unless ``keep_hostname``:
        then they name ``hostname`` (a server reached through that name, e.g. a proxy).
        Raises ``fake_ghe.server.PortInUse`` if the address is taken.
        """
        with self._reach_lock:
            if self._server is None:
                from .server import LiveServer

                self._server = LiveServer(self.wsgi, host, port).start()
                self._keep_hostname = keep_hostname
                self._moved()
            start = self._started("serve")
        return self._handle([start])

    def _started(self, kind: str) -> Start:
        token = object()
        self._starts[kind].add(token)
        return kind, token

    @property
    def server(self) -> LiveServer | None:
        """The live server while serving, else None."""
        return self._server

    def httpx_transport(self) -> HTTPXTransport:
        """An ``httpx.BaseTransport`` answering the fake's hosts in-process:
        ``httpx.Client(transport=fake.httpx_transport(), base_url=fake.base_url)``."""
        from .httpx_transport import HTTPXTransport

        return HTTPXTransport(self.wsgi, self._hosts)

    def async_httpx_transport(self) -> AsyncHTTPXTransport:
        """The ``httpx.AsyncBaseTransport`` counterpart, for ``httpx.AsyncClient``."""
        from .httpx_transport import AsyncHTTPXTransport

        return AsyncHTTPXTransport(self.wsgi, self._hosts)

    # ------------------------------------------------------------------ stopping

    def _undo(self, starts: Iterable[Start]) -> None:
        """Undo these starts; what has no live start left stops. A start that ``close()``
        already ended is nothing to undo."""
        with self._reach_lock:
            for kind, token in starts:
                self._starts[kind].discard(token)
            self._stop_idle()

    def close(self) -> None:
        """Stop intercepting and serving (each only if started), whatever starts are live."""
        with self._reach_lock:
            for tokens in self._starts.values():
                tokens.clear()
            self._stop_idle()

    def _stop_idle(self) -> None:
        # httpx first: its patch reads the requests transport's passthrough list.
        route, transport, server = self._httpx_route, self._transport, self._server
        if route is not None and not self._starts["httpx"]:
            from . import httpx_patch

            self._httpx_route = None
            httpx_patch.remove(route)
        if transport is not None and not self._starts["requests"]:
            self._transport = None
            transport.stop()
        if server is not None and not self._starts["serve"]:
            self._server = None
            server.stop()
            self._moved()

    def __enter__(self: _R) -> _R:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ handles

    def _origin(self: _R) -> _R:
        """The fake itself (a handle names the fake it shares state with)."""
        return self

    def _handle(self: _R, starts: list[Start]) -> _R:
        fake = self._origin()
        handle: Any = object.__new__(_handle_class(type(fake)))
        handle.__dict__ = fake.__dict__  # one state: every method of the fake works on it
        handle._fake, handle._starts_made = fake, tuple(starts)
        result: _R = handle
        return result


class _Started:
    """What a handle adds to the fake's class: a ``with`` that undoes only its own start."""

    __slots__ = ()
    _fake: Reach
    _starts_made: tuple[Start, ...]

    def _origin(self) -> Reach:
        return self._fake

    def __enter__(self) -> Reach:
        return self._fake

    def __exit__(self, *exc: object) -> None:
        self._fake._undo(self._starts_made)

    def __eq__(self, other: object) -> bool:
        # The handle stands for its fake: ``FakeGHE().intercept() == fake`` compares fakes.
        return self._fake is getattr(other, "_fake", other)

    def __hash__(self) -> int:
        return hash(self._fake)


_HANDLE_CLASSES: dict[type, type] = {}


def _handle_class(cls: type) -> type:
    """``cls`` (``FakeGHE`` or a user's subclass) whose instances are handles."""
    handle = _HANDLE_CLASSES.get(cls)
    if handle is None:
        namespace = {"__slots__": ("_fake", "_starts_made"), "__module__": cls.__module__}
        # setdefault: two threads making the first handle of a class agree on one class.
        handle = _HANDLE_CLASSES.setdefault(cls, type(cls.__name__, (_Started, cls), namespace))
    return handle
