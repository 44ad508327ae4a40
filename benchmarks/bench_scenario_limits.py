"""How long the scenario reader takes to refuse hostile documents (and to read a large good one).

Run from the repository root: ``python benchmarks/bench_scenario_limits.py``. Each line is the
best of a few runs and the first problem reported. Every hostile case should stay well under a
second; the numbers vary with the machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_ghe.scenario.reader import MAX_BYTES, read_bytes, read_text


def bomb(levels: int, fan: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


def merge_chain(levels: int) -> str:
    lines = ["<<:", "  - &l0 {login: a, password: b}"]
    for level in range(1, levels):
        lines.append(f"  - &l{level} {{<<: [{', '.join([f'*l{level - 1}'] * 8)}]}}")
    return "\n".join(lines) + "\n"


def users(count: int) -> str:
    return "users:\n" + "".join(
        f"  - login: user{n}\n    password: pass-{n}\n" for n in range(count)
    )


CASES: dict[str, str | bytes] = {
    "2 MB users: [1,1,1,...] (bytes)": b"users: [" + b"1," * 1_000_000 + b"1]\n",
    "1 MiB users: [1,1,1,...] (just under the size limit)": (
        "users: [" + "1," * ((MAX_BYTES - 20) // 2) + "1]\n"
    ),
    "deep [[[[ (1 MiB)": "users: " + "[" * (MAX_BYTES - 10),
    "deep block lists (700 levels)": "users:\n"
    + "".join("  " * depth + "-\n" for depth in range(1, 700)),
    "billion laughs (9 levels of 9 aliases)": bomb(9),
    "<< merge chain (10 levels of 8)": merge_chain(10),
    "0x + 4000 hex digits": "version: 0x" + "F" * 4000 + "\n",
    "3000-part sexagesimal": "version: " + ":".join(["59"] * 3000) + "\n",
    "good: 5000 users": users(5000),
}


def main() -> None:
    for name, document in CASES.items():
        best, problem = float("inf"), ""
        for _ in range(3):
            started = time.perf_counter()
            if isinstance(document, bytes):
                scenario = read_bytes(document, "bench.yaml")
            else:
                scenario = read_text(document, "bench.yaml")
            best = min(best, time.perf_counter() - started)
            problem = str(scenario.problems[0]) if scenario.problems else "(read, no problem)"
        print(f"{best * 1000:8.1f} ms  {name}\n             {problem[:110]}")


if __name__ == "__main__":
    main()
