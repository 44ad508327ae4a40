"""``Runtime``: everything one fake holds, and the one ``reset()`` that returns it to its start.

The Flask app carries it (``app.extensions["fake_ghe"]``, read by handlers through
``fake_ghe.api.context()``); ``FakeGHE``, the admin API's ``POST /_fake_ghe/reset``,
``fake-ghe serve`` and the pytest plugin all reset through it, so "back to how it started"
means the same everywhere: the startup scenario (same ids, and with a seed the same tokens),
the startup clock, the startup sign-in settings, rate limiting off, no faults, and journals
holding only the scenario's own ``created`` events.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import totp
from .clock import utc
from .config import Config
from .errors import FakeGHEError, UsageError
from .faults import Faults
from .scenario import Scenario, ScenarioError, load_scenario
from .store import LOCKOUT_THRESHOLD, LOCKOUT_WINDOW, Store

# [decision] Server errors kept whole (exception and traceback) until check() reads them; the
# rest are counted. One is enough to fail a test; a long `fake-ghe serve` keeps no more.
ERRORS_KEPT = 20


class RecordedError(FakeGHEError):
    """A server error as text only: what a reset leaves of one that ``check()`` has not read
    yet, so that its traceback still fails the test that caused it, while the frames, request
    and body it held are freed."""


class ServerErrors(list[BaseException]):
    """Exceptions raised inside the fake while answering: the first ``limit`` kept, the rest
    counted in ``dropped``. ``clear()`` forgets both."""

    def __init__(self, limit: int = ERRORS_KEPT) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def append(self, error: BaseException) -> None:
        if len(self) >= self.limit:
            self.dropped += 1
            return
        super().append(error)

    def clear(self) -> None:
        super().clear()
        self.dropped = 0

    def as_text(self) -> None:
        """Keep each error as its traceback text only (``RecordedError``); frees the rest."""
        for index, error in enumerate(self):
            if isinstance(error, RecordedError):
                continue
            text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            self[index] = RecordedError(f"before a reset of the fake:\n{text.rstrip()}")
        if self.dropped:
            note = f"and {self.dropped} more server error(s) not kept (the first {self.limit} are)"
            if len(self) < self.limit + 1:
                super().append(RecordedError(note))
            self.dropped = 0


def as_window(value: timedelta | float) -> timedelta:
    """A lockout window given as a timedelta or seconds, as a timedelta; ValueError unless
    positive."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = timedelta(seconds=value)
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise UsageError(f"lockout_window must be a positive timedelta or seconds, not {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """The sign-in rules: ``lockout_threshold`` wrong passwords within ``lockout_window`` lock
    a login for that window; a TOTP code may be ``otp_window`` 30 s steps either side of now.
    Checked on construction (ValueError)."""

    lockout_threshold: int = LOCKOUT_THRESHOLD
    lockout_window: timedelta = LOCKOUT_WINDOW
    otp_window: int = totp.VALID_WINDOW

    def __post_init__(self) -> None:
        threshold, steps = self.lockout_threshold, self.otp_window
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            raise UsageError(
                f"lockout_threshold must be a whole number of at least 1, not {threshold!r}"
            )
        if not isinstance(self.lockout_window, timedelta):
            raise UsageError(f"lockout_window must be a timedelta, not {self.lockout_window!r}")
        as_window(self.lockout_window)
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise UsageError(f"otp_window must be a whole number of at least 0, not {steps!r}")

    def updated(
        self,
        *,
        lockout_threshold: int | None = None,
        lockout_window: timedelta | float | None = None,
        otp_window: int | None = None,
    ) -> Settings:
        """These settings with the given ones changed (None: kept); ValueError if out of range."""
        return Settings(
            self.lockout_threshold if lockout_threshold is None else lockout_threshold,
            self.lockout_window if lockout_window is None else as_window(lockout_window),
            self.otp_window if otp_window is None else otp_window,
        )

    @classmethod
    def of(cls, store: Store) -> Settings:
        """The rules ``store`` applies now."""
        with store.lock:
            return cls(store.lockout_threshold, store.lockout_window, store.otp_window)


@dataclass(frozen=True)
class Baseline:
    """What ``Runtime.reset()`` returns to.

    ``scenario`` is loaded again (None: an empty fake); the clock is frozen at ``frozen_at``
    again, or back on real time when it is None; ``settings``
    are the sign-in rules. Rate limiting is always off at the start.
    """

    scenario: Scenario | None = None
    frozen_at: datetime | None = None
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        if self.frozen_at is not None:
            object.__setattr__(self, "frozen_at", utc(self.frozen_at))


class Runtime:
    """One fake's state: ``store`` (data, clock, journals), ``faults``, ``errors`` (exceptions
    raised inside the fake while answering) and ``config`` (how it presents itself), plus the
    ``baseline`` that ``reset()`` returns to.

    ``store`` defaults to a fresh one. ``baseline`` defaults to how the store stands now
    without its data: its clock (frozen where it is frozen, else real time), its sign-in
    settings, no scenario. A given ``baseline`` is applied at once, like ``rebase``.
    """

    def __init__(
        self,
        store: Store | None = None,
        config: Config | None = None,
        *,
        baseline: Baseline | None = None,
    ) -> None:
        self.store = store if store is not None else Store()
        self.config = config if config is not None else Config()
        self.faults = Faults()
        self.errors = ServerErrors()
        clock = self.store.clock
        self._baseline = Baseline(
            frozen_at=clock.now() if clock.frozen else None, settings=Settings.of(self.store)
        )
        if baseline is not None:
            self.rebase(baseline)

    @classmethod
    def of(cls, source: Runtime | Store | None, config: Config) -> Runtime:
        """What a Flask app serves: ``source`` itself, now with ``config``, or a runtime
        around a store (a fresh one for None)."""
        if isinstance(source, Runtime):
            source.config = config
            return source
        return cls(source, config)

    def __repr__(self) -> str:
        return f"<Runtime {self._baseline!r}>"

    @property
    def baseline(self) -> Baseline:
        return self._baseline

    def reset(self) -> None:
        """Back to the baseline: its scenario (ids restart; with a seed, the same tokens), its
        clock and sign-in settings, rate limiting off, no faults, journals restarted.

        ``errors`` are kept as their traceback text (``ServerErrors.as_text``): the memory
        they held is freed, but a bug in the fake, even one hit by a request still running
        from before, must reach ``FakeGHE.check()`` rather than vanish.
        """
        # First, outside the store lock: requests sleeping in a slow fault wake up and drop
        # their connection, so they cannot change the state that comes next.
        self.faults.reset()
        self.errors.as_text()
        with self.store.lock:
            self._restore(self._baseline)

    def rebase(self, baseline: Baseline) -> None:
        """Make ``baseline`` what ``reset()`` returns to, and reset to it now.

        The pytest plugin calls this for each test, so that ``POST /_fake_ghe/reset`` during
        a test returns to that test's scenario and settings. If the scenario does not load
        (``ScenarioError``), the old baseline stays, and the fake is reset to it.
        """
        self.faults.reset()
        self.errors.as_text()
        with self.store.lock:
            try:
                self._restore(baseline)
            except ScenarioError:
                self._restore(self._baseline)
                raise
            self._baseline = baseline

    def _restore(self, baseline: Baseline) -> None:
        # Called with the store lock held.
        store = self.store
        # The clock first, so the scenario's timestamps are the ones it got at the start.
        store.clock.reset()
        if baseline.frozen_at is not None:
            store.clock.freeze(baseline.frozen_at)
        store.reset()
        if baseline.scenario is not None:
            load_scenario(store, baseline.scenario, replace=True)
        # Last: load_scenario(replace=True) resets the store again, which puts back the
        # settings the Store was constructed with, not the baseline's.
        self._apply(baseline.settings)

    @property
    def settings(self) -> Settings:
        """The sign-in rules in force (``change_settings`` changes them until a reset)."""
        return Settings.of(self.store)

    def _apply(self, settings: Settings) -> None:
        self.store.lockout_threshold = settings.lockout_threshold
        self.store.lockout_window = settings.lockout_window
        self.store.otp_window = settings.otp_window

    def change_settings(
        self,
        *,
        lockout_threshold: int | None = None,
        lockout_window: timedelta | float | None = None,
        otp_window: int | None = None,
    ) -> Settings:
        """Change the given rules (None: unchanged) until the next reset; ValueError, changing
        nothing, if one is out of range."""
        with self.store.lock:
            settings = self.settings.updated(
                lockout_threshold=lockout_threshold,
                lockout_window=lockout_window,
                otp_window=otp_window,
            )
            self._apply(settings)
            return settings
