"""One request run through a WSGI app in-process, whatever the client library.

The ``requests`` adapter (``fake_ghe.transports``) and the httpx transports
(``fake_ghe.httpx_transport``) share all of it: which URLs a fake answers, the environ a server
would build, the call itself, and what a fault means to the client (``outcome``). Each
transport only translates an outcome into its library's own exception.
"""

from __future__ import annotations

import enum
import io
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from . import redact
from .errors import UsageError
from .faults import DISCONNECT_KEY, TIMED_OUT_KEY
from .pipeline import SERVER_ERROR
from .wire import dumps

if TYPE_CHECKING:
    from .server import WSGIApp

DEFAULT_PORTS = {"http": 80, "https": 443}


def _root_regex(root_url: str) -> str:
    """Every URL on the host of ``root_url`` (default port written or not, with or without
    ``user:password@``, which requests sends as Basic auth)."""
    parts = urlsplit(root_url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UsageError(f"not an http(s) URL with a host: {root_url!r}")
    host = re.escape(parts.hostname)
    if ":" in parts.hostname:  # IPv6, written in brackets in a URL
        host = rf"\[{host}\]"
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    ports = f"(?::{port})?" if port == DEFAULT_PORTS[parts.scheme] else f":{port}"
    userinfo = r"(?:[^/?#@]*@)?"
    return rf"{parts.scheme}://{userinfo}{host}{ports}(?=[/?#]|\Z)"


class Hosts:
    """The root URLs one fake answers in-process, shared by all its transports.

    A fake answers its public root (``https://ghe.example.com``) and, while it is also served,
    its socket's root: one object, so every transport of the fake follows when that changes.
    """

    def __init__(self, roots: Sequence[str]) -> None:
        self.set(roots)

    def set(self, roots: Sequence[str]) -> None:
        # One alternation, swapped whole: a request in flight sees the old or the new, and
        # a match costs one regex however many roots there are.
        pattern = re.compile("|".join(f"(?:{_root_regex(r)})" for r in roots), re.IGNORECASE)
        self.roots: tuple[str, ...] = tuple(root.rstrip("/") for root in roots)
        self.pattern = pattern

    def handles(self, url: str) -> bool:
        return self.pattern.match(url) is not None

    def __repr__(self) -> str:
        return f"Hosts({', '.join(self.roots)})"


def unanswered(roots: Iterable[str], *, intercepting: bool = True) -> str:
    """Why a request went unanswered, naming fake-ghe's hosts, and (for a patch, which can let
    it out) how to let it reach the network: every in-process transport's "no such host"."""
    shown = ", ".join(dict.fromkeys(roots)) or "none"
    if not intercepting:
        return f"this transport answers only {shown}; nothing was sent"
    return (
        f"fake-ghe answers only {shown}; nothing was sent. To let a URL reach the network, "
        "give its prefix as passthrough: intercept(passthrough=[...]), fake.passthrough(...), "
        "or the fake_ghe_passthrough ini option"
    )


def passes_through(url: str, prefixes: Iterable[str | re.Pattern[str]]) -> bool:
    """Whether ``url`` may reach the network: it starts with a string prefix, or a pattern
    matches at its start (as ``responses`` reads its passthrough prefixes)."""
    for prefix in prefixes:
        if isinstance(prefix, str):
            if url.startswith(prefix):
                return True
        elif prefix.match(url):
            return True
    return False


def build_environ(
    method: str, url: str, headers: Iterable[tuple[str, str | bytes]], body: bytes
) -> dict[str, Any]:
    """The WSGI environ a server would build for this request (PEP 3333)."""
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    host = parts.hostname or "localhost"
    port = parts.port or DEFAULT_PORTS.get(scheme, 80)
    # What a client sends as Host: the netloc without any user:password@ (clients send
    # that as an Authorization header instead).
    netloc = parts.netloc.rpartition("@")[2]
    raw_uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # PATH_INFO is the decoded path, as bytes carried in a latin-1 str.
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "RAW_URI": raw_uri,
        "REQUEST_URI": raw_uri,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": netloc,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):  # the body is whole here
            environ[f"HTTP_{key}"] = value
    return environ


def call(app: WSGIApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run ``app``: its status line (``"200 OK"``), headers and whole body."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        started[:] = [status, headers]
        return written.append

    try:
        result = app(environ, start_response)
        try:
            chunks = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    except Exception:
        # A bug in the fake that escaped the app (FakeGHE records it for the test's
        # teardown): answer as a server would rather than raise inside the client.
        body = dumps(SERVER_ERROR)
        return (
            "500 INTERNAL SERVER ERROR",
            [("Content-Type", "application/json; charset=utf-8")],
            body,
        )
    status, headers = started
    return status, headers, b"".join(written + chunks)


class Outcome(enum.Enum):
    """What the client saw, as a socket would have shown it."""

    ANSWERED = "answered"
    # A slow fault outlasted the client's read timeout: the client gave up waiting.
    TIMED_OUT = "timed out"
    # A disconnect fault (or a slow one cut short by a reset): no status line at all.
    DISCONNECTED = "disconnected"


def outcome(environ: dict[str, Any]) -> Outcome:
    """How the fault that shaped this answer (if any) reaches the client. The one reading of
    the fault keys for every in-process transport (the live server reads DISCONNECT_KEY)."""
    if environ.get(TIMED_OUT_KEY):
        return Outcome.TIMED_OUT
    if environ.get(DISCONNECT_KEY):
        return Outcome.DISCONNECTED
    return Outcome.ANSWERED


def timed_out_message(timeout: float | None, method: str, url: str) -> str:
    """The read-timeout message of every in-process transport: test output is often kept (CI
    logs), so no token or password appears in it."""
    return f"fake-ghe: read timed out (read timeout={timeout}) on {method} {redact.url(url)}"
