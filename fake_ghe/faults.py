"""Injected faults: the next N matching requests answer an error, are slow, or drop the connection.

Both the pytest plugin and the admin API arm them; ``create_app`` consults them before
anything else, so a fault fires even for requests that would fail authentication.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import math
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from . import redact
from .describe import counted
from .errors import UsageError
from .http_errors import DOCS

# Set in the WSGI environ when a fault asks for a dropped connection; the transport
# (in-process adapter or live server) turns it into a connection-level failure.
DISCONNECT_KEY = "fake_ghe.disconnect"
# Set in the WSGI environ to the Fault that shaped the answer.
FAULT_KEY = "fake_ghe.fault"
# The in-process adapter puts the client's read timeout (seconds) in the environ: a slow fault
# longer than that gives up when the client would, and sets TIMED_OUT_KEY so the adapter can
# raise the client's own timeout error. Over a real socket the client simply stops waiting.
CLIENT_TIMEOUT_KEY = "fake_ghe.client_timeout"
TIMED_OUT_KEY = "fake_ghe.timed_out"


class _Count:
    """How many requests a fault has answered: the one thing about it that changes, counted by
    the registry under its lock."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


@dataclass(frozen=True, eq=False, repr=False)
class Fault:
    """One armed fault, as ``fake.fail()`` / ``slow()`` / ``disconnect()`` hand it back.

    [decision] A read-only handle, not a pure snapshot: what it matches and does is fixed when
    it is armed (``body`` and ``headers`` are copies each time they are read), while ``fired``
    reads the fake's live count, so a test can keep the handle and ask afterwards whether
    (and how often) it fired. Nothing about it can be changed through it. ``times`` None
    means until cleared. Two faults are equal only if they are the same fault.
    """

    method: str
    path: str
    status: int | None = None
    _body: Any = field(default=None, repr=False)
    _headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    delay: float = 0.0
    disconnect: bool = False
    times: int | None = 1
    # Not an argument: dataclasses.replace() makes a fault with a count of its own.
    _count: _Count = field(default_factory=_Count, init=False, repr=False)

    @property
    def fired(self) -> int:
        """How many requests it has answered so far (live)."""
        return self._count.value

    @property
    def spent(self) -> bool:
        """Fired all its ``times`` (never, for ``times=None``): no longer armed."""
        return self.times is not None and self.fired >= self.times

    @property
    def body(self) -> Any:
        """The JSON body it answers (a copy: changing it changes nothing), or None."""
        return copy.deepcopy(self._body)

    @property
    def headers(self) -> dict[str, str]:
        """The headers it adds to its answer (a copy)."""
        return dict(self._headers)

    def matches(self, method: str, path: str) -> bool:
        if self.method != "*" and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def effect(self) -> str:
        """What it does to a matching request, in words: ``answer 503``, ``wait 2 s, then
        answer normally``, ``drop the connection``."""
        steps = [f"wait {self.delay:g} s"] if self.delay else []
        if self.disconnect:
            steps.append("drop the connection")
        elif self.status is not None:
            steps.append(f"answer {self.status}")
        elif steps:
            steps.append("answer normally")
        return ", then ".join(steps)

    def __str__(self) -> str:
        """``GET /authorizations/* -> answer 503 (fired 0 of 1 time)``, token-shaped parts of
        the glob masked (it may name a token)."""
        times = "unlimited times" if self.times is None else counted(self.times, "time")
        return (
            f"{self.method} {redact.token_shaped(self.path)} -> {self.effect} "
            f"(fired {self.fired} of {times})"
        )

    def __repr__(self) -> str:
        return (
            f"Fault(method={self.method!r}, path={redact.token_shaped(self.path)!r}, "
            f"status={self.status!r}, delay={self.delay!r}, disconnect={self.disconnect!r}, "
            f"times={self.times!r}, fired={self.fired!r})"
        )

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "delay": self.delay,
            "disconnect": self.disconnect,
            "times": self.times,
            "fired": self.fired,
        }


def default_body(status: int) -> dict[str, Any]:
    try:
        message = HTTPStatus(status).phrase
    except ValueError:
        message = "Error"
    return {"message": message, "documentation_url": DOCS}


# [decision] Bounds that no test needs to exceed: past them Event.wait overflows (a 500 on the
# next matching request) or a fault never runs out in practice anyway.
MAX_DELAY = 3600.0
MAX_TIMES = 1_000_000


