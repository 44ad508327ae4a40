"""How loading a scenario grows with its size: it should cost O(users + tokens).

Run by hand: ``python3 benchmarks/bench_scenario_load.py``. For each size it loads N users
and N tokens into a store that already holds N users (a good document), and checks a document
whose N tokens all name missing users (a refused one: each problem lists known users, which
once cost O(users) per problem). It prints microseconds per item and, last, the ratio of the
largest size's cost per item to the smallest's (about 1.0 means linear).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from fake_ghe.scenario import ScenarioError, load_scenario
from fake_ghe.store import Store

SIZES = (1_000, 4_000, 16_000)
ROUNDS = 3


def document(n: int, *, missing: bool) -> dict[str, Any]:
    users = [{"login": f"user{i}", "password": "pw"} for i in range(n)]
    owner = "ghost" if missing else "user"
    tokens = [{"user": f"{owner}{i}", "scopes": ["repo"]} for i in range(n)]
    return {"users": users, "authorizations": tokens}


def held(n: int) -> Store:
    store = Store(seed=1)
    load_scenario(store, {"users": [{"login": f"held{i}", "password": "pw"} for i in range(n)]})
    return store


def timed(run: Callable[[], None], gc_on: bool) -> float:
    # Python's cyclic GC rescans the whole (growing) heap now and then, which alone makes
    # bulk loads look superlinear; with it off the figures show the algorithm's own growth.
    gc.collect()
    if not gc_on:
        gc.disable()
    try:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started
    finally:
        gc.enable()


def good(n: int, gc_on: bool) -> float:
    store, data = held(n), document(n, missing=False)
    return timed(lambda: load_scenario(store, data) and None, gc_on)


def refused(n: int, gc_on: bool) -> float:
    store, data = held(n), document(n, missing=True)

    def run() -> None:
        try:
            load_scenario(store, data)
        except ScenarioError:
            return
        raise AssertionError("a document naming missing users loaded")

    return timed(run, gc_on)


def main() -> None:
    for gc_on, name, case in (
        (True, "good", good),
        (False, "good, gc off", good),
        (True, "refused", refused),
        (False, "refused, gc off", refused),
    ):
        per_item = []
        for n in SIZES:
            seconds = statistics.median(case(n, gc_on) for _ in range(ROUNDS))
            per_item.append(seconds / (2 * n) * 1e6)
            print(f"{name:15} N={n:>6}: {seconds * 1000:8.1f} ms, {per_item[-1]:6.2f} us per item")
        print(
            f"{name:15} cost per item, largest vs smallest size: {per_item[-1] / per_item[0]:.2f}x"
        )


if __name__ == "__main__":
    main()
