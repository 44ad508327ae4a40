"""How requests reach a fake's WSGI app: in-process through ``responses``, or over a socket.

The live server is ``fake_ghe.server.LiveServer``. The in-process adapter here patches
``requests`` with a ``responses.RequestsMock`` of its own and answers each request for the
fake's host itself: it runs the WSGI app with no socket and builds urllib3's response from
what the app wrote (its status line, reason included, and every header). Nothing of it is
recorded: responses keeps every request and response it answers for as long as its mock
lives, which for a session-long interception is every body of the session.

Living with the test's own ``responses`` mocks (see the traps in the project's STYLE notes):

* A mock started after ours (``@responses.activate``, ``with RequestsMock()``) replaces the
  patch of ``HTTPAdapter.send``. While an adapter is active, every ``RequestsMock`` hands
  requests for the fake's host to it (a class-wide patch of ``RequestsMock._on_request``),
  so the test's stubs answer their hosts and the fake its own; the fake's calls stay out of
  the test's ``responses.calls``.
* A mock started before ours stays reachable: requests that are not for the fake go down
  to it, so its stubs keep answering.
* Our mock holds one registration, which never answers: it only names the fake's hosts in
  responses' "no match" message. Our mock never touches another mock's registrations, and
  theirs never hold ours, so one mock's ``__exit__`` (which clears its registrations) cannot
  unregister the fake.
* Several fakes stack their patches. Stopping one that is not the last started cannot take
  its patch off (that would take off the ones above too): it stops answering its host at
  once, and its patch comes off when those above it have stopped.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast
from unittest import mock as std_mock

import requests
import responses
from requests.adapters import HTTPAdapter
from urllib3 import HTTPHeaderDict, HTTPResponse
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

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

__all__ = ["ResponsesTransport", "read_timeout", "wsgi_environ"]


class _Patch:
    """One transport's patch of requests: its mock and its ``_on_request`` hook."""

    def __init__(self, mock: responses.RequestsMock, route: _FakeRoute, hook: Any) -> None:
        self.mock, self.route, self.hook = mock, route, hook
        self.stopped = False

    def undo(self) -> None:
        self.hook.stop()
        self.mock.stop(allow_assert=False)


# The patches of the started transports, oldest first. Patches nest (each one saves what was
# in place when it started and puts that back), so they come off in reverse order only.
_PATCHES: list[_Patch] = []
_PATCHES_LOCK = threading.Lock()


class ResponsesTransport:
    """Patch ``requests`` so that every request for ``root_url`` is answered by ``app``.

    ``root_url`` may be a ``Hosts``: then every root it holds is answered, as it changes (a
    fake that is also served answers its socket's URL in-process too).
    Requests for other hosts fail with responses' ConnectionError, unless their URL starts
    with one of ``passthrough`` (strings or compiled patterns), or a mock started before this
    one takes them.
    """

    def __init__(
        self,
        app: WSGIApp,
        root_url: str | Hosts,
        *,
        passthrough: Iterable[str | re.Pattern[str]] = (),
    ) -> None:
        self.wsgi_app = app
        self.hosts = root_url if isinstance(root_url, Hosts) else Hosts([root_url])
        self.root_url = self.hosts.roots[0]
        # The bound method itself: the hot path pays one call and one match, as before.
        self.handles: Callable[[str], bool] = self.hosts.handles
        self.passthrough = list(passthrough)
        self.mock: responses.RequestsMock | None = None
        self._patch: _Patch | None = None

    def start(self) -> ResponsesTransport:
        with _PATCHES_LOCK:
            if self.mock is None:
                self._start()
        return self

    def _start(self) -> None:
        # real_adapter_send (responses >= 0.24) is where passthrough goes: the send that was
        # in place before us, so a mock started earlier still answers what is not ours.
        below = HTTPAdapter.send
        # cast: responses annotates real_adapter_send more narrowly than requests types send.
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=cast(Any, below)
        )
        route = _FakeRoute(self)
        mock.add(route)
        if below is responses._real_send:
            for prefix in self.passthrough:
                mock.add_passthru(prefix)
        else:
            # Another mock (or patch) is active: what is not ours is its to answer.
            mock.add_passthru(re.compile(".*"))
        mock.start()
        redirect = _redirect(self, responses.RequestsMock._on_request)
        hook = std_mock.patch.object(responses.RequestsMock, "_on_request", redirect)
        hook.start()
        self._patch = _Patch(mock, route, hook)
        _PATCHES.append(self._patch)
        self.mock = mock

    def stop(self) -> None:
        """Stop answering the host; requests is restored once every later transport stopped.

        Stopped before a transport started after it, this one's host gets responses'
        ConnectionError (never the real network) until that one stops too.
        """
        with _PATCHES_LOCK:
            patch, self._patch, self.mock = self._patch, None, None
            if patch is None:
                return
            patch.mock.remove(patch.route)
            patch.stopped = True
            while _PATCHES and _PATCHES[-1].stopped:
                _PATCHES.pop().undo()

    def add_passthrough(self, prefix: str | re.Pattern[str]) -> None:
        """Let requests whose URL starts with ``prefix`` (or matches it) reach the network."""
        self.passthrough.append(prefix)
        if self.mock is not None:
            self.mock.add_passthru(prefix)

    def __enter__(self) -> ResponsesTransport:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ one request

    def send(
        self, adapter: HTTPAdapter, request: requests.PreparedRequest, timeout: Any
    ) -> requests.Response:
        """Answer ``request`` as ``adapter.send`` would: requests' Response, or its exception.

        Retries on status as urllib3 does for a real send (requests hands it the adapter's
        ``max_retries``), with public urllib3 API: ``is_retry``, ``increment``, and
        ``RetryError`` once they run out, if ``raise_on_status``.
        """
        method = request.method or "GET"
        body: Any = request.body  # typed bytes | str | None; requests also sends files, generators
        data = _body_bytes(body)
        if body is not None and not isinstance(body, (bytes, str)):
            # A file or generator reads once: keep the bytes, for a retry and for the test
            # reading response.request.body (as responses did).
            request.body = data
        read = read_timeout(timeout)
        retries = adapter.max_retries
        while True:
            raw = self.respond(request, data, read, retries)
            # [decision] In-process retries do not sleep (no backoff, no Retry-After wait),
            # as under responses: the answer is the same at once, and a test should not wait.
            if not retries.is_retry(method, raw.status, bool(raw.headers.get("Retry-After"))):
                break
            try:
                retries = retries.increment(method, str(request.url), response=raw)
            except MaxRetryError as error:
                if retries.raise_on_status:
                    # What requests' HTTPAdapter.send raises for urllib3's ResponseError.
                    raise requests.exceptions.RetryError(error, request=request) from None
                break
        return adapter.build_response(request, raw)

    def respond(
        self,
        request: requests.PreparedRequest,
        body: bytes,
        timeout: float | None,
        retries: Retry | None = None,
    ) -> HTTPResponse:
        """Run ``request`` through the app once: urllib3's response, as a socket gives it, or
        requests' exception for what a fault made the client see."""
        method = request.method or "GET"
        environ = build_environ(method, str(request.url), request.headers.items(), body)
        if timeout is not None:
            environ[CLIENT_TIMEOUT_KEY] = timeout
        status, headers, content = call(self.wsgi_app, environ)
        seen = outcome(environ)
        if seen is Outcome.TIMED_OUT:
            raise requests.exceptions.ReadTimeout(
                timed_out_message(timeout, method, str(request.url)), request=request
            )
        if seen is Outcome.DISCONNECTED:
            # What requests raises when the server closes the connection without a status line.
            raise requests.exceptions.ConnectionError(
                "('Connection aborted.', RemoteDisconnected('Remote end closed connection "
                "without response'))",
                request=request,
            )
        fields = HTTPHeaderDict()
        for name, value in headers:
            fields.add(name, value)  # add, not set: several Set-Cookie stay several
        code, _, reason = status.partition(" ")
        return HTTPResponse(
            body=io.BytesIO(content),
            headers=fields,
            status=int(code),
            # The app's own reason (GHE's "422 Unprocessable Entity"), as over a socket, not
            # http.client's table, which renames some (Python 3.13: "Unprocessable Content").
            reason=reason,
            version=11,
            preload_content=False,
            # cast: urllib3 types this as http.client's response; requests reads only its msg.
            original_response=cast(Any, _Message(fields)),
            retries=retries,
            request_method=method,
            request_url=str(request.url),
        )


