"""What a test asked of its fake: the marker, then the command line, then the ini file.

Standard library (and ``fake_ghe.config``, which is too) only: this runs for every test that
uses a fixture, and must not be what makes a suite import Flask.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

# fake_ghe's package __init__ imports lazily and config.py is standard library only, so this
# costs no Flask (python -X importtime shows it).
from fake_ghe.config import DEFAULT_HOSTNAME

MARKER = "fake_ghe"
MARKER_KEYS = (
    "scenario",
    "hostname",
    "passthrough",
    "lockout_threshold",
    "lockout_window",
    "otp_window",
    "unfired_faults",
    "httpx",
)
# What a fault the test armed but never fired does at teardown (ini fake_ghe_unfired_faults,
# or the marker's unfired_faults=): a FakeGHEFaultWarning, an error, or nothing.
UNFIRED_FAULTS = ("warn", "error", "ignore")
UNFIRED_FAULTS_INI = "fake_ghe_unfired_faults"


@dataclass(frozen=True)
class FakeGHESettings:
    """How one test's fake starts.

    ``scenario`` is an absolute file path, a mapping, or None; ``origin`` says where it was
    asked for (for messages). ``hostname`` is where the in-process fake answers;
    ``passthrough`` lists URL prefixes (or patterns) that may reach the real network.
    ``lockout_threshold``, ``lockout_window`` (seconds or a timedelta) and ``otp_window``
    change the fake's sign-in rules for this test only (None: the defaults).
    ``unfired_faults`` is what faults the test armed but never fired do at teardown:
    ``warn``, ``error`` or ``ignore``. ``httpx``: ``fake_ghe`` intercepts every httpx client of
    the process too (``FakeGHE.intercept(httpx=True)``).
    """

    scenario: Path | Mapping[str, Any] | None = None
    hostname: str = DEFAULT_HOSTNAME
    passthrough: tuple[str | re.Pattern[str], ...] = ()
    origin: str = ""
    lockout_threshold: int | None = None
    lockout_window: timedelta | float | None = None
    otp_window: int | None = None
    unfired_faults: str = "warn"
    httpx: bool = False


def settings_for(request: pytest.FixtureRequest) -> FakeGHESettings:
    """Merge the closest ``fake_ghe`` markers, ``--fake-ghe-scenario`` and the ini options."""
    __tracebackhide__ = True
    config = request.config
    marked = _marker_values(request.node)

    if "scenario" in marked:
        raw_scenario, origin = marked["scenario"], f"@pytest.mark.{MARKER}(scenario=...)"
    elif config.getoption("fake_ghe_scenario", None):
        raw_scenario, origin = config.getoption("fake_ghe_scenario"), "--fake-ghe-scenario"
    else:
        raw_scenario, origin = config.getini("fake_ghe_scenario") or None, "fake_ghe_scenario (ini)"

    hostname = marked.get("hostname") or config.getini("fake_ghe_hostname") or DEFAULT_HOSTNAME
    passthrough = tuple(config.getini("fake_ghe_passthrough") or ()) + _prefixes(
        marked.get("passthrough", ())
    )
    scenario = _scenario(raw_scenario, origin, request) if raw_scenario else None
    if "unfired_faults" in marked:
        unfired = unfired_faults(
            marked["unfired_faults"], f"@pytest.mark.{MARKER}(unfired_faults=...)"
        )
    else:
        unfired = unfired_faults(config.getini(UNFIRED_FAULTS_INI), UNFIRED_FAULTS_INI)
    httpx = marked["httpx"] if "httpx" in marked else config.getini("fake_ghe_httpx")
    if not isinstance(httpx, bool):
        pytest.fail(
            f"fake-ghe: @pytest.mark.{MARKER}(httpx=...) must be True or False, not {httpx!r}",
            pytrace=False,
        )
    return FakeGHESettings(
        scenario,
        str(hostname).strip(),
        passthrough,
        origin,
        lockout_threshold=marked.get("lockout_threshold"),
        lockout_window=marked.get("lockout_window"),
        otp_window=marked.get("otp_window"),
        unfired_faults=unfired,
        httpx=httpx,
    )


def unfired_faults(value: Any, origin: str) -> str:
    """One of UNFIRED_FAULTS (an empty ini value: ``warn``), or the test fails at setup."""
    __tracebackhide__ = True
    chosen = (value.strip().lower() or "warn") if isinstance(value, str) else value
    if chosen not in UNFIRED_FAULTS:
        pytest.fail(
            f"fake-ghe: {origin} must be one of {', '.join(UNFIRED_FAULTS)}, not {value!r}",
            pytrace=False,
        )
    return str(chosen)


def _marker_values(node: pytest.Item) -> dict[str, Any]:
    """The closest marker's value for each key (a test's marker beats its class's, module's)."""
    __tracebackhide__ = True
    values: dict[str, Any] = {}
    for marker in node.iter_markers(MARKER):
        if len(marker.args) > 1:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes at most one positional argument (the scenario); "
                f"got {len(marker.args)}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - set(MARKER_KEYS))
        if unknown:
            pytest.fail(
                f"@pytest.mark.{MARKER} got unknown argument(s) {', '.join(unknown)}; "
                f"it takes {', '.join(MARKER_KEYS)}",
                pytrace=False,
            )
        given = dict(marker.kwargs)
        if marker.args:
            given.setdefault("scenario", marker.args[0])
        for key, value in given.items():
            values.setdefault(key, value)
    return values


def _prefixes(value: Any) -> tuple[str | re.Pattern[str], ...]:
    if isinstance(value, (str, re.Pattern)):
        return (value,)
    return tuple(value) if isinstance(value, Iterable) else ()


def _scenario(value: Any, origin: str, request: pytest.FixtureRequest) -> Path | Mapping[str, Any]:
    """A mapping as it is; a path resolved against the test's folder, then rootdir, then the
    folder pytest was started from."""
    __tracebackhide__ = True
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, (str, os.PathLike)):
        pytest.fail(
            f"fake-ghe: the scenario from {origin} must be a file path or a mapping, "
            f"not {type(value).__name__}",
            pytrace=False,
        )
    path = Path(os.path.expanduser(os.fspath(value)))
    if path.is_absolute():
        candidates = [path]
    else:
        config = request.config
        bases = [Path(request.node.path).parent, config.rootpath, config.invocation_params.dir]
        candidates = list(dict.fromkeys(base / path for base in bases))
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    looked = "\n".join(f"  {candidate}" for candidate in candidates)
    pytest.fail(
        f"fake-ghe: scenario file {os.fspath(value)!r} (from {origin}) not found; looked in:\n"
        f"{looked}",
        pytrace=False,
    )
