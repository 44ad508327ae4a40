"""Scenario text (YAML or JSON) into plain data plus the line of every key and list item.

We build the tree ourselves from PyYAML's event stream (``yaml.parse``): PyYAML's composer
and constructor forget lines, keep the last of two equal keys without a word, expand aliases
and ``<<`` merges without limit, and have changed how they merge between releases. Reading
events lets every limit apply as the document arrives, before anything large is built:

- size: at most ``MAX_BYTES``, checked before the text is decoded or parsed;
- nodes: at most ``MAX_NODES``, where an alias counts as the size of what it names, so an
  alias bomb ("billion laughs") or a ``<<`` chain stops after ``MAX_NODES`` of work;
- depth: at most ``MAX_DEPTH`` levels, aliases included, and no alias inside its own anchor.

Everything a document can hold is a ``Problem`` with its line, never an exception.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .. import textrules
from .problems import DOCUMENT, NO_FILE, KeyPath, Problem
from .tree import MAX_DEPTH, MAX_NODES, TOO_DEEP, UNREADABLE, Builder, Stop

# [decision] 1 MiB: the demo is 2 KB and 1 MiB holds about ten thousand users, far past
# what a test seeds; libyaml reads that much in about 0.1 s, so a hostile file costs little.
MAX_BYTES = 1024 * 1024
TOO_LARGE = f"more than {MAX_BYTES} bytes (1 MiB), the most a scenario may be"

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "UNREADABLE",
    "Scenario",
    "read_bytes",
    "read_path",
    "read_text",
]

# libyaml when PyYAML has it: about 20 times faster than the pure-Python parser, which takes
# over a second to refuse a hostile megabyte. Both give the same events.
_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = (
    yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
)
_LIBYAML = _LOADER is not yaml.SafeLoader

# What YAML accepts in a stream (the YAML 1.1 printable set): checked up front, so a bad
# character gets its line and the same message with or without libyaml.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# An escaped backslash, or a \u escape of a UTF-16 surrogate: a pair, or one on its own.
_ESCAPES = re.compile(
    r"\\\\|\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_JSON_START = re.compile(r"[ \t\r\n]*[\[{]")


class Scenario(NamedTuple):
    """A parsed scenario: its data, where each key path was, and what went wrong parsing it."""

    file: str
    data: Any
    lines: Mapping[KeyPath, int]
    problems: tuple[Problem, ...] = ()


def read_path(path: str | os.PathLike[str]) -> Scenario:
    """Read the scenario file at ``path``; an unreadable or oversized file is a problem."""
    name = os.fspath(path)

    def refused(message: str) -> Scenario:
        if "\n" in name:
            message += " (pass YAML text through parse_scenario_text)"
        return Scenario(name, None, {}, (Problem(name, None, DOCUMENT, message),))

    try:
        size = Path(name).stat().st_size
        if size > MAX_BYTES:
            return refused(f"the file is {TOO_LARGE}")
        with open(name, "rb") as file:
            # Read one byte past the limit: a file that grew since stat (or /dev/zero) stops.
            raw = file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        return refused(f"cannot read the file: {getattr(error, 'strerror', None) or error}")
    return read_bytes(raw, name)


def read_bytes(raw: bytes, file: str = NO_FILE) -> Scenario:
    """Read UTF-8 YAML or JSON (a byte-order mark is dropped); bytes that are not are a problem."""
    if len(raw) > MAX_BYTES:
        return _refused(file, None, f"the document is {TOO_LARGE}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text: byte 0x{raw[error.start]:02x} ({error.reason})"
        return _refused(file, line, message)
    return read_text(text, file)


def read_text(text: str, file: str = NO_FILE) -> Scenario:
    """Read YAML or JSON ``text``; every mistake is in ``problems``, nothing is raised."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return _refused(file, None, f"the document is {TOO_LARGE}")
    text = text.removeprefix("\ufeff")
    if _SURROGATE.search(text):
        try:
            text = textrules.checked_text(text)
        except textrules.TextRuleError as error:
            return _refused(file, _line_at(text, _SURROGATE.search(text)), str(error))
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        message = f"invalid YAML: unacceptable character #x{ord(bad.group()):04x}"
        return _refused(file, _line_at(text, bad), message + ": special characters are not allowed")
    if _JSON_START.match(text) and _is_json(text):
        # In JSON a raw tab can only be whitespace between tokens (inside a string it must be
        # escaped), and YAML refuses tabs there: as spaces they mean the same, on the same line.
        text = text.replace("\t", " ")
    builder = Builder(file)
    if not _LIBYAML or not _SURROGATE_ESCAPE.search(text):
        return _read(builder, text, None)
    # libyaml refuses \u escapes of surrogates, even a valid pair as JSON writes an emoji:
    # write each pair as the one \U escape it stands for. If any of them turns out not to be
    # in a double-quoted string (where \ is not an escape), read the text as it was instead.
    rewritten, places = _join_escaped_pairs(text)
    scenario = _read(builder, rewritten, places)
    if places:  # some rewrite was outside a double-quoted string
        scenario = _read(Builder(file), text, None)
    return scenario


