"""How a value from outside reads in a message: short, in YAML's terms, and never raising."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

SHOWN_CHARS = 60
_SHOWN_INT_BITS = 256


def counted(number: int, noun: str) -> str:
    """``1 call``, ``3 calls``: a count and its noun, in the plural unless one."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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


def kind_of(value: object, *, secret: bool = False) -> str:
    """How a value reads in YAML terms, for messages; with ``secret``, its type alone (a
    password typed as a number must not come back in a problem, a log or an admin answer)."""
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
        return "a date" if secret else f"the date {value.isoformat()}"
    if secret:
        return f"{'an' if type(value).__name__[:1] in 'aeiou' else 'a'} {type(value).__name__}"
    return f"{type(value).__name__} {shown(value)}"
