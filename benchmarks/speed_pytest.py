"""Rows 4 and 5 of ``bench_speed.py``: pytest runs with the plugin's fixtures, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path

from bench_plugin import BARE_TESTS, FAKE_TESTS, ROOT, _entry_point_installed
from speed_common import Row, median

SERVER_TESTS = FAKE_TESTS.replace("fake_ghe", "fake_ghe_server")

TIMING_CONFTEST = """
import json
import os
import time

import pytest

_times = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.perf_counter()
    yield
    _times.append((item.name, time.perf_counter() - started))


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_SPEED_TIMES"], "w") as out:
        json.dump(_times, out)
"""


# ---------------------------------------------------------------------- rows 4 and 5: pytest


def write_suite(folder: Path, blocks: Iterable[str], conftest: bool) -> Path:
    folder.mkdir()
    (folder / "test_many.py").write_text("".join(textwrap.dedent(block) for block in blocks))
    if conftest:
        (folder / "conftest.py").write_text(TIMING_CONFTEST)
    return folder


def numbered(template: str, count: int, prefix: str = "") -> list[str]:
    """``count`` copies of a test template, its ``{n}`` replaced by ``prefix`` and a number."""
    return [template.replace("{n}", f"{prefix}{n}") for n in range(count)]


def run_pytest(folder: Path, plugin: bool) -> float:
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)]
    if plugin and not _entry_point_installed():
        args[3:3] = ["-p", "pytest_fake_ghe.plugin"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "BENCH_SPEED_TIMES": str(folder / "times.json"),
    }
    started = time.perf_counter()
    result = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the benchmark suite failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


# Row 4's tests alternate in runs of this many of one kind; the first of each run is not timed.
RUN = 4


def per_test(folder: Path) -> tuple[float, float]:
    """Median seconds per test of the served and the in-process kind, from one pytest run.

    The first test of each run of one kind is left out: it may pay for what the other kind
    left running (a server thread closing the connection the last served test's client
    dropped), and the first run starts its session fake. So are the last two tests (the
    session's end).
    """
    run_pytest(folder, plugin=True)
    times: list[tuple[str, float]] = json.loads((folder / "times.json").read_text())
    kept = [(name, seconds) for name, seconds in times[:-2] if not name.endswith("_0")]
    served = [seconds for name, seconds in kept if name.startswith("test_served_")]
    in_process = [seconds for name, seconds in kept if name.startswith("test_in_process_")]
    return median(served), median(in_process)


def row_server_test(rounds: int, count: int, tmp: Path) -> Row:
    # The two kinds alternate inside one pytest run, a few tests at a time: the machine's load
    # (other processes) then weighs on both alike, where separate runs for each kind differed
    # by more than the ratio measured.
    blocks: list[str] = []
    for run in range(max(1, count // RUN)):
        blocks += numbered(SERVER_TESTS, RUN, f"served_{run}_")
        blocks += numbered(FAKE_TESTS, RUN, f"in_process_{run}_")
    suite = write_suite(tmp / "served_and_in_process", blocks, conftest=True)
    served_times: list[float] = []
    in_process_times: list[float] = []
    for _ in range(rounds):
        served_s, in_process_s = per_test(suite)
        served_times.append(served_s)
        in_process_times.append(in_process_s)
    served_s, in_process_s = median(served_times), median(in_process_times)
    return Row(
        "4. a fake_ghe_server test vs the same test with fake_ghe (per test)",
        f"{served_s * 1e3:.2f} ms",
        f"{in_process_s * 1e3:.2f} ms",
        served_s / in_process_s,
        "<= 1.5x",
    )


def row_suite(rounds: int, count: int, tmp: Path) -> Row:
    fake = write_suite(tmp / "fake_suite", numbered(FAKE_TESTS, count), conftest=False)
    bare = write_suite(tmp / "bare_suite", numbered(BARE_TESTS, count), conftest=False)
    fake_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(rounds):
        fake_times.append(run_pytest(fake, plugin=True))
        bare_times.append(run_pytest(bare, plugin=False))
    fake_s, bare_s = median(fake_times), median(bare_times)
    return Row(
        f"5. {count} tests with fake_ghe vs on bare responses (pytest subprocess)",
        f"{fake_s:.2f} s",
        f"{bare_s:.2f} s",
        fake_s / bare_s,
        "<= 1.2x",
    )