def _refused(file: str, line: int | None, message: str) -> Scenario:
    return Scenario(file, None, {}, (Problem(file, line, DOCUMENT, message),))


def _line_at(text: str, match: re.Match[str] | None) -> int | None:
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _is_json(text: str) -> bool:
    """Whether ``text`` is JSON, without building it (its size is already limited)."""

    def nothing(*_: Any) -> None:
        return None

    def refuse(_: str) -> None:
        raise ValueError("NaN and Infinity are not JSON")

    try:
        json.loads(
            text,
            object_pairs_hook=nothing,
            parse_int=nothing,
            parse_float=nothing,
            parse_constant=refuse,
        )
    except (ValueError, RecursionError):
        return False
    return True


def _join_escaped_pairs(text: str) -> tuple[str, list[int]]:
    """``text`` with each ``\\uD83D\\uDE00`` written ``\\U0001F600``, and where each now is."""
    places: list[int] = []
    shift = 0

    def rewrite(match: re.Match[str]) -> str:
        nonlocal shift
        high, low = match.group(1), match.group(2)
        if high is None or low is None:
            return match.group()  # an escaped backslash, or a lone surrogate libyaml will refuse
        code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
        places.append(match.start() - shift)  # in order: sorted
        shift += 2  # twelve characters become ten
        return f"\\U{code:08X}"

    return _ESCAPES.sub(rewrite, text), places


def _events(text: str) -> Generator[yaml.Event, None, None]:
    yield from yaml.parse(text, Loader=_LOADER)  # closing this generator closes PyYAML's


def _read(builder: Builder, text: str, places: list[int] | None) -> Scenario:
    """Run ``builder`` over the events of ``text``; YAML errors and limits become problems.

    ``places`` are where escapes were rewritten: each double-quoted string seen takes its own
    out, so what is left afterwards were not escapes at all.
    """
    events = _events(text)
    try:
        builder.run(events, places)
    except yaml.MarkedYAMLError as error:
        builder.fail(*_yaml_error(text, error))
    except yaml.YAMLError as error:  # ReaderError and the like, which carry no mark
        builder.fail(None, f"invalid YAML: {error}")
    except Stop as stop:
        builder.fail(stop.line, stop.message)
    finally:
        events.close()
    return Scenario(builder.file, builder.data, builder.lines(), tuple(builder.problems))


def _yaml_error(text: str, error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    problem = error.problem or ""
    if "maximum nesting depth" in problem:
        # libyaml's own limit (1000 levels) is met while it reads ahead, before the events
        # reach ours: it can only be hit by a document past our far lower one.
        return line, TOO_DEEP
    if mark is not None and "invalid Unicode character escape" in problem:
        pair = _ESCAPES.match(text, max(mark.index - 2, 0))
        if pair is not None and pair.group(1):  # a pair we had to leave as it was
            return line, "invalid YAML: write this character as one \\U escape (\\U0001F600)"
        escape = _SURROGATE_ESCAPE.match(text, max(mark.index - 2, 0))
        if escape is not None:
            try:
                textrules.checked_text(chr(int(escape.group()[2:], 16)))
            except textrules.TextRuleError as rule:
                return line, str(rule)
    return line, "invalid YAML: " + ": ".join(part for part in (error.context, problem) if part)
