"""Running the ``fake-ghe`` command as a separate process: ``run`` for one-shot commands,
``Served``
for ``fake-ghe serve`` and its ready line.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "fake_ghe", *args]


def environment() -> dict[str, str]:
    # The package is imported from the source tree whether or not it is installed.
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=environment(),
        cwd=cwd,
        timeout=START_TIMEOUT,
        check=False,
    )


class Served:
    """A ``fake-ghe serve`` process, its ready line, and (once stopped) what it printed."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            command("serve", *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        self.ready: dict[str, Any] = {}
        self.stdout = self.stderr = ""

    def wait_ready(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.stop(signal.SIGKILL)
            pytest.fail(f"no ready line from fake-ghe serve; stderr:\n{self.stderr}")
        self.ready = json.loads(line)
        return self.ready

    @property
    def url(self) -> str:
        return self.ready["url"]

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` and wait for the exit code; kill it if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            out, err = self.process.communicate(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            pytest.fail(f"fake-ghe serve did not stop within {STOP_TIMEOUT} s of signal {signum}")
        self.stdout += out
        self.stderr += err
        return self.process.returncode
