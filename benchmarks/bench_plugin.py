"""How much fake-ghe costs next to a bare ``responses`` stub. Prints two ratios:

1. one request through the ``fake_ghe`` transport vs through a ``responses`` callback that
   returns static JSON (both via ``requests``, both in this process);
2. a pytest run of 200 tests using the ``fake_ghe`` fixture vs one of 200 tests using bare
   ``responses`` (each run in a fresh ``python -m pytest`` subprocess, so both pay the same
   start-up, and the fake pays its imports).

Run from the repository root: ``python benchmarks/bench_plugin.py [--requests N] [--tests N]``.
Timings vary with the machine; the ratios are what to watch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import requests
import responses

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_ghe import FakeGHE  # noqa: E402

BODY = [{"id": 1, "url": "https://ghe.example.com/api/v3/authorizations/1", "token": ""}]


def per_request(count: int) -> tuple[float, float]:
    """Seconds per request: (through fake-ghe, through a static responses callback)."""
    session = requests.Session()

    with FakeGHE().intercept() as fake:
        fake.add_user("octocat", "pw")
        fake.add_authorization("octocat", note="laptop")
        url = fake.url("/authorizations")
        fake_time = _timed(lambda: session.get(url, auth=("octocat", "pw")), count)

    payload = json.dumps(BODY)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(
            "GET",
            url,
            callback=lambda request: (200, {"Content-Type": "application/json"}, payload),
        )
        bare_time = _timed(lambda: session.get(url, auth=("octocat", "pw")), count)
    return fake_time, bare_time


def _timed(send: Callable[[], requests.Response], count: int) -> float:
    for _ in range(min(50, count)):  # warm up
        assert send().status_code == 200
    started = time.perf_counter()
    for _ in range(count):
        send()
    return (time.perf_counter() - started) / count


FAKE_TESTS = """
import requests

def test_{n}(fake_ghe):
    fake_ghe.add_user("octocat", "pw")
    answer = requests.get(fake_ghe.url("/authorizations"), auth=("octocat", "pw"))
    assert answer.status_code == 200 and answer.json() == []
"""

BARE_TESTS = """
import requests
import responses

@responses.activate
def test_{n}():
    responses.add(responses.GET, "https://ghe.example.com/api/v3/authorizations", json=[])
    answer = requests.get(
        "https://ghe.example.com/api/v3/authorizations", auth=("octocat", "pw")
    )
    assert answer.status_code == 200 and answer.json() == []
"""


def suite_seconds(template: str, count: int, folder: Path, plugin: bool) -> float:
    folder.mkdir()
    (folder / "test_many.py").write_text(
        "".join(textwrap.dedent(template).replace("{n}", str(n)) for n in range(count))
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)]
    if plugin and not _entry_point_installed():
        args[3:3] = ["-p", "pytest_fake_ghe.plugin"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    best = float("inf")
    for _ in range(3):  # the best of three: start-up noise only ever adds
        started = time.perf_counter()
        result = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True)
        best = min(best, time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"the benchmark suite failed:\n{result.stdout}\n{result.stderr}")
    return best


def _entry_point_installed() -> bool:
    from importlib.metadata import entry_points

    return any(ep.name == "fake_ghe" for ep in entry_points(group="pytest11"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per transport")
    parser.add_argument("--tests", type=int, default=200, help="tests per suite")
    args = parser.parse_args()

    fake_request, bare_request = per_request(args.requests)
    with tempfile.TemporaryDirectory() as tmp:
        fake_suite = suite_seconds(FAKE_TESTS, args.tests, Path(tmp) / "fake", plugin=True)
        bare_suite = suite_seconds(BARE_TESTS, args.tests, Path(tmp) / "bare", plugin=False)

    print(
        f"per request: fake_ghe {fake_request * 1e6:.0f} us, bare responses "
        f"{bare_request * 1e6:.0f} us"
    )
    print(f"request ratio (fake_ghe / bare responses): {fake_request / bare_request:.2f}")
    print(f"{args.tests} tests: fake_ghe {fake_suite:.2f} s, bare responses {bare_suite:.2f} s")
    print(f"suite ratio (fake_ghe / bare responses): {fake_suite / bare_suite:.2f}")


if __name__ == "__main__":
    main()
