"""The half of ``FakeGHE`` that watches and steers a fake while code runs against it: journals
and revocation assertions, faults, rate limit, sign-in rules, the clock.

A mixin so that ``fake.py`` stays the facade's shape (where it answers, seeding, looking);
everything here acts on ``self.runtime`` and ``self.store``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from . import assertions
from .clock import Clock
from .faults import Fault, Faults
from .journal import Call, Event, Journal
from .model import Authorization, OAuthApp, User
from .runtime import Runtime
from .store import Store


class Controls:
    """Journals, assertions, faults, rate limit, sign-in rules and clock of a ``FakeGHE``."""

    runtime: Runtime
    store: Store

    # ------------------------------------------------------------------ journals and assertions

    @property
    def journal(self) -> Journal:
        """Both journals, live: ``journal.events`` and ``journal.calls``."""
        return self.store.journal

    @property
    def events(self) -> list[Event]:
        """Every change to an authorization (created, updated, reset, revoked), oldest first."""
        with self.store.lock:
            return list(self.store.journal.events)

    @property
    def calls(self) -> list[Call]:
        """Every request answered (method, path, status, principal), secrets redacted."""
        with self.store.lock:
            return list(self.store.journal.calls)

    def history(self, target: Authorization | int | str) -> list[Event]:
        """The events of one authorization (given as itself, its id or a token), oldest first."""
        return assertions.history(self.store, target)

    def assert_revoked(
        self,
        target: Authorization | int | str,
        *,
        cause: str | None = None,
        by: str | OAuthApp | None = None,
    ) -> Event:
        """Fail unless the authorization was revoked, or a token string was reset (a reset
        revokes the old value); ``cause`` (user_delete, grant_delete, app_revoke,
        app_grant_revoke, app_reset, token_limit) and ``by`` (a login, or an app: its OAuthApp,
        its client_id or ``app:CLIENT_ID``) narrow it."""
        __tracebackhide__ = True
        return assertions.assert_revoked(self.store, target, cause=cause, by=by)

    def assert_not_revoked(self, target: Authorization | int | str) -> None:
        """Fail if the authorization was revoked, or a token string no longer works."""
        __tracebackhide__ = True
        assertions.assert_not_revoked(self.store, target)

    def assert_all_revoked(
        self, *, user: User | str | None = None, app: OAuthApp | str | None = None
    ) -> list[Event]:
        """Fail unless every token ``user`` ever had (for ``app``, if given) was revoked."""
        __tracebackhide__ = True
        return assertions.assert_all_revoked(self.store, user=user, app=app)

    # ------------------------------------------------------------------ faults

    @property
    def faults(self) -> Faults:
        """The armed faults: ``len()``, iteration (``Fault`` handles, first armed first),
        ``bool`` (anything armed), ``unfired()``, ``clear()``; ``faults.add(...)`` takes every
        option at once. A spent fault leaves it; its handle keeps counting ``fired``."""
        return self.runtime.faults

    def fail(
        self,
        method: str = "*",
        path: str = "*",
        status: int = 500,
        *,
        message: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
    ) -> Fault:
        """The next ``times`` requests matching ``method`` ("*": any) and ``path`` (a glob,
        with or without ``/api/v3``) answer ``status`` with a GitHub-style body.

        The returned ``Fault`` is read-only; its ``fired`` says how many requests it answered
        so far (``times=None``: until cleared)."""
        return self.faults.add(
            method,
            path,
            status=status,
            message=message,
            body=body,
            headers=dict(headers or {}),
            times=times,
        )

    def slow(
        self, method: str = "*", path: str = "*", seconds: float = 1.0, *, times: int | None = 1
    ) -> Fault:
        """The next ``times`` matching requests wait ``seconds`` (real time) before answering.

        In-process, a wait longer than the client's read timeout raises requests' ReadTimeout.
        """
        return self.faults.add(method, path, delay=seconds, times=times)

    def disconnect(self, method: str = "*", path: str = "*", *, times: int | None = 1) -> Fault:
        """The next ``times`` matching requests get no answer: the connection drops."""
        return self.faults.add(method, path, disconnect=True, times=times)

    def clear_faults(self) -> None:
        """Disarm every fault (``faults.clear()``)."""
        self.faults.clear()

    def exhaust_rate_limit(self, login: str | None = None) -> None:
        """Use up the rate limit of ``login`` (default: everyone): 403 until the window ends."""
        self.store.exhaust_rate_limit(login)

    def set_rate_limit(self, limit: int | None, window: timedelta | float = 3600) -> None:
        """Limit each user to ``limit`` requests per ``window`` (seconds); None turns it off."""
        if not isinstance(window, timedelta):
            window = timedelta(seconds=window)
        self.store.set_rate_limit(limit, window)

    # ------------------------------------------------------------------ signing in

    def set_lockout(self, threshold: int, window: timedelta | float | None = None) -> None:
        """``threshold`` wrong passwords within ``window`` (seconds; unchanged if None) lock a
        login for ``window``. Until ``reset()``, which restores the constructor's values."""
        self.runtime.change_settings(lockout_threshold=threshold, lockout_window=window)

    @property
    def lockout_threshold(self) -> int:
        return self.store.lockout_threshold

    @property
    def lockout_window(self) -> timedelta:
        return self.store.lockout_window

    @property
    def otp_window(self) -> int:
        """How many 30 s steps either side of now a TOTP code may be from (0: only now's).
        Settable; ``reset()`` restores the constructor's value."""
        return self.store.otp_window

    @otp_window.setter
    def otp_window(self, steps: int) -> None:
        self.runtime.change_settings(otp_window=steps)

    # ------------------------------------------------------------------ time

    @property
    def clock(self) -> Clock:
        """The fake's clock: ``freeze()``, ``set(datetime)``, ``advance(minutes=5)``, ``now()``."""
        return self.store.clock