class _Message:
    """The part of ``http.client.HTTPResponse`` that requests and urllib3 read of urllib3's
    ``original_response``: ``msg`` (requests takes cookies from it), ``isclosed`` and
    ``close`` (the whole body is in memory: nothing to close)."""

    __slots__ = ("msg",)

    def __init__(self, msg: HTTPHeaderDict) -> None:
        self.msg = msg

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


class _FakeRoute(responses.BaseResponse):
    """The fake's registration in its mock: it never answers (the hook does, before responses
    looks at registrations); it names the fake's hosts in responses' "no match" message."""

    def __init__(self, transport: ResponsesTransport) -> None:
        # "ANY" and the root URL are what responses' "no match" message lists for it.
        super().__init__("ANY", transport.root_url + "/")
        self._transport = transport

    def matches(self, request: requests.PreparedRequest) -> tuple[bool, str]:
        roots = [root for patch in list(_PATCHES) for root in patch.route.roots()]
        return False, f"is fake-ghe's host; this request is for another. {unanswered(roots)}"

    def roots(self) -> tuple[str, ...]:
        return () if self._transport.mock is None else self._transport.hosts.roots


def _redirect(transport: ResponsesTransport, on_request: Callable[..., Any]) -> Callable[..., Any]:
    """``RequestsMock._on_request`` that answers the fake's requests itself, whatever mock
    received them; everything else goes where it went before (the hook of a fake started
    earlier, then responses' own: passthrough, another mock's stubs, or "no match")."""
    handles = transport.handles

    def _on_request(mock_self: Any, adapter: Any, request: Any, **kwargs: Any) -> Any:
        if transport.mock is not None and handles(str(request.url)):
            return transport.send(adapter, request, kwargs.get("timeout"))
        return on_request(mock_self, adapter, request, **kwargs)

    return _on_request


def read_timeout(timeout: Any) -> float | None:
    """The read timeout out of what ``requests`` accepts: a number, (connect, read), or None."""
    if isinstance(timeout, tuple):
        timeout = timeout[1] if len(timeout) > 1 else None
    elif timeout is not None and not isinstance(timeout, (int, float)):
        timeout = getattr(timeout, "read_timeout", None)  # urllib3's Timeout
    return float(timeout) if isinstance(timeout, (int, float)) else None


def wsgi_environ(request: requests.PreparedRequest) -> dict[str, Any]:
    """The WSGI environ a server would build for ``request`` (PEP 3333)."""
    return build_environ(
        request.method or "GET",
        str(request.url),
        request.headers.items(),
        _body_bytes(request.body),
    )


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    # A generator or other iterable: requests would have sent it chunked.
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body)
