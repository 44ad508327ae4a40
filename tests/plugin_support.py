"""Running the pytest plugin inside ``pytester``, installed or not.

Before ``pip install`` the plugin is loaded with ``-p pytest_fake_ghe.plugin``; once its
``pytest11`` entry point is installed pytest loads it by itself, and a second ``-p`` would
register the module twice (pluggy refuses that). ``plugin_args()`` gives what is needed.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

# The imports below are loaded here so that pytester's in-process runs find them already
# imported. pytester forgets modules first imported during a run: importing Flask every run
# is slow, and a module that httpx imports lazily (httpcore) would come back as a second copy
# whose exception classes httpx no longer recognises. (Not the plugin module itself: pytest
# imports that one, to rewrite its asserts.)
import httpcore  # noqa: F401
import httpx  # noqa: F401
import pytest

import fake_ghe.fake
import fake_ghe.transports  # noqa: F401
import pytest_fake_ghe.session  # noqa: F401

PLUGIN = "pytest_fake_ghe.plugin"
ROOT = Path(__file__).resolve().parent.parent


def entry_point_installed() -> bool:
    return any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))


def plugin_args() -> list[str]:
    return [] if entry_point_installed() else ["-p", PLUGIN]


# Third-party plugins the inner runs do not need. Hypothesis's, in particular, imports all of
# hypothesis at the end of every run, and pytester makes each run import it afresh (~2 s).
# Other installed plugins, off so that what a run imports is ours alone (schemathesis' plugin,
# for one, imports requests).
UNNEEDED = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
    "-p",
    "no:schemathesis",
]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process pytest run with the plugin."""
    return pytester.runpytest(*plugin_args(), *UNNEEDED, *args)


def run_subprocess(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str
) -> pytest.RunResult:
    """A pytest run in a fresh interpreter, which finds this repository on its path."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    return pytester.runpytest_subprocess(*plugin_args(), *UNNEEDED, *args)


TOKEN = "0123456789abcdef0123456789abcdef01234567"
# octocat with one token of the app "ci": the scenario the plugin tests seed through the marker.
SCENARIO = f"""\
users:
  - login: octocat
    password: s3cret
oauth_apps:
  - name: ci
    client_id: c1c1c1c1c1c1c1c1c1c1
    client_secret: "5555555555555555555555555555555555555555"
authorizations:
  - user: octocat
    app: c1c1c1c1c1c1c1c1c1c1
    scopes: [repo]
    token: {TOKEN}
"""
