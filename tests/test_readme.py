"""The README's commands stay true: its curl walk-through runs as written against a live server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_readme_starts_the_server_with_fake_ghe_serve():
    assert re.search(r"^python3 -m pip install \. && fake-ghe serve", README.read_text(), re.M)


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
