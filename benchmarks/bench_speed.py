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
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import requests
import responses

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_plugin import _timed
from speed_common import LOGIN, PASSWORD, Row, median, say, seeded
from speed_pytest import row_server_test, row_suite
from speed_served import row_served, row_stop

from fake_ghe import FakeGHE

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
