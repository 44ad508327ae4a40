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
from fake_ghe.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    parse_scenario_text,
    read_scenario,
)

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

    @property
    def live_root_url(self) -> str | None:
        return self._live.root_url if self._live is not None else None

    def close(self) -> None:
        for fake in (self._in_process, self._live):
            if fake is not None:
                fake.close()

    # ------------------------------------------------------------------ one test

    def prepare(self, fake: FakeGHE, settings: FakeGHESettings, *, live: bool) -> FakeGHE:
        """A fresh state for one test, with its scenario loaded (or its setup failed)."""
        __tracebackhide__ = True
        # What failed inside the fake after the last test's check (a request still running
        # when it ended) is reported here, not dropped; this test is not to blame.
        leftover = list(fake.errors)
        fake.errors.clear()
        fake.reset()
        if leftover:
            pytest.fail(
                "fake-ghe: a request that an earlier test started (still running when that test "
                f"ended) failed inside the fake; this test is not to blame.\n"
                f"{FakeServerError(leftover)}",
                pytrace=False,
            )
        problem = _secure(fake, settings)
        if problem:
            pytest.fail(f"fake-ghe: @pytest.mark.fake_ghe: {problem}", pytrace=False)
        if not live:
            problem = _configure(fake, settings.hostname)
            if problem:
                pytest.fail(f"fake-ghe: bad hostname: {problem}", pytrace=False)
        scenario = None
        if settings.scenario is not None:
            scenario = self._scenario(settings.scenario)
            problems = _load(fake, scenario)
            if problems:
                pytest.fail(
                    f"fake-ghe: the scenario from {settings.origin} has {len(problems)} "
                    f"problem{'s' if len(problems) != 1 else ''}:\n"
                    + "\n".join(str(problem) for problem in problems),
                    pytrace=False,
                )
        _set_admin_baseline(fake, scenario)
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
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeError):
            return read_scenario(source)  # it words the problem as a scenario problem
        parsed = parse_scenario_text(text, self._shown(source))
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


def _secure(fake: FakeGHE, settings: FakeGHESettings) -> str | None:
    """Apply the marker's lockout and TOTP settings (reset() put back the defaults)."""
    try:
        threshold, window = settings.lockout_threshold, settings.lockout_window
        if threshold is not None or window is not None:
            fake.set_lockout(fake.lockout_threshold if threshold is None else threshold, window)
        if settings.otp_window is not None:
            fake.otp_window = settings.otp_window
    except ValueError as error:
        return str(error)
    return None


def _load(fake: FakeGHE, scenario: Scenario) -> list[Problem]:
    try:
        fake.load_scenario(scenario)
    except ScenarioError as error:
        return error.problems
    return []


def _set_admin_baseline(fake: FakeGHE, scenario: Scenario | None) -> None:
    """Make the admin API's reset (POST /_fake_ghe/reset) return to this test's start."""
    from fake_ghe import admin

    if admin.EXTENSION in fake.flask_app.extensions:
        admin.set_baseline(fake.flask_app, admin.Baseline(scenario=scenario))
