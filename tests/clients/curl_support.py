"""Running the documentation's curl samples: real curl with ``--include``, its reply parsed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

DOCS = "https://developer.github.com/enterprise/2.18/v3"
TOKEN = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class Reply:
    """What ``curl -i`` printed: the status line, the headers, the body."""

    status: int
    reason: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def curl(*args: str) -> Reply:
    program = shutil.which("curl")
    if program is None:
        pytest.fail("curl is not installed: the documentation samples need it")
    done = subprocess.run(
        [program, "--silent", "--show-error", "--include", "--max-time", "10", *args],
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr.decode()
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    _, code, reason = status_line.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(code), reason, headers, body)


def user(credentials: tuple[str, str]) -> str:
    return ":".join(credentials)
