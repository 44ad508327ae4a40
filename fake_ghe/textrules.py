"""What text and numbers from outside may hold: one rule for JSON bodies and scenarios alike.

Python strings can carry what UTF-8 cannot: a lone UTF-16 surrogate, which JSON's ``"\\ud800"``
and YAML's ``"\\ud800"`` escapes both produce. Such a string parses, then breaks the first time
it is written out (a response body, the state page, a log line), long after the request that
brought it in. Refusing it on the way in keeps that failure where the mistake is.
"""

from __future__ import annotations

import re
from typing import Any

# [decision] Integers are at most 64 bits (a GHE id or count never comes near): a bigger one
# in a scenario is a typo or an attack, and Python would refuse to print one of more than 4300
# digits in a message.
MAX_INT_BITS = 64
NUMBER_TOO_LARGE = f"number too large (integers here are limited to {MAX_INT_BITS} bits)"

_SURROGATE = re.compile("[\ud800-\udfff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


class TextRuleError(ValueError):
    """A string or number that breaks the rules; the message says which and where in the string."""


def _joined(pair: re.Match[str]) -> str:
    high, low = (ord(unit) for unit in pair.group())
    return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


def checked_text(text: str) -> str:
    """``text`` with each escaped surrogate pair joined into its character.

    Raises TextRuleError for a surrogate left on its own: ``"\\ud83d\\ude00"`` is 😀, but
    ``"\\ud800"`` is not text at all.
    """
    if _SURROGATE.search(text) is None:
        return text  # the common case, one regex scan
    joined = _PAIR.sub(_joined, text)
    lone = _SURROGATE.search(joined)
    if lone is not None:
        raise TextRuleError(
            f"a lone surrogate \\u{ord(lone.group()):04x} is not text (only a pair of them, "
            "high then low, stands for a character)"
        )
    return joined


def int_problem(value: int) -> str | None:
    """Why an integer is refused (more than 64 bits of magnitude), or None."""
    return NUMBER_TOO_LARGE if value.bit_length() > MAX_INT_BITS else None


def check_strings(data: Any) -> None:
    """Apply ``checked_text`` to every string in parsed JSON, keys included; raise on the first.

    Walks with a stack, not recursion: ``data`` may be as deep as the parser allowed.
    """
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            checked_text(value)
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
