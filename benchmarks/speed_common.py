"""What every row of ``bench_speed.py`` shares: the seeded user, a row of the table, medians."""

from __future__ import annotations

import base64
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from fake_ghe import FakeGHE

LOGIN, PASSWORD = "octocat", "pw"
AUTH_HEADER = "Basic " + base64.b64encode(f"{LOGIN}:{PASSWORD}".encode()).decode()


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
