"""The fakes behind the fixtures: one in-process and one live per session (per xdist worker),
reset for every test. Imported only once a test asks for a fixture: it pulls in Flask.

Building a fake's Flask app compiles its URL rules (about 10 ms); resetting its state costs
microseconds. So each test gets a fresh *state*, on an app built once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fake_ghe.fake import FakeGHE, FakeServerError
from fake_ghe.runtime import Baseline, Settings
from fake_ghe.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    read_scenario,
)
from fake_ghe.scenario.reader import MAX_BYTES, read_bytes

from .options import FakeGHESettings


class Fakes:
    """Lazily started fakes of one session, and the scenarios they have read."""

    def __init__(self, invocation_dir: Path) -> None:
        self._invocation_dir = invocation_dir
        self._in_process: FakeGHE | None = None
        self._live: FakeGHE | None = None
        # path -> (mtime_ns, size, parsed): each scenario file is parsed once per session.
        self._scenarios: dict[Path, tuple[int, int, Scenario]] = {}

    @property
    def in_process(self) -> FakeGHE:
        if self._in_process is None:
            self._in_process = FakeGHE()
        return self._in_process

    @property
    def live(self) -> FakeGHE:
        if self._live is None:
            self._live = FakeGHE()
        # A test may close it (``with fake_ghe_server:``, ``close()``): serve it again, or the
        # next test's requests would go to ghe.example.com for real. (On another free port.)
        if self._live.server is None:
            self._live.serve()
        return self._live

    def close(self) -> None:
        for fake in (self._in_process, self._live):
            if fake is not None:
                fake.close()

    # ------------------------------------------------------------------ one test

    def prepare(self, fake: FakeGHE, settings: FakeGHESettings, *, live: bool) -> FakeGHE:
        """A fresh state for one test, with its scenario loaded (or its setup failed).

        The test's scenario and sign-in rules become the fake's baseline, so that
        ``POST /_fake_ghe/reset`` during the test returns to this test's start.
        """
        __tracebackhide__ = True
        # What failed inside the fake after the last test's check (a request still running
        # when it ended) is reported here, not dropped; this test is not to blame.
        leftover = list(fake.errors)
        fake.errors.clear()
        sign_in, sign_in_problem = _sign_in(settings)
        scenario = None if settings.scenario is None else self._scenario(settings.scenario)
        problems = _rebase(fake, Baseline(scenario=scenario, settings=sign_in))
        if leftover:
            pytest.fail(
                "fake-ghe: a request that an earlier test started (still running when that test "
                f"ended) failed inside the fake; this test is not to blame.\n"
                f"{FakeServerError(leftover)}",
                pytrace=False,
            )
        if sign_in_problem:
            pytest.fail(f"fake-ghe: @pytest.mark.fake_ghe: {sign_in_problem}", pytrace=False)
        if not live:
            problem = _configure(fake, settings.hostname)
            if problem:
                pytest.fail(f"fake-ghe: bad hostname: {problem}", pytrace=False)
        if problems:
            pytest.fail(
                f"fake-ghe: the scenario from {settings.origin} has {len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''}:\n"
                + "\n".join(str(problem) for problem in problems),
                pytrace=False,
            )
        return fake

    @staticmethod
    def finish(fake: FakeGHE) -> None:
        """After a test: cut short slow requests, then fail if the fake broke inside."""
        __tracebackhide__ = True
        fake.faults.reset()
        fake.check()

    def _scenario(self, source: Path | Mapping[str, Any]) -> Scenario:
        if isinstance(source, Mapping):
            return read_scenario(source)
        try:
            stat = source.stat()
            cached = self._scenarios.get(source)
            if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
                return cached[2]
            with source.open("rb") as file:
                # One byte past the limit is enough to refuse an oversized file.
                raw = file.read(MAX_BYTES + 1)
        except OSError:
            return read_scenario(source)  # it words the problem as a scenario problem
        parsed = read_bytes(raw, self._shown(source))
        self._scenarios[source] = (stat.st_mtime_ns, stat.st_size, parsed)
        return parsed

    def _shown(self, path: Path) -> str:
        """The path as messages show it: relative to where pytest started, when below it."""
        try:
            return os.fspath(path.relative_to(self._invocation_dir.resolve()))
        except ValueError:
            return os.fspath(path)


# These two return what went wrong instead of failing inside ``except``, where pytest would
# print the caught exception's traceback too.


def _configure(fake: FakeGHE, hostname: str) -> str | None:
    try:
        fake.configure(hostname)
    except ValueError as error:
        return str(error)
    return None


def _sign_in(settings: FakeGHESettings) -> tuple[Settings, str | None]:
    """The marker's lockout and TOTP rules over the defaults (the defaults if they are bad)."""
    try:
        return Settings().updated(
            lockout_threshold=settings.lockout_threshold,
            lockout_window=settings.lockout_window,
            otp_window=settings.otp_window,
        ), None
    except ValueError as error:
        return Settings(), str(error)


def _rebase(fake: FakeGHE, baseline: Baseline) -> list[Problem]:
    """Reset ``fake`` to this test's start; an empty fake and the problems if the scenario
    does not load (the test then fails at setup)."""
    try:
        fake.runtime.rebase(baseline)
    except ScenarioError as error:
        fake.runtime.rebase(Baseline(settings=baseline.settings))
        return error.problems
    return []
