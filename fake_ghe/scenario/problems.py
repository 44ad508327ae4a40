"""The vocabulary every scenario step shares: a problem, where it is, how values read in it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

NO_FILE = "<scenario>"
DOCUMENT = "(document)"  # the path shown for problems with the document as a whole

KeyPath = tuple[str | int, ...]

# How much of a value a message quotes: enough to recognise it, never a screenful.
SHOWN_CHARS = 60
# Python refuses to turn an int of more than 4300 digits into text (sys.int_info); an int of
# more bits than this is described rather than printed, well before that limit.
_SHOWN_INT_BITS = 256


class Problem(NamedTuple):
    """One thing wrong with a scenario, where it is: ``file:line: path: message``."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}"


class ScenarioError(ValueError):
    """A scenario the fake cannot load; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` for a message: cut to about ``limit`` characters, and never raising."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            bits = value.bit_length()
            if bits > _SHOWN_INT_BITS:
                sign = "-" if value < 0 else ""
                return f"{sign}<an integer of {bits} bits>"
        if isinstance(value, (str, bytes)) and len(value) > limit:
            value = value[: limit + 1]  # repr of the head only: a 1 MB string costs nothing
        text = repr(value)
    except Exception:  # a repr that fails (too deep, a broken object) must not hide the problem
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[: max(limit - 3, 1)] + "..."
    return text


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


def kind_of(value: object) -> str:
    """How a value reads in YAML terms, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    return f"{type(value).__name__} {shown(value)}"
