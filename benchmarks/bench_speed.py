"""Speed of fake-ghe against its baselines (issue 12): every row a ratio measured in this run.

Rows (each measured with its baseline in the same run, in interleaved rounds, medians):

1. one ``GET /authorizations`` (5 items) through ``FakeGHE().intercept()`` + requests, vs a
   ``responses`` callback returning the fake's own body as static JSON (same size);
2. the same request against ``FakeGHE().serve()``, vs a trivial werkzeug app (checks Basic auth,
   returns that static JSON) on werkzeug's threaded server: requests per second from a
   concurrent client (``wrk -t2 -c4`` when installed, else 4 Python threads with keep-alive
   sessions; the output says which);
3. leaving ``fake.serve()`` (``close()`` of a served fake that answered one request), absolute
   and against the 10 ms goal;
4. the same test with ``fake_ghe_server`` vs with ``fake_ghe``: time per test, taken inside a
   ``python -m pytest`` subprocess by a generated conftest that times each test's whole
   protocol (setup, call, teardown); the two kinds alternate four tests at a time in one
   run, so the machine's load weighs on both alike; the first of each four (it may pay for
   what the other kind left running, or start a session fixture) and the last two (the
   session's end) are left out, the medians of the rest are the round's;
5. 200 tests with ``fake_ghe`` vs on bare ``responses``: wall time of a fresh
   ``python -m pytest`` subprocess each (start-up included, as users pay it);
6. a page of 30 (``?per_page=30``) out of 100,000 authorizations vs out of 30, in-process.

Run from the repository root: ``python benchmarks/bench_speed.py [--rounds N] [--rows 2,3,4]``.
Loopback only, no timing asserts; about a minute and a half on 2 cores. ``--profile`` adds a
cProfile of the in-process request path (row 1) after the table.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import gc
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import responses
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_plugin import (
    BARE_TESTS,
    FAKE_TESTS,
    ROOT,
    _entry_point_installed,
    _timed,
)

from fake_ghe import FakeGHE

LOGIN, PASSWORD = "octocat", "pw"
AUTH_HEADER = "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()
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


@dataclass
class Row:
    what: str
    measured: str
    baseline: str
    ratio: float
    goal: str  # "<= 1.5x" or ">= 1.0x"

    @property
    def met(self) -> bool:
        bound = float(self.goal[3:].rstrip("x"))
        return self.ratio <= bound if self.goal.startswith("<=") else self.ratio >= bound


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seeded(fake: FakeGHE, count: int) -> FakeGHE:
    fake.add_user(LOGIN, PASSWORD)
    for n in range(count):
        fake.add_authorization(LOGIN, note=f"note {n}")
    return fake


# ---------------------------------------------------------------------- row 1: in-process


def row_in_process(rounds: int, count: int) -> Row:
    fake = seeded(FakeGHE(), 5)
    url = fake.url("/authorizations")
    session = requests.Session()

    def send() -> requests.Response:
        return session.get(url, auth=(LOGIN, PASSWORD))

    with fake.intercept():
        answer = send()
    fake.close()
    payload, items = answer.content, len(answer.json())
    headers = {"Content-Type": answer.headers["Content-Type"]}

    fake_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(rounds):
        with fake.intercept():
            fake_times.append(_timed(send, count))
        fake.close()
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_callback("GET", url, callback=lambda request: (200, headers, payload))
            bare_times.append(_timed(send, count))
    fake_s, bare_s = median(fake_times), median(bare_times)
    return Row(
        f"1. GET /authorizations ({items} items, {len(payload)} B) in-process vs responses "
        "callback",
        f"{fake_s * 1e6:.0f} us",
        f"{bare_s * 1e6:.0f} us",
        fake_s / bare_s,
        "<= 1.5x",
    )


def profile_in_process(count: int) -> None:
    fake = seeded(FakeGHE(), 5)
    url = fake.url("/authorizations")
    session = requests.Session()
    with fake.intercept():
        for _ in range(50):
            session.get(url, auth=(LOGIN, PASSWORD))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            session.get(url, auth=(LOGIN, PASSWORD))
        profiler.disable()
    fake.close()
    print(f"\ncProfile of {count} in-process requests (row 1), top by own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
    print("\nand by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


# ---------------------------------------------------------------------- row 2: served, req/s


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def trivial_app(payload: bytes) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_AUTHORIZATION") != AUTH_HEADER:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"message": "Requires authentication"}']
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(payload))),
            ],
        )
        return [payload]

    return app


@contextmanager
def trivial_server(payload: bytes) -> Iterator[str]:
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, trivial_app(payload), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def wrk_rate(url: str, seconds: float) -> float:
    wrk = shutil.which("wrk")
    assert wrk is not None
    result = subprocess.run(
        [wrk, "-t2", "-c4", f"-d{seconds:g}s", "-H", f"Authorization: {AUTH_HEADER}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if bad:
        raise SystemExit(f"wrk got {bad.group(1)} failed answers from {url}:\n{result.stdout}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if found is None:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{result.stdout}{result.stderr}")
    return float(found.group(1))


def python_rate(url: str, seconds: float, threads: int = 4) -> float:
    deadline = time.perf_counter() + seconds
    counts = [0] * threads

    def client(slot: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                answer = session.get(url, auth=(LOGIN, PASSWORD))
                if answer.status_code != 200:
                    raise RuntimeError(f"{url} answered {answer.status_code}")
                counts[slot] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def row_served(rounds: int, seconds: float) -> Row:
    use_wrk = shutil.which("wrk") is not None
    rate = wrk_rate if use_wrk else python_rate
    client = "wrk -t2 -c4" if use_wrk else "4 Python threads, keep-alive requests.Session"
    fake = seeded(FakeGHE(), 5).serve()
    try:
        url = fake.url("/authorizations")
        answer = requests.get(url, auth=(LOGIN, PASSWORD))
        assert answer.status_code == 200, answer.text
        fake_rates: list[float] = []
        bare_rates: list[float] = []
        with trivial_server(answer.content) as root:
            bare_url = root + "/api/v3/authorizations"
            assert requests.get(bare_url, auth=(LOGIN, PASSWORD)).content == answer.content
            for _ in range(rounds):
                fake_rates.append(rate(url, seconds))
                bare_rates.append(rate(bare_url, seconds))
    finally:
        fake.close()
    fake_r, bare_r = median(fake_rates), median(bare_rates)
    return Row(
        f"2. same request served, req/s ({client}) vs trivial werkzeug app",
        f"{fake_r:,.0f}/s",
        f"{bare_r:,.0f}/s",
        fake_r / bare_r,
        ">= 1.0x",
    )


# ---------------------------------------------------------------------- row 3: server stop


def row_stop(rounds: int) -> Row:
    stops: list[float] = []
    for _ in range(rounds):
        fake = seeded(FakeGHE(), 1).serve()
        requests.get(fake.url("/authorizations"), auth=(LOGIN, PASSWORD))
        started = time.perf_counter()
        fake.close()
        stops.append(time.perf_counter() - started)
    stop = median(stops)
    return Row(
        "3. leaving fake.serve() (close() of a served fake)",
        f"{stop * 1e3:.1f} ms",
        "10 ms (goal)",
        stop / 0.010,
        "<= 1.0x",
    )


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


# ---------------------------------------------------------------------- row 6: big store


def row_page(rounds: int, count: int, big: int) -> Row:
    say(f"   (seeding {big:,} authorizations)")
    large, small = seeded(FakeGHE(), big), seeded(FakeGHE(), 30)
    session = requests.Session()
    url = large.url("/authorizations") + "?per_page=30"
    assert url == small.url("/authorizations") + "?per_page=30"

    def send() -> requests.Response:
        return session.get(url, auth=(LOGIN, PASSWORD))

    large_times: list[float] = []
    small_times: list[float] = []
    for _ in range(rounds):
        for fake, times in ((large, large_times), (small, small_times)):
            with fake.intercept():
                assert len(send().json()) == 30
                # Each block starts from the same collector state: otherwise a full collection
                # over the 100,000 seeded records (tens of ms) lands in whichever block the
                # process's earlier allocations (the other rows) make it land in, every round.
                gc.collect()
                times.append(_timed(send, count))
            fake.close()
    large_s, small_s = median(large_times), median(small_times)
    return Row(
        f"6. a page of 30 out of {big:,} authorizations vs out of 30",
        f"{large_s * 1e6:.0f} us",
        f"{small_s * 1e6:.0f} us",
        large_s / small_s,
        "<= 1.2x",
    )


# ---------------------------------------------------------------------- the table


def print_table(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows)
    print(f"{'what':<{width}}  {'fake':>10}  {'baseline':>12}  {'ratio':>6}  goal")
    for row in rows:
        verdict = "met" if row.met else "NOT MET"
        print(
            f"{row.what:<{width}}  {row.measured:>10}  {row.baseline:>12}  "
            f"{row.ratio:>5.2f}x  {row.goal} {verdict}"
        )


def _row_numbers(text: str) -> set[int]:
    try:
        numbers = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of row numbers: {text!r}") from None
    if not numbers or not numbers <= set(range(1, 7)):
        raise argparse.ArgumentTypeError(f"rows are 1 to 6, got {text!r}")
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per row")
    parser.add_argument("--requests", type=int, default=300, help="requests per round (1, 6)")
    parser.add_argument("--seconds", type=float, default=2.0, help="load per round (row 2)")
    parser.add_argument("--stops", type=int, default=15, help="servers stopped (row 3)")
    parser.add_argument("--per-test", type=int, default=40, help="tests of each kind (row 4)")
    parser.add_argument("--tests", type=int, default=200, help="tests per suite (row 5)")
    parser.add_argument("--big", type=int, default=100_000, help="authorizations (row 6)")
    parser.add_argument("--profile", action="store_true", help="cProfile row 1's fake path")
    parser.add_argument(
        "--rows",
        type=_row_numbers,
        default=set(range(1, 7)),
        help="comma-separated rows to measure, e.g. 2,3,4 (default: all)",
    )
    args = parser.parse_args()
    wanted: set[int] = args.rows

    started = time.perf_counter()
    rows: list[Row] = []
    if 1 in wanted:
        say("1. in-process request")
        rows.append(row_in_process(args.rounds, args.requests))
    if 2 in wanted:
        say("2. served request rate")
        rows.append(row_served(args.rounds, args.seconds))
    if 3 in wanted:
        say("3. server stop")
        rows.append(row_stop(args.stops))
    with tempfile.TemporaryDirectory() as tmp:
        if 4 in wanted:
            say("4. fake_ghe_server test vs fake_ghe test")
            rows.append(row_server_test(args.rounds, args.per_test, Path(tmp)))
        if 5 in wanted:
            say("5. pytest suites")
            rows.append(row_suite(args.rounds, args.tests, Path(tmp)))
    if 6 in wanted:
        say("6. a page out of a big store")
        rows.append(row_page(args.rounds, args.requests, args.big))

    print(
        f"fake-ghe speed (issue 12): {args.rounds} interleaved rounds per row, medians; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print_table(rows)
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    if args.profile:
        profile_in_process(2000)


if __name__ == "__main__":
    main()
