"""Injected faults: the next N matching requests answer an error, are slow, or drop the connection.

Both the pytest plugin and the admin API arm them; ``create_app`` consults them before
anything else, so a fault fires even for requests that would fail authentication.
"""

from __future__ import annotations

import fnmatch
import math
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

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


@dataclass
class Fault:
    """One armed fault. ``times`` None means until cleared."""

    method: str
    path: str
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    disconnect: bool = False
    times: int | None = 1
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method != "*" and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)

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
    """The armed faults of one fake, first armed first matched."""

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
        headers: dict[str, str] | None = None,
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
            body=body,
            headers=dict(headers or {}),
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
                    fault.fired += 1
                    if fault.times is not None and fault.fired >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
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
        with self._lock:
            return list(self._faults)
