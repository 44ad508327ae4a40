"""The vocabulary every scenario step shares: a problem, where it is, how values read in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from ..describe import shown
from ..errors import FakeGHEError

NO_FILE = "<scenario>"
DOCUMENT = "(document)"  # the path shown for problems with the document as a whole

KeyPath = tuple[str | int, ...]

# How much of a value a message quotes: enough to recognise it, never a screenful.
# Python refuses to turn an int of more than 4300 digits into text (sys.int_info); an int of
# more bits than this is described rather than printed, well before that limit.


class Problem(NamedTuple):
    """One thing wrong with a scenario, where it is: ``file:line: path: message``."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(FakeGHEError, ValueError):
    """A scenario the fake cannot load; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def format_path(path: KeyPath) -> str:
    """``("users", 1, "two_factor")`` as ``users[1].two_factor``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        elif isinstance(part, str) and _NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{shown(part)}]"
    return text or DOCUMENT
