"""What the fuzzer records: a request as sent, a finding (each distinct kind once, with the
smallest request seen), and the checks that make a finding.

Imported by ``fuzz_openapi.py``, which puts the repository root on ``sys.path`` first.
"""

from __future__ import annotations

import base64
import json
import traceback
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from fuzz_world import API_PREFIX, ROOT

from tests import openapi  # the description with the errata applied

# ------------------------------------------------------------------------------ findings


@dataclass
class Request:
    method: str
    path: str  # as on the wire: percent-encoded, with the API prefix, no query
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def size(self) -> int:
        return (
            len(self.path)
            + len(self.query)
            + len(self.body or b"")
            + sum(len(k) + len(v) for k, v in self.headers.items())
        )

    def describe(self) -> str:
        target = self.path + (f"?{self.query}" if self.query else "")
        lines = [f"    {self.method} {clip(target, 300)}"]
        for name, value in self.headers.items():
            shown = clip(value, 120)
            if name == "Authorization" and value.startswith("Basic "):
                try:
                    decoded = base64.b64decode(value[6:], validate=True).decode("utf-8")
                    shown += f"   ({clip(decoded, 80)})"
                except ValueError:
                    pass
            lines.append(f"    {name}: {shown}")
        if self.body is not None:
            lines.append(f"    body ({len(self.body)} bytes): {clip(repr(self.body), 300)}")
        return "\n".join(lines)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text)} chars]"


@dataclass
class Finding:
    kind: str  # "500", "exception", "non-json", "schema", "slow"
    operation: str
    request: Request
    status: int | None
    detail: str
    count: int = 1
    operations: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    status: int | None
    headers: dict[str, str]  # names in lower case
    body: bytes
    elapsed: float
    escaped: BaseException | None = None


def json_ok(method: str, outcome: Outcome) -> bool:
    """Every answer with a body is JSON (HEAD, 204 and 304 carry none)."""
    if method == "HEAD" or outcome.status in (204, 304) or not outcome.body:
        return method == "HEAD" or outcome.status in (204, 304)
    if not outcome.headers.get("content-type", "").startswith("application/json"):
        return False
    try:
        json.loads(outcome.body)
    except ValueError:
        return False
    return True


def schema_violation(request: Request, outcome: Outcome) -> str:
    """What the description (with the errata) says is wrong with a JSON answer; "" if nothing."""
    if outcome.status is None or not json_ok(request.method, outcome) or not outcome.body:
        return ""
    if request.method == "HEAD" or not request.path.startswith(API_PREFIX + "/"):
        return ""
    path = urllib.parse.unquote(request.path[len(API_PREFIX) :])
    try:
        openapi.validate(request.method, path, outcome.status, json.loads(outcome.body))
    except AssertionError as error:
        return clip(str(error), 300)
    return ""


def _fake_frames(error: BaseException) -> list[traceback.FrameSummary]:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/fake_ghe/" in f.filename.replace("\\", "/")]
    return ours or list(frames)


def exception_key(error: BaseException) -> tuple[str, ...]:
    frames = _fake_frames(error)
    last = frames[-1] if frames else None
    where = f"{Path(last.filename).name}:{last.name}" if last else "?"
    return type(error).__name__, where


def describe_exception(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    lines = [f"{type(error).__name__}: {clip(str(error), 200)}"]
    for frame in frames:
        try:
            shown = str(Path(frame.filename).resolve().relative_to(ROOT))
        except ValueError:
            shown = frame.filename
        lines.append(f"      {shown}:{frame.lineno} in {frame.name}: {frame.line}")
    return "\n".join(lines)
