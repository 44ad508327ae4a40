"""Rows 2 and 3 of ``bench_speed.py``: the served request rate, and leaving ``fake.serve()``."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from speed_common import AUTH_HEADER, LOGIN, PASSWORD, Row, median, seeded
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fake_ghe import FakeGHE

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