def _check(status: Any, delay: Any, times: Any) -> None:
    """ValueError unless the numbers of a fault are ones it can act on."""
    if status is not None and (not _is_int(status) or not 100 <= status <= 599):
        raise UsageError(f"status must be an HTTP status code, not {status!r}")
    if times is not None and (not _is_int(times) or times < 1):
        raise UsageError(f"times must be at least 1 (or None for every request), not {times!r}")
    if times is not None and times > MAX_TIMES:
        raise UsageError(f"times must be at most {MAX_TIMES} (or None for every request)")
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or math.isnan(delay):
        raise UsageError(f"delay must be a number of seconds, not {delay!r}")
    if delay < 0:
        raise UsageError("delay must not be negative")
    if delay > MAX_DELAY:
        raise UsageError(f"delay must be at most {MAX_DELAY:g} seconds, not {delay!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Faults:
    """The armed faults of one fake, first armed first matched.

    A sized, iterable view for tests: ``len(fake.faults)``, ``for fault in fake.faults``,
    ``if fake.faults`` (anything armed), ``unfired()`` and ``clear()``. A fault leaves it once
    spent (fired all its ``times``) or cleared; its handle keeps its ``fired`` count.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        # Set by reset() to wake requests still sleeping in a slow fault.
        self._woken = threading.Event()

    def add(
        self,
        method: str = "*",
        path: str = "*",
        *,
        status: int | None = None,
        message: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        disconnect: bool = False,
        times: int | None = 1,
    ) -> Fault:
        """Arm a fault for requests matching ``method`` ("*" for any) and ``path``.

        ``path`` is a glob (``/authorizations/*``) matched against the path with and
        without the API prefix. Give ``status`` (with ``message`` or a whole ``body``),
        ``delay`` seconds, and/or ``disconnect``.
        """
        _check(status, delay, times)
        if status is None and not delay and not disconnect:
            raise UsageError("a fault needs a status, a delay or disconnect=True")
        if body is None and status is not None:
            body = default_body(status)
            if message is not None:
                body["message"] = message
        fault = Fault(
            method=method,
            path=path,
            status=status,
            _body=_json_copy(body),
            _headers=tuple((str(k), str(v)) for k, v in (headers or {}).items()),
            delay=delay,
            disconnect=disconnect,
            times=times,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, *paths: str) -> Fault | None:
        """The first fault matching the request, counted as fired (and dropped when spent)."""
        with self._lock:
            for fault in self._faults:
                if any(fault.matches(method, path) for path in paths):
                    fault._count.value += 1
                    if fault.spent:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Disarm every fault (their handles keep their ``fired`` counts)."""
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Clear, and cut short every request still sleeping in a slow fault.

        Those requests belong to the state being thrown away: they drop their connection
        instead of going on to change the fresh state.
        """
        with self._lock:
            self._faults.clear()
            self._woken.set()
            self._woken = threading.Event()

    def sleep(self, seconds: float, environ: dict[str, Any]) -> bool:
        """Sleep out a slow fault; False when cut short by the client's timeout or a reset."""
        with self._lock:
            woken = self._woken
        limit = environ.get(CLIENT_TIMEOUT_KEY)
        if limit is not None and seconds > limit:
            woken.wait(limit)
            environ[TIMED_OUT_KEY] = True
            return False
        # Real time, on purpose: a slow fault exists to trip the client's own timeouts.
        return not woken.wait(seconds)

    def armed(self) -> list[Fault]:
        """The faults still armed, first armed first."""
        with self._lock:
            return list(self._faults)

    def unfired(self) -> list[Fault]:
        """The armed faults a test most likely expected to see fire: every one still armed,
        except an unlimited one (``times=None``) that fired at least once. A mistyped glob
        or method shows up here (the pytest plugin reports these at teardown)."""
        return [fault for fault in self.armed() if fault.times is not None or not fault.fired]

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        return iter(self.armed())

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        return f"<Faults: {len(self)} armed>"


def _json_copy(body: Any) -> Any:
    """A deep copy of a JSON body, refused now (not at the first matching request, as a 500
    inside the fake) if it is not JSON."""
    try:
        return json.loads(json.dumps(body, allow_nan=False))
    except (TypeError, ValueError) as error:
        message = f"a fault's body must be JSON (dicts, lists, strings, numbers): {error}"
        raise UsageError(message) from None
