"""The README's commands stay true: its curl walk-through runs as written against a live server."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from fake_ghe import Store, create_app
from fake_ghe.scenario import DEMO_SCENARIO, load_scenario
from fake_ghe.server import LiveServer

from .plugin_support import run

README = Path(__file__).resolve().parent.parent / "README.md"


def block_after(marker: str) -> str:
    """The fenced code block that follows ``<!-- marker -->`` in the README."""
    match = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```", README.read_text(), re.S)
    assert match, f"README.md has no code block after <!-- {marker} -->"
    return match.group(1)


def test_walkthrough_runs_as_written_against_the_demo_scenario():
    assert shutil.which("curl"), "curl is needed to run the README walk-through"
    store = Store()
    load_scenario(store, DEMO_SCENARIO)
    env = {
        **os.environ,
        # The block calls python3 for pyotp and json: use this interpreter.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    with LiveServer(create_app(store)) as server:
        env["GHE"] = f"{server.root_url}/api/v3"
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block_after("walkthrough")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines == [
        "X-OAuth-Scopes: public_repo",
        "This API can only be accessed with username and password Basic Auth",
        "X-GitHub-OTP: required; app",
        "hubot",
        "Bad credentials",
        "my github app",
        "204",
        "404",
        "204",
    ]
    # What the walk-through says happened, happened.
    assert [a.note for a in store.authorizations()] == ["demo personal token"]
    assert store.grants() == []


def test_ci_runs_the_readme_test_command():
    command = block_after("test-command").strip().splitlines()[0]
    assert "pytest" in command
    ci = subprocess.run(
        ["bash", str(README.parent / ".ci" / "run"), "--print-command"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ci.stdout.strip() == command


SERVE_COMMAND = re.compile(
    r"^python3 -m venv \.venv && \.venv/bin/pip install \. "
    r"&& \.venv/bin/fake-ghe serve --port 8080$",
    re.M,
)
# What a copy of the project needs to install: no caches, virtual environments or node_modules.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".*_cache",
    ".hypothesis",
    "fake-ghe.url",
)


def test_readme_starts_the_server_with_fake_ghe_serve():
    assert SERVE_COMMAND.search(README.read_text())


def test_the_first_command_installs_into_a_fresh_venv_and_serves(tmp_path: Path):
    """The README's first command, as written, in a copy of the project: a new .venv, a real
    (non-editable) install, and the demo server's ready line (on a free port, not 8080)."""
    match = SERVE_COMMAND.search(README.read_text())
    assert match
    command = match.group(0).replace("--port 8080", "--port 0")
    project = tmp_path / "fake-ghe"
    shutil.copytree(README.parent, project, ignore=NOT_COPIED)
    env = {
        **os.environ,
        # The README's python3: this interpreter, whichever venv it is in. A venv made from a
        # venv's python is a venv of its base interpreter, as from a plain python3.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # pip's output first, then the ready line
        while line and not line.startswith("{"):
            line = server.stdout.readline()
        assert line, server.stderr.read() if server.stderr else ""
        ready = json.loads(line)
        assert ready["event"] == "ready"
        installed = project / ".venv" / "bin" / "fake-ghe"
        assert installed.is_file()
        # Installed into the venv, not run from the copy's source: the package's own files.
        meta = requests.get(ready["api_url"] + "/meta", timeout=10)
        assert meta.status_code == 200
        version = subprocess.run(
            [str(installed), "--version"], capture_output=True, text=True, check=True
        )
        assert ready["version"] in version.stdout + version.stderr
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)


def test_the_use_in_pytest_example_runs_as_written(pytester: pytest.Pytester):
    """The README's example files, pasted into an empty folder, give six passing tests."""
    blocks = re.findall(
        r"<!-- pytest-example:(\S+) -->\s*```\w*\n(.*?)```", README.read_text(), re.S
    )
    assert sorted(name for name, _ in blocks) == [
        "offboard.py",
        "offboarding.yaml",
        "test_offboard.py",
    ]
    for name, text in blocks:
        (pytester.path / name).write_text(text)
    pytester.syspathinsert()
    result = run(pytester)
    result.assert_outcomes(passed=6)
